from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, header, json_response, logger
from netclub.http import Response
from netclub.models.inquiries import Inquiry, InquiryRequest
from netclub.services import inquiries

app = build_resolver()


@app.post(
    "/api/inquiries",
    summary="お問い合わせの申請（Idempotency-Key 対応、受付メール送信）",
    tags=["inquiries"],
    responses={
        201: {"description": "received"},
        400: {"description": "validation_error"},
        404: {"description": "attachment not found"},
        413: {"description": "attachment over 10 MB"},
    },
)
def create_inquiry(body: InquiryRequest) -> Response[Inquiry]:
    answer = inquiries.submit(current_principal(app).member_id, body, header(app, "Idempotency-Key"))
    return json_response(201, answer.model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
