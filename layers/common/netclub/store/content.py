"""Events, videos and notices.

Keys (one item per piece of content, listed through GSI1):
- event   PK=EVENT#<id>  SK=EVENT   GSI1PK=EVENTS#<YYYY-MM of starts_at>  GSI1SK=<starts_at>#<id>
- video   PK=VIDEO#<id>  SK=VIDEO   GSI1PK=VIDEOS                        GSI1SK=<created_at>#<id>
- notice  PK=NOTICE#<id> SK=NOTICE  GSI1PK=NOTICES                       GSI1SK=<published_at>#<id>
A month of the calendar is one Query, whatever the number of events in other months.
"""

from __future__ import annotations

from typing import Any, Literal

from netclub.store import dynamo
from netclub.store.dynamo import Item

Kind = Literal["event", "video", "notice"]
_TAG: dict[str, str] = {"event": "EVENT", "video": "VIDEO", "notice": "NOTICE"}
_HIDDEN = {"PK", "SK", "GSI1PK", "GSI1SK", "kind"}


def key(kind: Kind, item_id: str) -> tuple[str, str]:
    return f"{_TAG[kind]}#{item_id}", _TAG[kind]


def index_keys(kind: Kind, data: dict[str, Any]) -> dict[str, str]:
    if kind == "event":
        return {"GSI1PK": f"EVENTS#{data['starts_at'][:7]}", "GSI1SK": f"{data['starts_at']}#{data['id']}"}
    if kind == "video":
        return {"GSI1PK": "VIDEOS", "GSI1SK": f"{data['created_at']}#{data['id']}"}
    return {"GSI1PK": "NOTICES", "GSI1SK": f"{data['published_at']}#{data['id']}"}


def plain(item: Item) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _HIDDEN}


def item(kind: Kind, data: dict[str, Any]) -> Item:
    pk, sk = key(kind, data["id"])
    return {**data, "PK": pk, "SK": sk, "kind": kind, **index_keys(kind, data)}


def get(kind: Kind, item_id: str) -> Item | None:
    return dynamo.get(*key(kind, item_id))


def put_op(kind: Kind, data: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """Create (the id must be new) or replace (the item must exist) as a transaction item."""
    return dynamo.t_put(item(kind, data), condition="attribute_not_exists(PK)" if create else "attribute_exists(PK)")


def delete_op(kind: Kind, item_id: str) -> dict[str, Any]:
    return dynamo.t_delete(*key(kind, item_id), condition="attribute_exists(PK)")


def events_of_month(month: str, low: str, high: str) -> list[Item]:
    return dynamo.query_all(f"EVENTS#{month}", index="GSI1", sk_between=(low, high))


def videos(limit: int = 100) -> list[Item]:
    found, _ = dynamo.query("VIDEOS", index="GSI1", forward=False, limit=limit)
    return found


def notices(until: str, limit: int, start: dict[str, Any] | None) -> tuple[list[Item], dict[str, Any] | None]:
    """Published notices (published_at <= until), newest first."""
    return dynamo.query("NOTICES", index="GSI1", sk_between=("0", until + "#~"), forward=False, limit=limit, start_key=start)
