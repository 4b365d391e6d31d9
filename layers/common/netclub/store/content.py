"""Events, videos and notices.

Keys (videos and notices: one item each, listed through GSI1):
- event   PK=EVENT#<id>  SK=EVENT            the event (rev: a counter that orders concurrent updates)
                                             GSI2PK=EVENTS  GSI2SK=<starts_at>#<id>  (staff list; only this
                                             item carries it, never the month copies)
          PK=EVENT#<id>  SK=MONTH#<YYYY-MM>  a copy for every Tokyo month the event touches, from the
                                             month of starts_at to the month of ends_at:
                                             GSI1PK=EVENTS#<YYYY-MM>  GSI1SK=<starts_at>#<id>
- video   PK=VIDEO#<id>  SK=VIDEO   GSI1PK=VIDEOS                        GSI1SK=<created_at>#<id>
- notice  PK=NOTICE#<id> SK=NOTICE  GSI1PK=NOTICES                       GSI1SK=<published_at>#<id>
A month of the calendar is one Query, whatever the number of events in other months, and it also
finds the events that started in an earlier month and are still running. An event and its month
copies are one partition: written, moved and deleted together in one transaction.
The staff list of every event, past and future, is one Query page of the GSI2 partition EVENTS
(GSI2 is sparse; usage history uses the distinct partitions HISTORY#<member>). An event written
before that key existed gets it on its next update (the local stack and the tests start empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, overload

from netclub.errors import invalid
from netclub.store import dynamo
from netclub.store.dynamo import TransactOp
from netclub.store.items import ContentItem, EventItem, Keys, NoticeItem, VideoItem, every, one, with_keys

Kind = Literal["event", "video", "notice"]
_TAG: dict[str, str] = {"event": "EVENT", "video": "VIDEO", "notice": "NOTICE"}
_HIDDEN = {"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "kind", "rev"}
ALL_EVENTS = "EVENTS"  # GSI2PK of every event's own item
_TYPES: dict[str, type[ContentItem]] = {"event": EventItem, "video": VideoItem, "notice": NoticeItem}


def key(kind: Kind, item_id: str) -> tuple[str, str]:
    return f"{_TAG[kind]}#{item_id}", _TAG[kind]


def index_keys(kind: Kind, data: Mapping[str, Any]) -> Keys:
    if kind == "event":
        return {"GSI2PK": ALL_EVENTS, "GSI2SK": f"{data['starts_at']}#{data['id']}"}  # calendar: month copies (event_month_item)
    if kind == "video":
        return {"GSI1PK": "VIDEOS", "GSI1SK": f"{data['created_at']}#{data['id']}"}
    return {"GSI1PK": "NOTICES", "GSI1SK": f"{data['published_at']}#{data['id']}"}


def plain(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _HIDDEN}


def item(kind: Kind, data: ContentItem) -> ContentItem:
    pk, sk = key(kind, data["id"])
    stored = with_keys(data, {"PK": pk, "SK": sk, **index_keys(kind, data)})
    stored["kind"] = kind
    return stored


@overload
def get(kind: Literal["event"], item_id: str) -> EventItem | None: ...
@overload
def get(kind: Literal["video"], item_id: str) -> VideoItem | None: ...
@overload
def get(kind: Literal["notice"], item_id: str) -> NoticeItem | None: ...
def get(kind: Kind, item_id: str) -> ContentItem | None:
    return one(_TYPES[kind], dynamo.get(*key(kind, item_id)))


def put_op(kind: Kind, data: ContentItem, *, create: bool) -> TransactOp:
    """Create (the id must be new) or replace (the item must exist) as a transaction item."""
    return dynamo.t_put(item(kind, data), condition="attribute_not_exists(PK)" if create else "attribute_exists(PK)")


def delete_op(kind: Kind, item_id: str) -> TransactOp:
    return dynamo.t_delete(*key(kind, item_id), condition="attribute_exists(PK)")


# --- events ------------------------------------------------------------------------------


def months_between(first: str, last: str) -> list[str]:
    """YYYY-MM of every month from the one of `first` to the one of `last` (dates or instants)."""
    months, year, month = [], int(first[:4]), int(first[5:7])
    while (year, month) <= (int(last[:4]), int(last[5:7])):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def event_month_item(data: EventItem, month: str) -> EventItem:
    pk, _ = key("event", data["id"])
    return {**data, "PK": pk, "SK": f"MONTH#{month}", "kind": "event", "GSI1PK": f"EVENTS#{month}", "GSI1SK": f"{data['starts_at']}#{data['id']}"}


def event_partition(event_id: str) -> tuple[EventItem | None, list[str]]:
    """The event and the months it is listed under (one consistent Query)."""
    pk, sk = key("event", event_id)
    items = every(EventItem, dynamo.query_all(pk, consistent=True))
    event = next((i for i in items if i["SK"] == sk), None)
    return event, [str(i["SK"])[len("MONTH#") :] for i in items if str(i["SK"]).startswith("MONTH#")]


def _at_rev(rev: int | None) -> dict[str, Any]:
    """Condition: the event exists at revision `rev` (None: an event stored before revisions, i.e. without `rev`)."""
    if rev is None:
        return {"condition": "attribute_exists(PK) AND attribute_not_exists(rev)"}
    return {"condition": "attribute_exists(PK) AND rev = :rev", "vals": {":rev": rev}}


def event_write_ops(data: EventItem, listed_months: list[str], current: EventItem | None) -> list[TransactOp]:
    """Put the event (new when `current` is None, else only over the revision read) and its month copies;
    drop the copies of months it left. An event stored before month copies loses its own index keys here."""
    pk, _ = key("event", data["id"])
    months = months_between(data["starts_at"], data["ends_at"])
    rev = None if current is None else current.get("rev")
    saved: EventItem = {**data, "rev": 0 if rev is None else int(rev) + 1}
    if current is None:
        main = dynamo.t_put(item("event", saved), condition="attribute_not_exists(PK)")
    else:
        main = dynamo.t_put(item("event", saved), **_at_rev(None if rev is None else int(rev)))
    puts = [dynamo.t_put(event_month_item(saved, m)) for m in months]
    drops = [dynamo.t_delete(pk, f"MONTH#{m}") for m in listed_months if m not in months]
    return [main, *puts, *drops]


def event_delete_ops(event_id: str, listed_months: list[str], current: EventItem) -> list[TransactOp]:
    """Delete the event (only at the revision read, so no month copy written since is left behind) and its copies."""
    pk, sk = key("event", event_id)
    rev = current.get("rev")
    main = dynamo.t_delete(pk, sk, **_at_rev(None if rev is None else int(rev)))
    return [main, *[dynamo.t_delete(pk, f"MONTH#{m}") for m in listed_months]]


def events_of_month(month: str, starting_until: str) -> list[EventItem]:
    """Events that touch `month` and start at or before `starting_until` (GSI1SK is the start)."""
    return every(EventItem, dynamo.query_all(f"EVENTS#{month}", index="GSI1", sk_between=("0", starting_until)))


def all_events(limit: int, start: dict[str, Any] | None) -> tuple[list[EventItem], dict[str, Any] | None]:
    """Every event (its own item, not the month copies), latest start first: one Query of `limit` + 1
    items, so the last page has no cursor; a page cut short by DynamoDB's 1 MB goes on from where it stopped."""
    found, last = dynamo.query(ALL_EVENTS, index="GSI2", forward=False, limit=limit + 1, start_key=_event_position(start))
    if len(found) > limit:
        found = found[:limit]
        last = {name: {"S": str(found[-1][name])} for name in ("PK", "SK", "GSI2PK", "GSI2SK")}
    return every(EventItem, found), last


