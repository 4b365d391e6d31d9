"""予約詳細 「カレンダーに追加」: one confirmed/won reservation as an iCalendar file."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, file_response, logger
from netclub.http import Path, Response
from netclub.services import calendar

app = build_resolver()


@app.get(
    "/api/reservations/<reservation_id>/calendar.ics",
    summary="カレンダーに追加（.ics、確定・当選の予約のみ）",
    tags=["reservations"],
    responses={
        200: {
            "description": "text/calendar (RFC 5545): one VEVENT in Asia/Tokyo with a VALARM the day before",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    },
)
def reservation_ics(reservation_id: Annotated[str, Path(max_length=64)]) -> Response[str]:
    name, body = calendar.reservation_ics(current_principal(app).member_id, reservation_id)
    return file_response(body, calendar.CALENDAR_TYPE, filename=name)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
