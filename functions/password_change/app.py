from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger, no_content
from netclub.http import Response
from netclub.models.auth import PasswordChangeRequest
from netclub.services import auth

app = build_resolver()


@app.put("/api/me/password", summary="パスワード変更（他のセッションを失効、完了メール）", tags=["auth"], responses={204: {"description": "changed"}})
def change(body: PasswordChangeRequest) -> Response[None]:
    principal = current_principal(app)
    auth.change_password(principal.member_id, principal.session_id, body)
    return no_content()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
