"""Portal content: events (イベントカレンダー), videos (動画コンテンツ), notices (公社からのお知らせ)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from netclub import clock
from netclub.models.common import MULTI_LINE, AnswerModel, LinkUrl, RequestModel


def _jst(value: datetime) -> datetime:
    """A naive date-time is Tokyo time; every instant is kept with the Tokyo offset."""
    return (value.replace(tzinfo=clock.JST) if value.tzinfo is None else value).astimezone(clock.JST)


Url = Annotated[str, Field(max_length=2048), LinkUrl]
"""An absolute http(s) URL or a same-site path (models.common.check_url), or blank."""
Title = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=4000), MULTI_LINE]
Instant = Annotated[datetime, AfterValidator(_jst)]
Input = RequestModel


class EventIn(Input):
    title: Title
    starts_at: Instant = Field(description="ISO 8601 date-time (a value without offset is Tokyo time)")
    ends_at: Instant
    place: Annotated[str, Field(max_length=200)] = ""
    url: Url = ""
    description: Text = ""

    @model_validator(mode="after")
    def _order(self) -> EventIn:
        if self.ends_at < self.starts_at:
            raise ValueError("終了日時は開始日時より後にしてください。")
        return self


class Event(AnswerModel):
    id: str
    title: str
    starts_at: str
    ends_at: str
    place: str
    url: str
    description: str


class CalendarEntry(Event):
    """An entry of イベントカレンダー: a 公社 event, or a bookable date of an offering."""

    offering_id: str | None = Field(
        None, description="set on a bookable date of a seminar or 専門家カウンセリング (its 申込 page: /offerings/{offering_id}); null on a 公社 event"
    )


class EventList(AnswerModel):
    items: list[CalendarEntry]


class AdminEventList(AnswerModel):
    items: list[Event] = Field(description="every event, past and future, latest start first")
    next_cursor: str | None = None


class VideoIn(Input):
    title: Title
    description: Text = ""
    url: Annotated[str, Field(min_length=1, max_length=2048), LinkUrl]
    thumbnail_url: Url = ""
    duration_s: Annotated[int, Field(ge=0, le=86400)] = 0


class Video(AnswerModel):
    id: str
    title: str
    description: str
    url: str
    thumbnail_url: str
    duration_s: int
    created_at: str


class VideoList(AnswerModel):
    items: list[Video]


class NoticeIn(Input):
    title: Title
    body: Text = ""
    published_at: Instant | None = Field(default=None, description="publication instant (default: now); later = scheduled")


class Notice(AnswerModel):
    id: str
    title: str
    body: str
    published_at: str


class NoticeList(AnswerModel):
    items: list[Notice]
    next_cursor: str | None = None


class AdminNotice(Notice):
    scheduled: bool = Field(description="true while published_at is in the future (members do not see it yet)")


class AdminNoticeList(AnswerModel):
    items: list[AdminNotice]
    next_cursor: str | None = None


class Deleted(AnswerModel):
    id: str
    deleted: bool = True


class AuditEntry(AnswerModel):
    id: str
    at: str
    actor_id: str
    action: str
    target: str
    detail: dict[str, object] = {}  # noqa: RUF012 (a pydantic field: pydantic copies the default per instance)


class AuditLog(AnswerModel):
    items: list[AuditEntry]
    next_cursor: str | None = None
