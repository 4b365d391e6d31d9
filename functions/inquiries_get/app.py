from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.inquiries import Inquiry
from netclub.services import inquiries

app = build_resolver()


@app.get(
    "/api/inquiries/<inquiry_id>",
    summary="自分のお問い合わせ（公社からの回答つき）",
    tags=["inquiries"],
    responses={404: {"description": "not found (or another member's)"}},
)
def get_inquiry(inquiry_id: Annotated[str, Path(max_length=64)]) -> Inquiry:
    return inquiries.member_get(current_principal(app).member_id, inquiry_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
