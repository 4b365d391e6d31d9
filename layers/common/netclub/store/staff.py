"""Staff accounts, their second factor, the count of active admins, and departments.

A staff account is a principal like a member: its MEMBER#<id> item (role `admin` or `staff`) with the
EMAIL#<address> uniqueness item and login projection (store/accounts.py), so login, sessions and the
authorizer treat both alike. Its GSI1 partition is STAFF (never a member list's). Its attributes:
status invited|active|disabled, user_name, departments, last_login_at and, for the second factor,
mfa_enrolled, mfa_secret (base32; never answered once enrolled), mfa_pending_secret (during enrolment),
mfa_last_step (the newest TOTP step accepted: a code of that step or older is refused, RFC 6238 5.2)
and mfa_recovery (a string set of the recovery codes' SHA-256).

The number of active admins is an item of its own, changed (with a condition) in the transaction of
every change that makes or unmakes one, so "the last active admin cannot be disabled or demoted"
holds under parallel requests.
"""

from __future__ import annotations

from typing import Any

from netclub.store import accounts, dynamo, keys
from netclub.store.dynamo import ConditionFailed, Item, TransactOp
from netclub.store.items import AdminCountItem, DepartmentItem, MemberItem, every, one

__all__ = ["ConditionFailed", "Item"]


def staff_item(staff: MemberItem) -> MemberItem:
    pk, sk = keys.member(staff["member_id"])
    return {**staff, "PK": pk, "SK": sk, "GSI1PK": keys.STAFF_GSI1PK, "GSI1SK": f"{staff['created_at']}#{staff['member_id']}"}


def create_ops(staff: MemberItem) -> list[TransactOp]:
    """The account and its address's uniqueness item (with the login projection), only if both are new."""
    email_pk, email_sk = keys.email(staff["email"])
    return [
        dynamo.t_put(staff_item(staff), condition="attribute_not_exists(PK)"),
        dynamo.t_put(
            {"PK": email_pk, "SK": email_sk, "member_id": staff["member_id"], **accounts.login_projection(staff), accounts.LOGIN_MARK: 1},
            condition="attribute_not_exists(PK)",
        ),
    ]


def list_all() -> list[MemberItem]:
    return every(MemberItem, dynamo.query_all(keys.STAFF_GSI1PK, index="GSI1"))


def get(staff_id: str, consistent: bool = True) -> MemberItem | None:
    item = one(MemberItem, dynamo.get(*keys.member(staff_id), consistent=consistent))
    return item if item and item.get("GSI1PK") == keys.STAFF_GSI1PK else None


