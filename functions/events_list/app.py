from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, file_response, logger
from netclub.http import Query, Response
from netclub.models.content import EventList
from netclub.services import content

app = build_resolver()


@app.get(
    "/api/events",
    summary="イベントカレンダー（期間内に開催されるイベント。前の月から続くものを含む。申込受付中のセミナー・専門家カウンセリングの日程も）",
    tags=["content"],
)
def list_events(
    start: Annotated[date | None, Query(alias="from", description="YYYY-MM-DD (default: first day of this month)")] = None,
    end: Annotated[date | None, Query(alias="to", description="YYYY-MM-DD (default: last day of the from month)")] = None,
) -> EventList:
    return content.events_between(start, end, with_offerings=True)


@app.get(
    "/api/events.ics",
    summary="イベントカレンダー（iCalendar、前月から12か月）",
    tags=["content"],
    responses={200: {"description": "text/calendar (RFC 5545)", "content": {"text/calendar": {"schema": {"type": "string"}}}}},
)
def events_ics() -> Response[str]:
    from netclub.services import calendar  # the calendar service only for this route: the JSON calendar's cold start stays as it was

    return file_response(calendar.events_ics(), calendar.CALENDAR_TYPE, cache="public, max-age=300")


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
