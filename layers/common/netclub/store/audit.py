"""Audit log of staff writes: one partition per month, newest first."""

from __future__ import annotations

from typing import Any

from netclub.store import dynamo, keys
from netclub.store.dynamo import TransactOp
from netclub.store.items import AuditItem, every

MEMBER_TARGET = "member:"


def _item(entry: AuditItem) -> AuditItem:
    """The entry in its month's partition; an entry about a member is also under GSI1 `AUDIT_ABOUT#<member_id>`
    (the member's 登録情報のダウンロード reads them there; erasure keeps them)."""
    item: AuditItem = {**entry, "PK": keys.audit_month(entry["at"][:7]), "SK": f"{entry['at']}#{entry['id']}"}
    target = str(entry.get("target", ""))
    if target.startswith(MEMBER_TARGET):
        item |= {"GSI1PK": keys.audit_about(target.removeprefix(MEMBER_TARGET)), "GSI1SK": item["SK"]}
    return item


def put_entry(entry: AuditItem) -> None:
    dynamo.put(_item(entry))


def entry_op(entry: AuditItem) -> TransactOp:
    """The same entry as a transaction item, to log a write atomically with it."""
    return dynamo.t_put(_item(entry))


def about_member(member_id: str) -> list[AuditItem]:
    """Every entry about the member (written since entries were indexed by their member), oldest first."""
    return every(AuditItem, dynamo.query_all(keys.audit_about(member_id), index="GSI1"))


def month_page(month: str, limit: int, start: dict[str, Any] | None) -> tuple[list[AuditItem], dict[str, Any] | None]:
    items, last = dynamo.query(keys.audit_month(month), forward=False, limit=limit, start_key=start)
    return every(AuditItem, items), last
