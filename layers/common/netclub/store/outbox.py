"""Mails whose send failed, kept until a retry succeeds (visible to staff)."""

from __future__ import annotations

from typing import Any

from netclub.store import dynamo, keys
from netclub.store.dynamo import TransactOp
from netclub.store.items import OutboxItem, every, unkeyed


def item(mail: OutboxItem) -> OutboxItem:
    return {**mail, "PK": keys.OUTBOX_PK, "SK": f"{mail['created_at']}#{mail['id']}"}


def put(mail: OutboxItem) -> None:
    dynamo.put(item(mail))


def put_op(mail: OutboxItem) -> TransactOp:
    """The mail kept in the outbox as a transaction item (written with what it is about; sent after the commit)."""
    return dynamo.t_put(item(mail), condition="attribute_not_exists(PK)")


def pending(limit: int = 100) -> list[OutboxItem]:
    items, _ = dynamo.query(keys.OUTBOX_PK, limit=limit)
    return every(OutboxItem, items)


def remove(sk: str) -> None:
    dynamo.delete(keys.OUTBOX_PK, sk)


def record_attempt(sk: str, error: str, at: str) -> None:
    dynamo.update(keys.OUTBOX_PK, sk, "SET attempts = attempts + :one, last_error = :e, last_attempt_at = :at", vals={":one": 1, ":e": error, ":at": at})


PARKED_PK = "OUTBOX#PARKED"  # mails the retry gave up on: out of the queue's way, kept for staff (no TTL)


def park(mail: OutboxItem, reason: str, at: str) -> None:
    """The mail out of the retry queue into the parked partition, in one transaction (only while it is still queued)."""
    kept = unkeyed(mail, ("PK", "SK"))
    dynamo.transact(
        [
            dynamo.t_put({**kept, "PK": PARKED_PK, "SK": str(mail["SK"]), "parked_at": at, "parked_reason": reason}),
            dynamo.t_delete(keys.OUTBOX_PK, str(mail["SK"]), condition="attribute_exists(PK)"),
        ]
    )


def page(limit: int, start: dict[str, Any] | None, parked: bool = False) -> tuple[list[OutboxItem], dict[str, Any] | None]:
    """Newest first, for the staff view: the mails waiting for a retry, or (parked) those given up."""
    items, last = dynamo.query(PARKED_PK if parked else keys.OUTBOX_PK, forward=False, limit=limit, start_key=start)
    return every(OutboxItem, items), last


def count() -> int:
    """How many mails wait for a retry (the outbox partition, counted exactly): the staff's dashboard."""
    return dynamo.count(keys.OUTBOX_PK)
