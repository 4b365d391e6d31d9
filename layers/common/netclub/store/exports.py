"""Export jobs (名簿出力, 参加者名簿): `EXPORT#<id>` / `EXPORT`, the job's state, expiring with its file.

The request writes the job (`queued`) in one transaction with its audit entry; the worker moves it to
`running`, then `ready` (the S3 key, rows, size) or `failed` (a Japanese message). Only from the states
before, so a message delivered twice never turns a finished job back.
"""

from __future__ import annotations

from typing import Any

from netclub.store import dynamo
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import ExportItem, one

__all__ = ["ConditionFailed"]


def _key(export_id: str) -> tuple[str, str]:
    return f"EXPORT#{export_id}", "EXPORT"


def create_op(job: ExportItem) -> TransactOp:
    pk, sk = _key(job["export_id"])
    return dynamo.t_put({**job, "PK": pk, "SK": sk}, condition="attribute_not_exists(PK)")


def get(export_id: str) -> ExportItem | None:
    return one(ExportItem, dynamo.get(*_key(export_id), consistent=True))


def set_status(export_id: str, expected: tuple[str, ...], status: str, at: str, also: dict[str, Any] | None = None) -> None:
    """The status (only from one of `expected`), with further attributes; ConditionFailed otherwise."""
    extra = also or {}
    names = {"#st": "status", **{f"#a{i}": name for i, name in enumerate(extra)}}
    vals: dict[str, Any] = {":st": status, ":at": at, **{f":e{i}": s for i, s in enumerate(expected)}, **{f":a{i}": v for i, v in enumerate(extra.values())}}
    expression = "SET #st = :st, updated_at = :at" + "".join(f", #a{i} = :a{i}" for i in range(len(extra)))
    condition = "attribute_exists(PK) AND #st IN (" + ", ".join(f":e{i}" for i in range(len(expected))) + ")"
    dynamo.update(*_key(export_id), expression, vals=vals, names=names, condition=condition)
