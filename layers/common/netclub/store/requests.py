"""Idempotency records written inside the use case's own transaction (POST /api/reservations).

One item of the idempotency table per (use case, member, Idempotency-Key): `id` (the scope and a
SHA-256 of the member and the key), `validation` (a SHA-256 of the request's payload), `data` (the
first answer, JSON), `status` COMPLETED and `expiration` (epoch seconds, the table's TTL). The Put
is one item of the reservation's TransactWriteItems on condition that no live record exists: the
record exists exactly when the reservation does, so a repeat, even a concurrent one, never makes a
second reservation; when the condition fails the transaction reports the record as it is.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from netclub.aws import client
from netclub.config import get_settings
from netclub.store.dynamo import TransactOp, deserialize, serialize
from netclub.store.items import IdempotencyItem, one


def _table() -> str:
    return get_settings().need("idempotency_table_name")


def record_id(scope: str, member_id: str, key: str) -> str:
    return f"netclub.{scope}#{hashlib.sha256(f'{member_id}|{key}'.encode()).hexdigest()}"


def payload_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def put_op(record: str, validation: str, answer: dict[str, Any], now: int, expires: int) -> TransactOp:
    """The record as a transaction item: only when none is live (an expired one, not yet removed by TTL, is replaced)."""
    item: IdempotencyItem = {
        "id": record,
        "validation": validation,
        "data": json.dumps(answer, ensure_ascii=False),
        "status": "COMPLETED",
        "expiration": expires,
    }
    return {
        "Put": {
            "TableName": _table(),
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(id) OR expiration <= :now",
            "ExpressionAttributeValues": serialize({":now": now}),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def get(record: str) -> IdempotencyItem | None:
    answer = client("dynamodb").get_item(TableName=_table(), Key={"id": {"S": record}}, ConsistentRead=True)
    return one(IdempotencyItem, deserialize(answer["Item"]) if answer.get("Item") else None)


def answer_of(item: IdempotencyItem) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(str(item["data"]))
    return data
