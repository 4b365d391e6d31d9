from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.inquiries import InquiryKindAdmin, InquiryKindInput
from netclub.services import inquiries

app = build_resolver()


@app.put("/api/admin/inquiry-kinds/<kind_id>", summary="お問い合わせの種類の変更", tags=["admin"])
def update_kind(kind_id: Annotated[str, Path(max_length=64)], body: InquiryKindInput) -> InquiryKindAdmin:
    return inquiries.update_kind(current_principal(app).member_id, kind_id, body)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
