"""POST /api/unsubscribe (no session): RFC 8058 one-click (form `List-Unsubscribe=One-Click`, ?token=) or
the front end's 配信停止 page (JSON {token}). There is no GET: following a link never changes anything."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

import json
from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Query
from netclub.models.newsletters import Unsubscribed
from netclub.services import newsletters

app = build_resolver()


def _body_token() -> str:
    """The token of a JSON body `{token}`; a form body (List-Unsubscribe=One-Click) carries none."""
    event = app.current_event
    content_type = str(event.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json" or not event.body:
        return ""
    try:
        body = json.loads(event.decoded_body or "")
    except ValueError:
        return ""
    token = body.get("token") if isinstance(body, dict) else None
    return token if isinstance(token, str) else ""


@app.post(
    "/api/unsubscribe",
    summary="メールマガジンの配信停止（ワンクリック、ログイン不要）",
    tags=["public"],
    responses={400: {"description": "invalid_token"}},
)
def unsubscribe(token: Annotated[str | None, Query(max_length=2048)] = None) -> Unsubscribed:
    return newsletters.unsubscribe(token or _body_token())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
