"""専門家カウンセリングの抽選 (staff): begin the draw (202; LotteryWorkerFunction draws and mails), and its state."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.reservations import LotteryIn, LotteryState
from netclub.services import lottery

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post(
    "/api/admin/offerings/<offering_id>/lottery",
    summary="専門家カウンセリングの抽選を開始（seed で再現可能、結果は全申込者にメール）",
    tags=["admin"],
    responses={
        202: {"description": "accepted: the worker draws and mails; poll GET /api/admin/offerings/{offering_id}/lottery"},
        409: {"description": "lottery_done / before_deadline / not_counseling"},
    },
)
def run_lottery(offering_id: Id, body: LotteryIn) -> Response[LotteryState]:
    return json_response(202, lottery.request(current_principal(app).member_id, offering_id, body.seed).model_dump())


@app.get(
    "/api/admin/offerings/<offering_id>/lottery",
    summary="専門家カウンセリングの抽選: 状況と結果",
    tags=["admin"],
    responses={409: {"description": "not_counseling"}},
)
def lottery_state(offering_id: Id) -> LotteryState:
    return lottery.state(offering_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
