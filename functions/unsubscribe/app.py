"""POST /api/unsubscribe (no session): RFC 8058 one-click (form `List-Unsubscribe=One-Click`, ?token=) or
the front end's 配信停止 page (JSON {token}). A GET (a mail client without one-click opens the header's URL
in a browser) changes nothing: 303 to the 配信停止 page with the same token, where the person confirms."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

import json
from typing import Annotated, Any
from urllib.parse import quote

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Query, Response
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


@app.get(
    "/api/unsubscribe",
    summary="配信停止の確認画面へ（変更はしません）",
    tags=["public"],
    responses={303: {"description": "to /unsubscribe?token= (the confirmation page); nothing is changed"}},
)
def unsubscribe_page(token: Annotated[str | None, Query(max_length=2048)] = None) -> Response[None]:
    location = "/unsubscribe" + (f"?token={quote(token, safe='')}" if token else "")
    return Response(status_code=303, headers={"Location": location, "Cache-Control": "no-store"})


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
