"""Audit log of staff writes: one partition per month, newest first."""

from __future__ import annotations

from typing import Any

from netclub.store import dynamo, keys
from netclub.store.dynamo import Item


def put_entry(entry: dict[str, Any]) -> None:
    month = entry["at"][:7]
    dynamo.put({**entry, "PK": keys.audit_month(month), "SK": f"{entry['at']}#{entry['id']}"})


def entry_op(entry: dict[str, Any]) -> dict[str, Any]:
    """The same entry as a transaction item, to log a write atomically with it."""
    month = entry["at"][:7]
    return dynamo.t_put({**entry, "PK": keys.audit_month(month), "SK": f"{entry['at']}#{entry['id']}"})


def month_page(month: str, limit: int, start: dict[str, Any] | None) -> tuple[list[Item], dict[str, Any] | None]:
    return dynamo.query(keys.audit_month(month), forward=False, limit=limit, start_key=start)
