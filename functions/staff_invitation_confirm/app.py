"""職員招待: the invited person sets a password (then the first login enrols the second factor)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger, no_content
from netclub.http import Response
from netclub.models.staff import StaffInvitationConfirm
from netclub.services import staff

app = build_resolver()


@app.post(
    "/api/staff-invitations/confirm",
    summary="職員招待: パスワードの設定",
    tags=["auth"],
    responses={204: {"description": "the password is set"}, 400: {"description": "invalid_token, validation_error"}},
)
def confirm(body: StaffInvitationConfirm) -> Response[None]:
    staff.confirm_invitation(body)
    return no_content()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
