from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Response
from netclub.models.inquiries import InquiryKindAdmin, InquiryKindInput
from netclub.services import inquiries

app = build_resolver()


@app.post("/api/admin/inquiry-kinds", summary="お問い合わせの種類の追加", tags=["admin"], responses={201: {"description": "created"}})
def create_kind(body: InquiryKindInput) -> Response[InquiryKindAdmin]:
    return json_response(201, inquiries.create_kind(current_principal(app).member_id, body).model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
