"""Audit log: who did what, when, for every staff write."""

from __future__ import annotations

from typing import Any

from netclub import clock, ids
from netclub.cursor import decode, encode
from netclub.store import audit as audit_store
from netclub.store.dynamo import TransactOp
from netclub.store.items import AuditItem, unkeyed


def entry(actor_id: str, action: str, target: str, detail: dict[str, Any] | None = None) -> AuditItem:
    return {"id": ids.new_id(), "at": clock.iso(), "actor_id": actor_id, "action": action, "target": target, "detail": detail or {}}


def record(actor_id: str, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
    audit_store.put_entry(entry(actor_id, action, target, detail))


def op(actor_id: str, action: str, target: str, detail: dict[str, Any] | None = None) -> TransactOp:
    """The audit entry as a transaction item, to commit it with the write it describes."""
    return audit_store.entry_op(entry(actor_id, action, target, detail))


def _months_back(start: str, count: int) -> list[str]:
    year, month = int(start[:4]), int(start[5:7])
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return months


def page(limit: int = 50, cursor: str | None = None, months: int = 24) -> tuple[list[AuditItem], str | None]:
    """Newest first across monthly partitions; the cursor carries the month and the Query position."""
    state = decode(cursor) or {"m": clock.iso()[:7], "k": None}
    items: list[AuditItem] = []
    start = state.get("k")
    for month in _months_back(str(state.get("m", clock.iso()[:7]))[:7], months):
        found, start = audit_store.month_page(month, limit - len(items), start)
        items.extend(unkeyed(i, ("PK", "SK")) for i in found)
        if start:
            return items, encode({"m": month, "k": start})
        if len(items) >= limit:
            return items, encode({"m": _months_back(month, 2)[1], "k": None})
    return items, None
