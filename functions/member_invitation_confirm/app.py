"""ご利用開始 (/welcome?token=): a migrated member sets a password and is signed in."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger, no_content, session_cookie
from netclub.http import Response
from netclub.models.imports import MemberInvitationConfirm
from netclub.services import member_import

app = build_resolver()


@app.post(
    "/api/member-invitations/confirm",
    summary="ご利用開始: パスワードの設定",
    tags=["auth"],
    description="The link of 「ご利用開始のご案内」 (14 days, single use, the latest only). 204 with the session cookie: GET /api/me gives the CSRF token.",
    responses={204: {"description": "the password is set and the member signed in"}, 400: {"description": "invalid_token, validation_error"}},
)
def confirm(body: MemberInvitationConfirm) -> Response[None]:
    session = member_import.confirm_invitation(body)
    return no_content(cookies=[session_cookie(session.token, session.max_age)])


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
