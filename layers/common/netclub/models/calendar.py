"""Calendar feed (カレンダー配信URL)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CalendarFeed(BaseModel):
    url: str = Field(description="the member's private iCalendar feed (…/api/calendar/{token}.ics); keep it private: anyone with it sees the reservations")