def _is(status: str, role: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The condition that the account still has this status and role (what the admin count was reckoned from)."""
    return "attribute_exists(PK) AND #st = :was_st AND #role = :was_role", {"#st": "status", "#role": "role"}, {":was_st": status, ":was_role": role}


def activate_ops(staff: MemberItem, password_hash: str, at: str) -> list[TransactOp]:
    """An invitation accepted: the password set and the account active (only from `invited`)."""
    condition, names, vals = _is("invited", str(staff["role"]))
    pk, sk = keys.member(str(staff["member_id"]))
    return [
        dynamo.t_update(
            pk,
            sk,
            "SET password_hash = :h, password_changed_at = :at, #st = :active, updated_at = :at",
            names=names,
            vals={**vals, ":h": password_hash, ":at": at, ":active": "active"},
            condition=condition,
        ),
        accounts.login_fields_op(str(staff["email"]), str(staff["member_id"]), {"password_hash": password_hash, "status": "active"}),
    ]


def set_status_ops(staff: MemberItem, status: str, at: str) -> list[TransactOp]:
    """停止 / 再開 (from the status the account has now)."""
    condition, names, vals = _is(str(staff["status"]), str(staff["role"]))
    pk, sk = keys.member(str(staff["member_id"]))
    return [
        dynamo.t_update(pk, sk, "SET #st = :st, updated_at = :at", names=names, vals={**vals, ":st": status, ":at": at}, condition=condition),
        accounts.login_fields_op(str(staff["email"]), str(staff["member_id"]), {"status": status}),
    ]


def update_ops(staff: MemberItem, name: str, role: str, departments: list[str], at: str) -> list[TransactOp]:
    """Name, role and departments (from the status and role the account has now)."""
    condition, names, vals = _is(str(staff["status"]), str(staff["role"]))
    pk, sk = keys.member(str(staff["member_id"]))
    return [
        dynamo.t_update(
            pk,
            sk,
            "SET user_name = :n, #role = :role, departments = :d, updated_at = :at",
            names=names,
            vals={**vals, ":n": name, ":role": role, ":d": departments, ":at": at},
            condition=condition,
        ),
        accounts.login_fields_op(str(staff["email"]), str(staff["member_id"]), {"user_name": name, "role": role}),
    ]


# --- the count of active admins ---------------------------------------------------------------


def active_admins() -> int:
    item = one(AdminCountItem, dynamo.get(*keys.active_admins(), consistent=True))
    return int(item["active_admins"]) if item else 0


def admins_changed_op(delta: int) -> TransactOp:
    """One admin more (+1) or fewer (-1); fewer only while another active admin is left (else ConditionFailed)."""
    pk, sk = keys.active_admins()
    if delta > 0:
        return dynamo.t_update(pk, sk, "ADD active_admins :d", vals={":d": delta})
    return dynamo.t_update(pk, sk, "ADD active_admins :d", vals={":d": delta, ":floor": 1 - delta}, condition="active_admins >= :floor")


def no_active_admin_op() -> TransactOp:
    """A check that no active admin exists (the first administrator's invitation)."""
    pk, sk = keys.active_admins()
    return dynamo.t_check(pk, sk, "attribute_not_exists(active_admins) OR active_admins < :one", vals={":one": 1})


# --- the second factor -----------------------------------------------------------------------


def set_pending_secret(staff_id: str, secret: str, at: str) -> None:
    """Enrolment begun (or begun again): the secret the first code must match. Only while not enrolled."""
    pk, sk = keys.member(staff_id)
    dynamo.update(
        pk,
        sk,
        "SET mfa_pending_secret = :s, updated_at = :at",
        vals={":s": secret, ":at": at, ":active": "active", ":t": True},
        names={"#st": "status"},
        condition="attribute_exists(PK) AND #st = :active AND (attribute_not_exists(mfa_enrolled) OR mfa_enrolled <> :t)",
    )


_FRESH_STEP = "(attribute_not_exists(mfa_last_step) OR mfa_last_step < :step)"


def accept_code_op(staff_id: str, step: int, at: str, *, enrolled_secret: str | None = None, recovery_hashes: set[str] | None = None) -> TransactOp:
    """A code of `step` accepted: only if no code of this step or a later one was accepted before (no replay,
    whatever the concurrency). With enrolled_secret/recovery_hashes, the enrolment is completed by it (only
    if the pending secret is still the one the code matched)."""
    pk, sk = keys.member(staff_id)
    names = {"#st": "status"}
    vals: dict[str, Any] = {":step": step, ":at": at, ":active": "active"}
    expression = "SET mfa_last_step = :step, last_login_at = :at"
    condition = f"attribute_exists(PK) AND #st = :active AND {_FRESH_STEP}"
    if enrolled_secret is not None:
        expression += ", mfa_secret = :s, mfa_enrolled = :t, mfa_recovery = :r, mfa_enrolled_at = :at REMOVE mfa_pending_secret"
        vals.update({":s": enrolled_secret, ":t": True, ":r": recovery_hashes or set()})
        condition += " AND mfa_pending_secret = :s"
    else:
        vals[":t"] = True
        condition += " AND mfa_enrolled = :t"
    return dynamo.t_update(pk, sk, expression, names=names, vals=vals, condition=condition)


def use_recovery_code_op(staff_id: str, code_hash: str, at: str) -> TransactOp:
    """A recovery code used: removed from the set, only if it is still there (each works once)."""
    pk, sk = keys.member(staff_id)
    return dynamo.t_update(
        pk,
        sk,
        "DELETE mfa_recovery :set SET last_login_at = :at",
        names={"#st": "status"},
        vals={":set": {code_hash}, ":h": code_hash, ":at": at, ":active": "active", ":t": True},
        condition="attribute_exists(PK) AND #st = :active AND mfa_enrolled = :t AND contains(mfa_recovery, :h)",
    )


def reset_mfa_op(staff: MemberItem, at: str) -> TransactOp:
    """2段階認証のリセット: the next login enrols again."""
    pk, sk = keys.member(str(staff["member_id"]))
    return dynamo.t_update(
        pk,
        sk,
        "SET mfa_enrolled = :f, updated_at = :at REMOVE mfa_secret, mfa_pending_secret, mfa_recovery, mfa_last_step",
        vals={":f": False, ":at": at},
        condition="attribute_exists(PK)",
    )


# --- departments -----------------------------------------------------------------------------


def departments() -> list[DepartmentItem]:
    return every(DepartmentItem, dynamo.query_all(keys.DEPARTMENTS_PK, sk_prefix="DEPT#"))


def get_department(department_id: str) -> DepartmentItem | None:
    return one(DepartmentItem, dynamo.get(*keys.department(department_id)))


def put_department_op(department: DepartmentItem, create: bool) -> TransactOp:
    pk, sk = keys.department(department["id"])
    return dynamo.t_put({**department, "PK": pk, "SK": sk}, condition="attribute_not_exists(PK)" if create else "attribute_exists(PK)")


def delete_department_op(department_id: str) -> TransactOp:
    return dynamo.t_delete(*keys.department(department_id), condition="attribute_exists(PK)")


def transact(operations: list[TransactOp]) -> None:
    dynamo.transact(operations)
