"""Members, their unique e-mail, sessions, single-use tokens and login throttles."""

from __future__ import annotations

from typing import Any

from netclub.store import dynamo, keys
from netclub.store.dynamo import ConditionFailed, Item

__all__ = ["ConditionFailed"]


# --- members ----------------------------------------------------------------------------


def get_member(member_id: str, consistent: bool = False) -> Item | None:
    return dynamo.get(*keys.member(member_id), consistent=consistent)


def member_id_for_email(address: str) -> str | None:
    item = dynamo.get(*keys.email(address))
    return str(item["member_id"]) if item else None


def member_item(member: dict[str, Any]) -> Item:
    pk, sk = keys.member(member["member_id"])
    return {
        **member,
        "PK": pk,
        "SK": sk,
        "GSI1PK": keys.members_by_status(member["status"]),
        "GSI1SK": f"{member['created_at']}#{member['member_id']}",
    }


def create_member(member: dict[str, Any], token_digest: str | None = None) -> None:
    """Member + unique e-mail claim (+ consuming the registration token), all or nothing."""
    email_pk, email_sk = keys.email(member["email"])
    operations = [
        dynamo.t_put(member_item(member), condition="attribute_not_exists(PK)"),
        dynamo.t_put({"PK": email_pk, "SK": email_sk, "member_id": member["member_id"]}, condition="attribute_not_exists(PK)"),
    ]
    if token_digest:
        operations.append(_consume(token_digest))
    dynamo.transact(operations)


def set_status_op(member_id: str, expected: str, status: str, at: str) -> dict[str, Any]:
    pk, sk = keys.member(member_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET #st = :st, GSI1PK = :g, updated_at = :at, status_changed_at = :at",
        names={"#st": "status"},
        vals={":st": status, ":g": keys.members_by_status(status), ":at": at, ":expected": expected},
        condition="attribute_exists(PK) AND #st = :expected",
    )


def set_status(member_id: str, expected: str, status: str, at: str) -> None:
    dynamo.transact([set_status_op(member_id, expected, status, at)])


def set_password_hash(member_id: str, password_hash: str, at: str) -> None:
    pk, sk = keys.member(member_id)
    dynamo.update(pk, sk, "SET password_hash = :h, password_changed_at = :at", vals={":h": password_hash, ":at": at}, condition="attribute_exists(PK)")


def members_with_status(status: str, limit: int, start: dict[str, Any] | None) -> tuple[list[Item], dict[str, Any] | None]:
    return dynamo.query(keys.members_by_status(status), index="GSI1", forward=False, limit=limit, start_key=start)


# --- sessions ---------------------------------------------------------------------------


def put_session(token_digest: str, session: dict[str, Any]) -> None:
    pk, sk = keys.session(token_digest)
    dynamo.put(
        {**session, "PK": pk, "SK": sk, "GSI1PK": keys.sessions_of(session["member_id"]), "GSI1SK": f"{session['created_at']:012d}"},
        condition="attribute_not_exists(PK)",
    )


def get_session(token_digest: str) -> Item | None:
    return dynamo.get(*keys.session(token_digest), consistent=True)


def touch_session(token_digest: str, at: int) -> None:
    pk, sk = keys.session(token_digest)
    try:
        dynamo.update(pk, sk, "SET last_seen = :at", vals={":at": at}, condition="attribute_exists(PK)")
    except ConditionFailed:
        pass  # revoked in the meantime: the next request will find no session


def delete_session(token_digest: str) -> None:
    dynamo.delete(*keys.session(token_digest))


def delete_session_op(token_digest: str) -> dict[str, Any]:
    return dynamo.t_delete(*keys.session(token_digest))


def session_digests_of(member_id: str) -> list[str]:
    items = dynamo.query_all(keys.sessions_of(member_id), index="GSI1")
    return [str(i["PK"]).removeprefix("SESSION#") for i in items]


# --- single-use tokens ------------------------------------------------------------------


def _token_item(token_digest: str, purpose: str, subject: str, expires: int, data: dict[str, Any] | None) -> Item:
    pk, sk = keys.token(token_digest)
    return {"PK": pk, "SK": sk, "purpose": purpose, "subject": subject, "expires": expires, "ttl_epoch": expires + 86400, "data": data or {}}


def put_token(token_digest: str, purpose: str, subject: str, expires: int, data: dict[str, Any] | None = None) -> None:
    dynamo.put(_token_item(token_digest, purpose, subject, expires, data), condition="attribute_not_exists(PK)")


def put_token_op(token_digest: str, purpose: str, subject: str, expires: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return dynamo.t_put(_token_item(token_digest, purpose, subject, expires, data), condition="attribute_not_exists(PK)")


def get_token(token_digest: str) -> Item | None:
    return dynamo.get(*keys.token(token_digest), consistent=True)


def _consume(token_digest: str) -> dict[str, Any]:
    pk, sk = keys.token(token_digest)
    return dynamo.t_update(pk, sk, "SET used = :t", vals={":t": True}, condition="attribute_exists(PK) AND attribute_not_exists(used)")


def consume_token_and(token_digest: str, operations: list[dict[str, Any]]) -> None:
    """Mark the token used together with the operations it authorises (single use, atomically)."""
    dynamo.transact([_consume(token_digest), *operations])


def set_password_op(member_id: str, password_hash: str, at: str) -> dict[str, Any]:
    pk, sk = keys.member(member_id)
    return dynamo.t_update(pk, sk, "SET password_hash = :h, password_changed_at = :at", vals={":h": password_hash, ":at": at}, condition="attribute_exists(PK)")


# --- login throttles --------------------------------------------------------------------


def get_throttle(scope: str, value: str) -> Item | None:
    return dynamo.get(*keys.throttle(scope, value), consistent=True)


def record_failure(scope: str, value: str, now: int, window_seconds: int) -> Item:
    """Count one failure in the current window (a stale window starts again at 1)."""
    pk, sk = keys.throttle(scope, value)
    try:
        item = dynamo.update(
            pk,
            sk,
            "SET failures = failures + :one, ttl_epoch = :ttl",
            vals={":one": 1, ":ttl": now + 2 * window_seconds, ":fresh": now - window_seconds},
            condition="attribute_exists(PK) AND window_start > :fresh",
            return_new=True,
        )
    except ConditionFailed:
        item = dynamo.update(
            pk,
            sk,
            "SET failures = :one, window_start = :now, ttl_epoch = :ttl REMOVE locked_until",
            vals={":one": 1, ":now": now, ":ttl": now + 2 * window_seconds},
            return_new=True,
        )
    return item or {}


def lock(scope: str, value: str, until: int) -> None:
    pk, sk = keys.throttle(scope, value)
    dynamo.update(pk, sk, "SET locked_until = :u, ttl_epoch = :ttl", vals={":u": until, ":ttl": until + 3600})


def clear_throttle(scope: str, value: str) -> None:
    dynamo.delete(*keys.throttle(scope, value))
