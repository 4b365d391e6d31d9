from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, cleared_session_cookie, header, logger, no_content, session_token_from_cookie_header
from netclub.http import Response
from netclub.services import sessions

app = build_resolver()


@app.post("/api/auth/logout", summary="ログアウト（セッションをサーバー側で失効）", tags=["auth"], responses={204: {"description": "logged out"}})
def logout() -> Response[None]:
    token = session_token_from_cookie_header(header(app, "cookie"))
    if token:
        sessions.revoke(token)
    return no_content(cookies=[cleared_session_cookie()])


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
