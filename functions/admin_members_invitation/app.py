"""ご利用開始のご案内を再送 (staff, from the member's page): a new 14-day link; earlier links stop working."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.imports import InvitationSent
from netclub.services import member_import

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post(
    "/api/admin/members/<member_id>/invitation",
    summary="ご利用開始のご案内を送る（再送）",
    tags=["admin"],
    responses={202: {"description": "sent (or kept for the mail retry)"}, 409: {"description": "password_set, not_active"}},
)
def resend(member_id: Id) -> Response[InvitationSent]:
    who = current_principal(app)
    return json_response(202, member_import.resend_invitation(who.member_id, (who.member or {}).get("user_name", ""), member_id).model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
