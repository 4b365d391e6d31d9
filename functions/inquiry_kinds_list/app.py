from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.models.inquiries import InquiryKindList
from netclub.services import inquiries

app = build_resolver()


@app.get("/api/inquiry-kinds", summary="お問い合わせの種類（お問い合わせフォームの選択肢）", tags=["inquiries"])
def list_kinds() -> InquiryKindList:
    return inquiries.member_kinds()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
