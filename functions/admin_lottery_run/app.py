from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.reservations import LotteryIn, LotteryResult
from netclub.services import lottery

app = build_resolver()


@app.post(
    "/api/admin/offerings/<offering_id>/lottery",
    summary="専門家カウンセリングの抽選（seed で再現可能、全申込者にメール）",
    tags=["admin"],
    responses={409: {"description": "lottery_done / before_deadline / not_counseling"}},
)
def run_lottery(offering_id: Annotated[str, Path(max_length=64)], body: LotteryIn) -> LotteryResult:
    return lottery.run(current_principal(app).member_id, offering_id, body.seed)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
