from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Query
from netclub.models.inquiries import InquiryStatus, StaffInquiryList
from netclub.services import departments, inquiries

app = build_resolver()


@app.get("/api/admin/inquiries", summary="お問い合わせ窓口: 状態別一覧（新しい順）", tags=["admin"])
def list_inquiries(status: Annotated[InquiryStatus, Query()] = "open", cursor: Annotated[str | None, Query(max_length=2048)] = None) -> StaffInquiryList:
    staff = current_principal(app)
    return inquiries.staff_list(departments.desk_of(staff.role, staff.departments), status, cursor)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
