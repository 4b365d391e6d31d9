"""会員データ移行 storage: an import's state, its errors, a marker per row written and per chunk done, and
the 会員番号 → member index (MEMBERNO#) that keys a re-run.

An import is `IMPORT#<id>`: `IMPORT` (status and counters, listed newest first under GSI1 `IMPORTS`),
`ERRORS` (the first 1,000 errors, kept apart so that the counters' many small updates do not rewrite
them), `ROW#<n>` (written in the same transaction as row n's member: a retried chunk skips it) and
`CHUNK#<n>` (written with the chunk's counters: a chunk is counted once). Markers expire after 30 days.
"""

from __future__ import annotations

from typing import Any

from netclub.store import dynamo, keys
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import EmailItem, ImportErrorsItem, ImportItem, ImportRowItem, MemberNumberItem, every, one

__all__ = ["ConditionFailed"]

IMPORTS_GSI1PK = "IMPORTS"
MARKER_DAYS = 30


def _pk(import_id: str) -> str:
    return f"IMPORT#{import_id}"


def _row_sk(row: int) -> str:
    return f"ROW#{row:06d}"


def member_number(number: str) -> tuple[str, str]:
    return f"MEMBERNO#{number.strip()}", "MEMBERNO"


def create(state: ImportItem) -> None:
    item: ImportItem = {
        **state,
        "PK": _pk(state["import_id"]),
        "SK": "IMPORT",
        "GSI1PK": IMPORTS_GSI1PK,
        "GSI1SK": f"{state['created_at']}#{state['import_id']}",
    }
    dynamo.put(item, condition="attribute_not_exists(PK)")


def get(import_id: str) -> ImportItem | None:
    return one(ImportItem, dynamo.get(_pk(import_id), "IMPORT", consistent=True))


def get_with_errors(import_id: str) -> tuple[ImportItem | None, ImportErrorsItem | None]:
    """The import and its errors item, in one BatchGetItem."""
    found = {str(i["SK"]): i for i in dynamo.batch_get([(_pk(import_id), "IMPORT"), (_pk(import_id), "ERRORS")], consistent=True)}
    return one(ImportItem, found.get("IMPORT")), one(ImportErrorsItem, found.get("ERRORS"))


def recent(limit: int) -> list[ImportItem]:
    items, _ = dynamo.query(IMPORTS_GSI1PK, index="GSI1", forward=False, limit=limit)
    return every(ImportItem, items)


def set_status(import_id: str, expected: tuple[str, ...], status: str, at: str, also: dict[str, Any] | None = None) -> None:
    """The status (only from one of `expected`), with further attributes; ConditionFailed otherwise."""
    extra = also or {}
    names = {"#st": "status", **{f"#a{i}": name for i, name in enumerate(extra)}}
    vals: dict[str, Any] = {":st": status, ":at": at, **{f":e{i}": s for i, s in enumerate(expected)}, **{f":a{i}": v for i, v in enumerate(extra.values())}}
    expression = "SET #st = :st, updated_at = :at" + "".join(f", #a{i} = :a{i}" for i in range(len(extra)))
    condition = "attribute_exists(PK) AND #st IN (" + ", ".join(f":e{i}" for i in range(len(expected))) + ")"
    dynamo.update(_pk(import_id), "IMPORT", expression, vals=vals, names=names, condition=condition)


def start_run_op(import_id: str, send_invitations: bool, actor_id: str, at: str) -> TransactOp:
    """`importing`, its counters at zero (only from `validated`): with the run's audit entry, in one transaction."""
    counters = ("chunks_done", "processed", "created", "updated", "invited")
    names = {"#st": "status", **{f"#c{i}": k for i, k in enumerate(counters)}}
    vals: dict[str, Any] = {":st": "importing", ":from": "validated", ":at": at, ":zero": 0, ":inv": send_invitations, ":by": actor_id}
    # counters start at zero once: a run whose messages SQS refused goes back to `validated`, and its chunks
    # already counted (CHUNK#n) are not counted again when it is run once more
    expression = "SET #st = :st, updated_at = :at, run_at = :at, run_by = :by, send_invitations = :inv"
    expression += "".join(f", #c{i} = if_not_exists(#c{i}, :zero)" for i in range(len(counters)))
    return dynamo.t_update(_pk(import_id), "IMPORT", expression, vals=vals, names=names, condition="#st = :from")


def validated(import_id: str, at: str, result: dict[str, Any], errors: list[dict[str, Any]], error_count: int) -> None:
    """The validation's result and its errors, together (only while the import is `validating`)."""
    names = {"#st": "status", **{f"#r{i}": name for i, name in enumerate(result)}}
    vals: dict[str, Any] = {":st": "validated", ":from": "validating", ":at": at, **{f":r{i}": v for i, v in enumerate(result.values())}}
    expression = "SET #st = :st, updated_at = :at" + "".join(f", #r{i} = :r{i}" for i in range(len(result)))
    dynamo.transact(
        [
            dynamo.t_update(_pk(import_id), "IMPORT", expression, vals=vals, names=names, condition="#st = :from"),
            dynamo.t_put(ImportErrorsItem(PK=_pk(import_id), SK="ERRORS", errors=errors, count=error_count, version=0)),
        ]
    )


