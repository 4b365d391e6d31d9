"""Events calendar, videos and notices: public/member lists and the staff CRUD (audit-logged)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from netclub import clock, ids
from netclub.cursor import decode, encode
from netclub.errors import NotFound, invalid
from netclub.models.content import (
    Deleted,
    Event,
    EventIn,
    EventList,
    Notice,
    NoticeIn,
    NoticeList,
    Video,
    VideoIn,
    VideoList,
)
from netclub.services import audit
from netclub.store import content as store
from netclub.store import dynamo
from netclub.store.dynamo import ConditionFailed

MAX_RANGE_DAYS = 366
_NOT_FOUND = {"event": "イベントが見つかりません。", "video": "動画が見つかりません。", "notice": "お知らせが見つかりません。"}


# --- events -----------------------------------------------------------------------------


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def events_between(start: date | None, end: date | None) -> EventList:
    """Events starting on a day in [from, to] (Tokyo dates): one Query per month partition."""
    today = date.fromisoformat(clock.today_jst())
    start = start or today.replace(day=1)
    end = end or (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if end < start:
        raise invalid("to", "終了日は開始日以降の日付を指定してください。")
    if (end - start).days > MAX_RANGE_DAYS:
        raise invalid("to", f"期間は{MAX_RANGE_DAYS}日以内で指定してください。")
    items: list[Event] = []
    for month in _months(start, end):
        for found in store.events_of_month(month, start.isoformat(), end.isoformat() + "~"):
            items.append(Event(**_fields(Event, found)))
    return EventList(items=items)


def _fields(model: type, item: dict[str, Any]) -> dict[str, Any]:
    return {k: item.get(k) for k in model.model_fields if k in item}  # type: ignore[attr-defined]


def _event_data(event_id: str, body: EventIn) -> dict[str, Any]:
    return {
        "id": event_id,
        "title": body.title,
        "starts_at": clock.iso(body.starts_at),
        "ends_at": clock.iso(body.ends_at),
        "place": body.place,
        "url": body.url,
        "description": body.description,
    }


# --- videos & notices -------------------------------------------------------------------


def videos() -> VideoList:
    return VideoList(items=[Video(**_fields(Video, i)) for i in store.videos()])


def notices(cursor: str | None, limit: int = 20) -> NoticeList:
    found, last = store.notices(clock.iso(), limit, decode(cursor))
    return NoticeList(items=[Notice(**_fields(Notice, i)) for i in found], next_cursor=encode(last))


def _video_data(video_id: str, body: VideoIn, created_at: str) -> dict[str, Any]:
    return {**body.model_dump(), "id": video_id, "created_at": created_at}


def _notice_data(notice_id: str, body: NoticeIn, current: str | None = None) -> dict[str, Any]:
    published = clock.iso(body.published_at) if body.published_at else (current or clock.iso())
    return {"id": notice_id, "title": body.title, "body": body.body, "published_at": published}


# --- staff writes (each one transaction with its audit entry) ---------------------------


def _save(staff_id: str, kind: store.Kind, data: dict[str, Any], *, create: bool) -> None:
    action = f"{kind}.{'create' if create else 'update'}"
    try:
        dynamo.transact([store.put_op(kind, data, create=create), audit.op(staff_id, action, f"{kind}:{data['id']}", {"title": data.get("title", "")})])
    except ConditionFailed:
        raise NotFound(_NOT_FOUND[kind]) from None


def create_event(staff_id: str, body: EventIn) -> Event:
    data = _event_data(ids.new_id(), body)
    _save(staff_id, "event", data, create=True)
    return Event(**data)


def update_event(staff_id: str, event_id: str, body: EventIn) -> Event:
    data = _event_data(event_id, body)
    _save(staff_id, "event", data, create=False)
    return Event(**data)


def create_video(staff_id: str, body: VideoIn) -> Video:
    data = _video_data(ids.new_id(), body, clock.iso())
    _save(staff_id, "video", data, create=True)
    return Video(**data)


def update_video(staff_id: str, video_id: str, body: VideoIn) -> Video:
    current = store.get("video", video_id)
    if not current:
        raise NotFound(_NOT_FOUND["video"])
    data = _video_data(video_id, body, str(current.get("created_at") or clock.iso()))
    _save(staff_id, "video", data, create=False)
    return Video(**data)


def create_notice(staff_id: str, body: NoticeIn) -> Notice:
    data = _notice_data(ids.new_id(), body)
    _save(staff_id, "notice", data, create=True)
    return Notice(**data)


def update_notice(staff_id: str, notice_id: str, body: NoticeIn) -> Notice:
    current = store.get("notice", notice_id)
    if not current:
        raise NotFound(_NOT_FOUND["notice"])
    data = _notice_data(notice_id, body, str(current.get("published_at") or "") or None)
    _save(staff_id, "notice", data, create=False)
    return Notice(**data)


def delete(staff_id: str, kind: store.Kind, item_id: str) -> Deleted:
    try:
        dynamo.transact([store.delete_op(kind, item_id), audit.op(staff_id, f"{kind}.delete", f"{kind}:{item_id}")])
    except ConditionFailed:
        raise NotFound(_NOT_FOUND[kind]) from None
    return Deleted(id=item_id)
