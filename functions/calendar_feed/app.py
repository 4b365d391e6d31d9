"""カレンダー配信URL: the member's private feed URL (made on first use) and its re-issue."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.models.calendar import CalendarFeed
from netclub.services import calendar

app = build_resolver()


@app.get("/api/me/calendar-feed", summary="カレンダー配信URL（初回に作成）", tags=["reservations"])
def get_feed() -> CalendarFeed:
    return calendar.feed(current_principal(app).member_id)


@app.post("/api/me/calendar-feed/rotate", summary="カレンダー配信URLの再発行（古いURLはすぐに使えなくなる）", tags=["reservations"])
def rotate_feed() -> CalendarFeed:
    return calendar.rotate(current_principal(app).member_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
