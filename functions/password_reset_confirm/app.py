from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger, no_content
from netclub.http import Response
from netclub.models.auth import PasswordResetConfirm
from netclub.services import recovery

app = build_resolver()


@app.post(
    "/api/password-reset/confirm",
    summary="パスワード再設定（メールのリンクから）",
    tags=["auth"],
    responses={204: {"description": "password set"}, 400: {"description": "invalid_token or validation_error"}},
)
def confirm(body: PasswordResetConfirm) -> Response[None]:
    recovery.confirm_reset(body)
    return no_content()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
