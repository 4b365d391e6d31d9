from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Body, Path
from netclub.models.profile import AdminMemberDetail, StaffProfileBody
from netclub.services import profiles

app = build_resolver()


@app.put(
    "/api/admin/members/<member_id>/profile",
    summary="会員のMy情報・公社登録項目の更新（職員）",
    description="staff_fields omitted: unchanged. A changed user.email applies at once (409 email_taken if used). Audit-logged.",
    responses={404: {"description": "not_found"}, 409: {"description": "email_taken"}},
    tags=["admin"],
)
def update_member_profile(
    member_id: Annotated[str, Path(max_length=64)], body: Annotated[StaffProfileBody, Body(description="Profile + staff_fields")]
) -> AdminMemberDetail:
    return profiles.admin_update(current_principal(app).member_id, member_id, body)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