def row_markers(import_id: str, rows: list[int]) -> dict[int, ImportRowItem]:
    """The rows of these numbers already written (their markers), by row number."""
    found = every(ImportRowItem, dynamo.batch_get([(_pk(import_id), _row_sk(r)) for r in rows], consistent=True))
    return {int(str(i["SK"]).removeprefix("ROW#")): i for i in found}


def row_marker_op(
    import_id: str, row: int, outcome: str, expires: int, member_id: str = "", invited: bool = False, message: str = "", column: str = ""
) -> TransactOp:
    """Row n's outcome (created / updated / error): written once, with what it records."""
    item: ImportRowItem = {
        "PK": _pk(import_id),
        "SK": _row_sk(row),
        "row": row,
        "outcome": outcome,
        "member_id": member_id,
        "invited": invited,
        "ttl_epoch": expires,
    }
    if message:
        item |= {"message": message, "column": column}
    return dynamo.t_put(item, condition="attribute_not_exists(PK)")


def chunk_rows(import_id: str, first: int, last: int) -> list[ImportRowItem]:
    """The markers of rows first..last (a chunk's own rows)."""
    return every(ImportRowItem, dynamo.query_all(_pk(import_id), sk_between=(_row_sk(first), _row_sk(last)), consistent=True))


def chunk_done(
    import_id: str, chunk: int, counts: dict[str, int], errors_item: ImportErrorsItem | None, new_errors: list[dict[str, Any]], keep: int, expires: int, at: str
) -> None:
    """Chunk n counted once: its marker, the import's counters and its refused rows appended to the kept errors
    (up to `keep`), in one transaction; the errors item must be as read (ConditionFailed: read it again)."""
    counters = {"processed": counts["processed"], "created": counts["created"], "updated": counts["updated"], "invited": counts["invited"]}
    counters |= {"error_count": len(new_errors), "chunks_done": 1}
    names = {f"#c{i}": name for i, name in enumerate(counters)}
    expression = "SET updated_at = :at ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(counters)))
    vals = {":at": at, **{f":c{i}": v for i, v in enumerate(counters.values())}}
    operations = [
        dynamo.t_put({"PK": _pk(import_id), "SK": f"CHUNK#{chunk:05d}", "ttl_epoch": expires, "at": at}, condition="attribute_not_exists(PK)"),
        dynamo.t_update(_pk(import_id), "IMPORT", expression, vals=vals, names=names, condition="attribute_exists(PK)"),
    ]
    if new_errors:
        kept = list((errors_item or {}).get("errors") or [])
        version = int((errors_item or {}).get("version", 0))
        item: ImportErrorsItem = {
            "PK": _pk(import_id),
            "SK": "ERRORS",
            "errors": (kept + new_errors)[:keep],
            "count": int((errors_item or {}).get("count", 0)) + len(new_errors),
        }
        condition = "version = :v" if errors_item else "attribute_not_exists(PK)"
        operations.append(dynamo.t_put({**item, "version": version + 1}, condition=condition, vals={":v": version} if errors_item else None))
    dynamo.transact(operations)


def errors_item(import_id: str) -> ImportErrorsItem | None:
    return one(ImportErrorsItem, dynamo.get(_pk(import_id), "ERRORS", consistent=True))


def chunk_is_done(import_id: str, chunk: int) -> bool:
    return dynamo.get(_pk(import_id), f"CHUNK#{chunk:05d}", consistent=True) is not None


def finish_if_complete(import_id: str, at: str) -> bool:
    """`done` once every chunk is counted (only then, only once)."""
    try:
        dynamo.update(
            _pk(import_id),
            "IMPORT",
            "SET #st = :done, updated_at = :at, finished_at = :at",
            vals={":done": "done", ":importing": "importing", ":at": at},
            names={"#st": "status", "#done": "chunks_done", "#all": "chunks"},
            condition="#st = :importing AND #done >= #all",
        )
    except ConditionFailed:
        return False
    return True


# --- 会員番号 → member ---------------------------------------------------------------------------


def members_of_numbers(numbers: list[str]) -> dict[str, str]:
    """会員番号 → member_id, for those known."""
    found = every(MemberNumberItem, dynamo.batch_get([member_number(n) for n in numbers]))
    return {str(i["PK"]).removeprefix("MEMBERNO#"): str(i["member_id"]) for i in found}


def members_of_emails(addresses: list[str]) -> dict[str, str]:
    """Address → member_id, for those registered (their EMAIL# items)."""
    found = every(EmailItem, dynamo.batch_get([keys.email(a) for a in addresses], projection=["PK", "member_id"]))
    return {str(i["PK"]).removeprefix("EMAIL#"): str(i["member_id"]) for i in found}


def member_number_op(number: str, member_id: str) -> TransactOp:
    """The number names this member (free, or already this member's)."""
    pk, sk = member_number(number)
    return dynamo.t_put({"PK": pk, "SK": sk, "member_id": member_id}, condition="attribute_not_exists(PK) OR member_id = :m", vals={":m": member_id})
