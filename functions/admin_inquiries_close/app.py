from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.inquiries import StaffInquiry
from netclub.services import departments, inquiries

app = build_resolver()


@app.post("/api/admin/inquiries/<inquiry_id>/close", summary="お問い合わせ窓口: 完了にする", tags=["admin"], responses={409: {"description": "already closed"}})
def close(inquiry_id: Annotated[str, Path(max_length=64)]) -> StaffInquiry:
    staff = current_principal(app)
    return inquiries.close(departments.desk_of(staff.role, staff.departments), staff.member_id, inquiry_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
