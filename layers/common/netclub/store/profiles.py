"""My情報 storage: the profile lives on the member item (attributes `profile`, `staff_fields`).

The e-mail (the member ID) has a uniqueness item EMAIL#<address>; changing it moves that item
in the same transaction as the member's update.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netclub.store import accounts, dynamo, keys
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import MemberItem

__all__ = ["ConditionFailed", "EmailTaken"]


class EmailTaken(Exception):
    """The new address belongs to another member."""


def get_member(member_id: str, consistent: bool = False) -> MemberItem | None:
    return accounts.get_member(member_id, consistent=consistent)


def update_op(
    member_id: str,
    profile: dict[str, Any],
    company_name: str,
    user_name: str,
    at: str,
    staff_fields: dict[str, Any] | None = None,
    pending_email: dict[str, Any] | None = None,
    company_id: str | None = None,
    suppressed_as_read: str | None = None,
) -> TransactOp:
    """The member item's profile (+ the names /api/me shows, + staff fields or an address waiting
    for its confirmation link, + the directory's company_id, when given) as a transaction item.

    A company_id is set only where there is none yet or it is the same (it never changes). The member's
    `mail_suppressed` must be as read (`suppressed_as_read`): the recipients' index items written with the
    profile were computed from it, so a bounce marked meanwhile fails the write rather than be undone."""
    pk, sk = keys.member(member_id)
    expression = "SET profile = :p, company_name = :c, user_name = :u, updated_at = :at"
    vals: dict[str, Any] = {":p": profile, ":c": company_name, ":u": user_name, ":at": at}
    if staff_fields is not None:
        expression += ", staff_fields = :s"
        vals[":s"] = staff_fields
    if pending_email is not None:
        expression += ", pending_email = :pe"
        vals[":pe"] = pending_email
    condition = "attribute_exists(PK)"
    if suppressed_as_read:
        condition += " AND mail_suppressed = :ms"
        vals[":ms"] = suppressed_as_read
    else:
        condition += " AND attribute_not_exists(mail_suppressed)"
    if company_id is not None:
        expression += ", company_id = :cid"
        vals[":cid"] = company_id
        condition += " AND (attribute_not_exists(company_id) OR company_id = :cid)"
    return dynamo.t_update(pk, sk, expression, vals=vals, condition=condition)


def _names_op(member_id: str, email: str, company_name: str, user_name: str) -> TransactOp:
    """The names on the member's login projection (EMAIL#<email>): written with the member's own update."""
    return accounts.login_fields_op(email, member_id, {"company_name": company_name, "user_name": user_name})


def save(
    member_id: str,
    email: str,
    profile: dict[str, Any],
    company_name: str,
    user_name: str,
    at: str,
    extra: list[TransactOp] | None = None,
    pending_email: dict[str, Any] | None = None,
    company_id: str | None = None,
    suppressed_as_read: str | None = None,
) -> None:
    operation = update_op(
        member_id, profile, company_name, user_name, at, pending_email=pending_email, company_id=company_id, suppressed_as_read=suppressed_as_read
    )
    dynamo.transact([operation, _names_op(member_id, email, company_name, user_name), *(extra or [])])


def save_with_staff_fields(
    member_id: str,
    email: str,
    profile: dict[str, Any],
    staff_fields: dict[str, Any],
    company_name: str,
    user_name: str,
    at: str,
    extra: list[TransactOp],
    company_id: str | None = None,
    suppressed_as_read: str | None = None,
) -> None:
    dynamo.transact(
        [
            update_op(member_id, profile, company_name, user_name, at, staff_fields, company_id=company_id, suppressed_as_read=suppressed_as_read),
            _names_op(member_id, email, company_name, user_name),
            *extra,
        ]
    )


CLAIM_INDEX = 1  # position of the new address's claim in change_email_ops


def change_email_ops(
    member: Mapping[str, Any], old: str, new: str, profile: dict[str, Any], at: str, also_set: dict[str, Any] | None = None
) -> list[TransactOp]:
    """Release EMAIL#old, claim EMAIL#new (must be free) with the member's login projection, update the member
    (only if still at `old`, and still with the projected values copied from `member`, the member as read).

    also_set: further member attributes written by the same update (one operation per item in a transaction).
    """
    member_id = str(member["member_id"])
    old_pk, old_sk = keys.email(old)
    new_pk, new_sk = keys.email(new)
    pk, sk = keys.member(member_id)
    extra = also_set or {}
    names = {f"#a{i}": name for i, name in enumerate(extra)}
    expression = "SET email = :new, profile = :p, updated_at = :at" + "".join(f", #a{i} = :a{i}" for i in range(len(extra))) + " REMOVE pending_email"
    vals: dict[str, Any] = {":new": new, ":old": old, ":p": profile, ":at": at, **{f":a{i}": v for i, v in enumerate(extra.values())}}
    condition = "attribute_exists(PK) AND email = :old"
    if "company_id" in extra:  # the directory's id is set once and never changed (as update_op)
        index = list(extra).index("company_id")
        condition += f" AND (attribute_not_exists(#a{index}) OR #a{index} = :a{index})"
    for i, field in enumerate(f for f in accounts.LOGIN_FIELDS if f != "email" and f not in extra):  # the copied values are current
        names[f"#l{i}"] = field
        if member.get(field) is None:
            condition += f" AND attribute_not_exists(#l{i})"
        else:
            condition += f" AND #l{i} = :l{i}"
            vals[f":l{i}"] = member[field]
    projection = accounts.login_projection({**member, **extra, "email": new})
    return [
        dynamo.t_delete(old_pk, old_sk, condition="member_id = :m", vals={":m": member_id}),
        dynamo.t_put({"PK": new_pk, "SK": new_sk, "member_id": member_id, **projection, accounts.LOGIN_MARK: 1}, condition="attribute_not_exists(PK)"),
        dynamo.t_update(pk, sk, expression, vals=vals, names=names, condition=condition),
    ]


def transact_email_change(operations: list[TransactOp], token_ops: list[TransactOp] | None = None) -> None:
    """Run change_email_ops (+ more), consuming the confirmation token first when given (accounts.consume_ops).

    A failed claim of the new address → EmailTaken; any other failed condition → ConditionFailed.
    """
    claim = CLAIM_INDEX + len(token_ops or [])
    try:
        if token_ops:
            accounts.consume_token_and(token_ops, operations)
        else:
            dynamo.transact(operations)
    except ConditionFailed as exc:
        if len(exc.reasons) > claim and exc.reasons[claim] == "ConditionalCheckFailed":
            raise EmailTaken() from exc
        raise
