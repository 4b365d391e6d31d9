"""Events calendar, videos and notices: public/member lists and the staff CRUD (audit-logged)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from netclub import clock, ids
from netclub.cursor import decode, encode
from netclub.errors import Conflict, NotFound, invalid
from netclub.models.content import (
    AdminEventList,
    AdminNotice,
    AdminNoticeList,
    CalendarEntry,
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
from netclub.store.items import ContentItem, EventItem, NoticeItem, VideoItem, the

MAX_RANGE_DAYS = 366
MAX_EVENT_DAYS = 366  # at most 13 month copies: an event write stays one small transaction
_CHANGED = "ほかの操作で内容が変わりました。画面を更新して、もう一度お試しください。"
_NOT_FOUND = {"event": "イベントが見つかりません。", "video": "動画が見つかりません。", "notice": "お知らせが見つかりません。"}


# --- events -----------------------------------------------------------------------------


def events_between(start: date | None, end: date | None, with_offerings: bool = False) -> EventList:
    """Events running on a day in [from, to] (Tokyo dates), also those that began before `from`:
    one Query per month partition (an event is listed under every month it touches), de-duplicated."""
    today = date.fromisoformat(clock.today_jst())
    start = start or today.replace(day=1)
    end = end or (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if end < start:
        raise invalid("to", "終了日は開始日以降の日付を指定してください。")
    if (end - start).days > MAX_RANGE_DAYS:
        raise invalid("to", f"期間は{MAX_RANGE_DAYS}日以内で指定してください。")
    found: dict[str, CalendarEntry] = {}
    for month in store.months_between(start.isoformat(), end.isoformat()):
        for item in store.events_of_month(month, end.isoformat() + "~"):
            if str(item["ends_at"]) >= start.isoformat() and item["id"] not in found:
                found[item["id"]] = CalendarEntry(**_fields(Event, item))
    if with_offerings:
        found |= {e.id: e for e in _offering_dates(start, end)}
    return EventList(items=sorted(found.values(), key=lambda e: (e.starts_at, e.id)))


def _offering_dates(start: date, end: date) -> list[CalendarEntry]:
    """The dates of seminars and 専門家カウンセリング still open for applications, as calendar entries linking to their
    申込 page: one Query per month of the slot index (GSI2 SLOTMONTH#) and one BatchGetItem of their offerings."""
    from netclub.store import reservations as offering_store

    now = clock.iso()
    slots = [s for s in offering_store.slots_between(start.isoformat(), end.isoformat()) if str(s.get("starts_at", "")) > now]
    offerings = offering_store.open_offerings({str(s["offering_id"]) for s in slots}, now)
    return [
        CalendarEntry(
            id=f"slot-{s['id']}",
            title=str(offerings[str(s["offering_id"])]),
            starts_at=str(s["starts_at"]),
            ends_at=f"{s['date']}T{s['end_time']}:00+09:00",
            place=str(s.get("place", "")),
            url=f"/offerings/{s['offering_id']}",
            description="",
            offering_id=str(s["offering_id"]),
        )
        for s in slots
        if str(s["offering_id"]) in offerings
    ]


def admin_events(cursor: str | None, limit: int = 50) -> AdminEventList:
    """Staff: every event, past and future, latest start first (one Query, whatever the number of events)."""
    found, last = store.all_events(limit, decode(cursor))
    return AdminEventList(items=[Event(**_fields(Event, i)) for i in found], next_cursor=encode(last))


def _fields(model: type, item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: item.get(k) for k in model.model_fields if k in item}  # type: ignore[attr-defined]


def _event_data(event_id: str, body: EventIn) -> EventItem:
    if body.ends_at - body.starts_at > timedelta(days=MAX_EVENT_DAYS):
        raise invalid("ends_at", f"開催期間は{MAX_EVENT_DAYS}日以内で指定してください。")
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


def admin_notices(cursor: str | None, limit: int = 20) -> AdminNoticeList:
    """Staff: every notice newest first, the scheduled (future-dated) ones flagged."""
    now = clock.iso()
    found, last = store.notices(None, limit, decode(cursor))
    items = [AdminNotice(**_fields(Notice, i), scheduled=str(i["published_at"]) > now) for i in found]
    return AdminNoticeList(items=items, next_cursor=encode(last))


def _video_data(video_id: str, body: VideoIn, created_at: str) -> VideoItem:
    return the(VideoItem, {**body.model_dump(), "id": video_id, "created_at": created_at})


def _notice_data(notice_id: str, body: NoticeIn, current: str | None = None) -> NoticeItem:
    published = clock.iso(body.published_at) if body.published_at else (current or clock.iso())
    return {"id": notice_id, "title": body.title, "body": body.body, "published_at": published}


# --- staff writes (each one transaction with its audit entry) ---------------------------


def _save(staff_id: str, kind: store.Kind, data: ContentItem, *, create: bool) -> None:
    action = f"{kind}.{'create' if create else 'update'}"
    try:
        dynamo.transact([store.put_op(kind, data, create=create), audit.op(staff_id, action, f"{kind}:{data['id']}", {"title": data.get("title", "")})])
    except ConditionFailed:
        raise NotFound(_NOT_FOUND[kind]) from None


def create_event(staff_id: str, body: EventIn) -> Event:
    data = _event_data(ids.new_id(), body)
    dynamo.transact([*store.event_write_ops(data, [], None), audit.op(staff_id, "event.create", f"event:{data['id']}", {"title": data["title"]})])
    return Event(**data)


def update_event(staff_id: str, event_id: str, body: EventIn) -> Event:
    data = _event_data(event_id, body)
    current, months = store.event_partition(event_id)
    if not current:
        raise NotFound(_NOT_FOUND["event"])
    try:
        dynamo.transact(
            [
                *store.event_write_ops(data, months, current),
                audit.op(staff_id, "event.update", f"event:{event_id}", {"title": data["title"]}),
            ]
        )
    except ConditionFailed:
        raise Conflict(_CHANGED, code="stale") from None  # deleted or updated by someone else since the read
    return Event(**data)


def delete_event(staff_id: str, event_id: str) -> Deleted:
    current, months = store.event_partition(event_id)
    if not current:
        raise NotFound(_NOT_FOUND["event"])
    try:
        dynamo.transact([*store.event_delete_ops(event_id, months, current), audit.op(staff_id, "event.delete", f"event:{event_id}")])
    except ConditionFailed:
        raise Conflict(_CHANGED, code="stale") from None
    return Deleted(id=event_id)


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
    if kind == "event":
        return delete_event(staff_id, item_id)  # the event's month copies go with it
    try:
        dynamo.transact([store.delete_op(kind, item_id), audit.op(staff_id, f"{kind}.delete", f"{kind}:{item_id}")])
    except ConditionFailed:
        raise NotFound(_NOT_FOUND[kind]) from None
    return Deleted(id=item_id)
