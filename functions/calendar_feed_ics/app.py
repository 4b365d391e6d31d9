"""The private calendar feed (no session: the URL's token is the key), for calendar apps that subscribe."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, file_response, logger
from netclub.http import Path, Response
from netclub.services import calendar

app = build_resolver()


@app.get(
    "/api/calendar/<feed>",
    summary="カレンダー配信（{token}.ics、ログイン不要）",
    tags=["reservations"],
    responses={
        200: {
            "description": "text/calendar (RFC 5545): the member's confirmed/won reservations, one VEVENT each",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    },
)
def feed_ics(feed: Annotated[str, Path(max_length=80, description="<token>.ics")]) -> Response[str]:
    return file_response(calendar.feed_ics(feed), calendar.CALENDAR_TYPE)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
