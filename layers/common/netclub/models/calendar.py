"""Calendar feed (カレンダー配信URL)."""

from __future__ import annotations

from pydantic import Field

from netclub.models.common import AnswerModel


class CalendarFeed(AnswerModel):
    url: str = Field(description="the member's private iCalendar feed (…/api/calendar/{token}.ics); keep it private: anyone with it sees the reservations")