def _event_position(start: dict[str, Any] | None) -> dict[str, Any] | None:
    """A cursor's start key, only if it is a position in the event list (else 400)."""
    if start is None:
        return None
    strings = all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) and 0 < len(v["S"]) <= 512 for v in start.values())
    if not strings or set(start) != {"PK", "SK", "GSI2PK", "GSI2SK"}:
        raise invalid("cursor", "ページ指定（cursor）が正しくありません。")
    if start["GSI2PK"]["S"] != ALL_EVENTS or start["SK"]["S"] != "EVENT" or not start["PK"]["S"].startswith("EVENT#"):
        raise invalid("cursor", "ページ指定（cursor）が正しくありません。")
    return start


def videos(limit: int = 100) -> list[VideoItem]:
    found, _ = dynamo.query("VIDEOS", index="GSI1", forward=False, limit=limit)
    return every(VideoItem, found)


def notices(until: str | None, limit: int, start: dict[str, Any] | None) -> tuple[list[NoticeItem], dict[str, Any] | None]:
    """Published notices (published_at <= until), newest first; until None: every notice, scheduled ones included (staff)."""
    if until is None:
        found, last = dynamo.query("NOTICES", index="GSI1", forward=False, limit=limit, start_key=start)
    else:
        found, last = dynamo.query("NOTICES", index="GSI1", sk_between=("0", until + "#~"), forward=False, limit=limit, start_key=start)
    return every(NoticeItem, found), last
