"""Members, their unique e-mail, sessions and single-use tokens."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netclub.authorizer_context import MEMBER_FIELDS
from netclub.store import dynamo, keys
from netclub.store.dynamo import ConditionFailed, Item, TransactOp
from netclub.store.items import EmailItem, MemberItem, SessionItem, TokenItem, every, one

__all__ = ["ConditionFailed"]


# --- members ----------------------------------------------------------------------------


def get_member(member_id: str, consistent: bool = False) -> MemberItem | None:
    return one(MemberItem, dynamo.get(*keys.member(member_id), consistent=consistent))


def member_id_for_email(address: str) -> str | None:
    item = dynamo.get(*keys.email(address))
    return str(item["member_id"]) if item else None


# The login credential projection: the EMAIL#<address> uniqueness item also carries these attributes
# of its member, so a login reads one item. Every write of one of them to the member item writes it
# to the EMAIL# item in the same transaction (login_fields_op, or the whole projection where the item
# is created: create_member, profiles.change_email_ops). An EMAIL# item written before the projection
# existed has no LOGIN_MARK: the login reads the member item instead, and writes the projection with
# its session. Whatever a projection says, the login's session is written only with a ConditionCheck
# that the member item still has those values (login_guard_op): a stale projection cannot log in.
LOGIN_FIELDS = ("password_hash", "status", "role", "email", "company_name", "user_name")
LOGIN_MARK = "login_v"  # the EMAIL# item has the whole projection (a partial one, written to an older item, does not count)


def login_record(address: str) -> EmailItem | None:
    """The EMAIL# item of the address (strongly consistent): its member_id and, when it has LOGIN_MARK, the projection."""
    return one(EmailItem, dynamo.get(*keys.email(address), consistent=True))


def has_login_projection(record: EmailItem) -> bool:
    return bool(record.get(LOGIN_MARK))


def login_projection(member: Mapping[str, Any]) -> dict[str, Any]:
    """The projection of a member (an attribute the member item lacks is lacking here too)."""
    return {f: member[f] for f in LOGIN_FIELDS if member.get(f) is not None}


def login_fields_op(address: str, member_id: str, changed: dict[str, Any]) -> TransactOp:
    """The changed projected attributes on the member's EMAIL# item, as a transaction item: with the member
    item's own update, in the same transaction. It fails (and so the transaction) if the address is no longer
    the member's."""
    names = {f"#f{i}": name for i, name in enumerate(changed)}
    vals: dict[str, Any] = {f":f{i}": value for i, value in enumerate(changed.values())}
    vals[":m"] = member_id
    expression = "SET " + ", ".join(f"#f{i} = :f{i}" for i in range(len(changed)))
    return dynamo.t_update(*keys.email(address), expression, vals=vals, names=names, condition="member_id = :m")


def login_guard_op(member: Mapping[str, Any]) -> TransactOp:
    """A ConditionCheck that the member item still has the projected values the login used (else ConditionFailed)."""
    names, vals, parts = {}, {}, ["attribute_exists(PK)"]
    for i, field in enumerate(LOGIN_FIELDS):
        names[f"#f{i}"] = field
        if member.get(field) is None:
            parts.append(f"attribute_not_exists(#f{i})")
        else:
            parts.append(f"#f{i} = :f{i}")
            vals[f":f{i}"] = member[field]
    return dynamo.t_check(*keys.member(str(member["member_id"])), " AND ".join(parts), vals=vals, names=names)


def login_repair_op(address: str, member: Mapping[str, Any]) -> TransactOp:
    """The whole projection (and LOGIN_MARK) written to the EMAIL# item, with login_guard_op in the same
    transaction: as the member item is at that moment. Only while the address is still the member's."""
    return login_fields_op(address, str(member["member_id"]), {**login_projection(member), LOGIN_MARK: 1})


def member_item(member: MemberItem) -> MemberItem:
    pk, sk = keys.member(member["member_id"])
    return {
        **member,
        "PK": pk,
        "SK": sk,
        "GSI1PK": keys.members_by_status(member["status"]),
        "GSI1SK": f"{member['created_at']}#{member['member_id']}",
    }


def create_member_ops(member: MemberItem) -> list[TransactOp]:
    """A new member and its unique e-mail claim (with the login projection), as transaction items."""
    email_pk, email_sk = keys.email(member["email"])
    return [
        dynamo.t_put(member_item(member), condition="attribute_not_exists(PK)"),
        dynamo.t_put(
            {"PK": email_pk, "SK": email_sk, "member_id": member["member_id"], **login_projection(member), LOGIN_MARK: 1},
            condition="attribute_not_exists(PK)",
        ),
    ]


def create_member(member: MemberItem, token_ops: list[TransactOp] | None = None, also: list[TransactOp] | None = None) -> None:
    """Member + unique e-mail claim (+ consuming the registration token: consume_ops, + `also`: its mail), all or nothing."""
    dynamo.transact([*create_member_ops(member), *(token_ops or []), *(also or [])])


def set_status_ops(member_id: str, email: str, expected: str, status: str, at: str, company_id: str | None = None) -> list[TransactOp]:
    """The status change (only from `expected`), on the member and its login projection (EMAIL#<email>);
    with company_id, also the directory's id (set once, never changed)."""
    pk, sk = keys.member(member_id)
    expression = "SET #st = :st, GSI1PK = :g, updated_at = :at, status_changed_at = :at"
    vals = {":st": status, ":g": keys.members_by_status(status), ":at": at, ":expected": expected}
    condition = "attribute_exists(PK) AND #st = :expected"
    if company_id is not None:
        expression += ", company_id = :cid"
        vals[":cid"] = company_id
        condition += " AND (attribute_not_exists(company_id) OR company_id = :cid)"
    return [
        dynamo.t_update(pk, sk, expression, names={"#st": "status"}, vals=vals, condition=condition),
        login_fields_op(email, member_id, {"status": status}),
    ]


def withdraw_ops(member: MemberItem, at: str, staff_fields: dict[str, Any], withdrawal: dict[str, Any]) -> list[TransactOp]:
    """退会: the member `withdrawn` (only from active, only at the address read) with its 退会日 and reason, and its
    address released (EMAIL# deleted): the address may register again, and a login with it finds no account."""
    pk, sk = keys.member(str(member["member_id"]))
    expression = "SET #st = :st, GSI1PK = :g, GSI1SK = :gsk, updated_at = :at, status_changed_at = :at, withdrawn_at = :at, staff_fields = :sf, withdrawal = :w"
    vals = {
        ":st": "withdrawn",
        ":g": keys.members_by_status("withdrawn"),
        ":gsk": f"{at}#{member['member_id']}",  # by withdrawal time: the retention schedule's bounded Query
        ":at": at,
        ":sf": staff_fields,
        ":w": withdrawal,
        ":active": "active",
        ":e": member["email"],
    }
    return [
        dynamo.t_update(pk, sk, expression, names={"#st": "status"}, vals=vals, condition="attribute_exists(PK) AND #st = :active AND email = :e"),
        dynamo.t_delete(*keys.email(str(member["email"])), condition="member_id = :m", vals={":m": member["member_id"]}),
    ]


def erase_ops(member: MemberItem, at: str, kept_staff_fields: dict[str, Any], erased_name: str) -> list[TransactOp]:
    """削除請求 / retention: the member item keeps its id, its dates and 会員番号 (the organisation's accounting), and
    loses everything else that names or reaches a person; `erased` (GSI1 MEMBERS#erased). Only from withdrawn."""
    pk, sk = keys.member(str(member["member_id"]))
    expression = (
        "SET #st = :st, GSI1PK = :g, GSI1SK = :gsk, email = :none, profile = :empty, company_name = :name, user_name = :none,"
        " staff_fields = :sf, erased_at = :at, updated_at = :at, withdrawal.reason = :none"
        " REMOVE password_hash, pending_email, mail_suppressed, company_id, password_changed_at"
    )
    vals = {
        ":st": "erased",
        ":g": keys.members_by_status("erased"),
        ":gsk": f"{at}#{member['member_id']}",
        ":none": "",
        ":empty": {},
        ":name": erased_name,
        ":sf": kept_staff_fields,
        ":at": at,
        ":withdrawn": "withdrawn",
    }
    return [dynamo.t_update(pk, sk, expression, names={"#st": "status"}, vals=vals, condition="#st = :withdrawn AND attribute_exists(withdrawal)")]


def withdrawn_before(cutoff: str, limit: int) -> list[MemberItem]:
    """Withdrawn members whose withdrawal is older than `cutoff` (GSI1 MEMBERS#withdrawn, keyed by withdrawal time)."""
    items, _ = dynamo.query(keys.members_by_status("withdrawn"), index="GSI1", sk_between=("0", cutoff), limit=limit)
    return every(MemberItem, items)


def set_status(member_id: str, expected: str, status: str, at: str) -> None:
    member = get_member(member_id, consistent=True)
    if not member:
        raise ConditionFailed(["ConditionalCheckFailed"])
    dynamo.transact(set_status_ops(member_id, str(member["email"]), expected, status, at))


def members_with_status(status: str, limit: int, start: dict[str, Any] | None) -> tuple[list[MemberItem], dict[str, Any] | None]:
    items, last = dynamo.query(keys.members_by_status(status), index="GSI1", forward=False, limit=limit, start_key=start)
    return every(MemberItem, items), last


def all_members_with_status(status: str) -> list[MemberItem]:
    """Every member of a status (the GSI1 partition, all pages): the staff's exports."""
    return every(MemberItem, dynamo.query_all(keys.members_by_status(status), index="GSI1"))


def member_pages_with_status(status: str) -> Iterator[list[MemberItem]]:
    """Every member of a status, a Query page (1 MB) at a time: an export of 30,000 keeps one page in memory."""
    start: dict[str, Any] | None = None
    while True:
        page, start = dynamo.query(keys.members_by_status(status), index="GSI1", start_key=start)
        yield every(MemberItem, page)
        if not start:
            return


def member_partition(member_id: str) -> list[Item]:
    """Every item under the member's key (MEMBER#<id>): the member, its consent record, calendar feed, inquiries,
    商談 sent and received, second factor (staff). For 登録情報のダウンロード and erasure."""
    return dynamo.query_all(keys.member(member_id)[0], consistent=True)


def members_by_id(member_ids: list[str]) -> list[MemberItem]:
    """These members (BatchGetItem), those that exist."""
    return every(MemberItem, dynamo.batch_get([keys.member(m) for m in member_ids]))


# --- sessions ---------------------------------------------------------------------------


def put_session(token_digest: str, session: SessionItem, also: list[TransactOp] | None = None) -> None:
    """The session item; with `also`, in one transaction with those items."""
    pk, sk = keys.session(token_digest)
    item: SessionItem = {**session, "PK": pk, "SK": sk, "GSI1PK": keys.sessions_of(session["member_id"]), "GSI1SK": f"{session['created_at']:012d}"}
    if also:
        dynamo.transact([dynamo.t_put(item, condition="attribute_not_exists(PK)"), *also])
    else:
        dynamo.put(item, condition="attribute_not_exists(PK)")


def get_session(token_digest: str) -> SessionItem | None:
    return one(SessionItem, dynamo.get(*keys.session(token_digest), consistent=True))


def session_and_member(token_digest: str, member_id: str) -> tuple[SessionItem | None, MemberItem | None]:
    """The session and its member's authorizer_context.MEMBER_FIELDS, in one BatchGetItem (strongly consistent, as get_session)."""
    fields = ["PK", "member_id", "role", "csrf_token", "created_at", "last_seen", "ttl_epoch", "departments", *MEMBER_FIELDS]
    found = {str(i["PK"]): i for i in dynamo.batch_get([keys.session(token_digest), keys.member(member_id)], projection=fields, consistent=True)}
    return one(SessionItem, found.get(keys.session(token_digest)[0])), one(MemberItem, found.get(keys.member(member_id)[0]))


def touch_session(token_digest: str, at: int) -> None:
    pk, sk = keys.session(token_digest)
    try:
        dynamo.update(pk, sk, "SET last_seen = :at", vals={":at": at}, condition="attribute_exists(PK)")
    except ConditionFailed:
        pass  # revoked in the meantime: the next request will find no session


def delete_session(token_digest: str) -> None:
    dynamo.delete(*keys.session(token_digest))


def delete_session_op(token_digest: str) -> TransactOp:
    return dynamo.t_delete(*keys.session(token_digest))


def session_digests_of(member_id: str) -> list[str]:
    items = dynamo.query_all(keys.sessions_of(member_id), index="GSI1")
    return [str(i["PK"]).removeprefix("SESSION#") for i in items]


# --- single-use tokens ------------------------------------------------------------------
# A token item per token (its digest), and per (purpose, subject) a LATEST item naming the one
# token that still works: issuing a token replaces it, using a token deletes it. So a newer
# link, or any link used, ends every earlier link of that purpose and subject.


def _token_item(token_digest: str, purpose: str, subject: str, expires: int, data: dict[str, Any] | None) -> TokenItem:
    pk, sk = keys.token(token_digest)
    return {"PK": pk, "SK": sk, "purpose": purpose, "subject": subject, "expires": expires, "ttl_epoch": expires + 86400, "data": data or {}}


def issue_token_ops(token_digest: str, purpose: str, subject: str, expires: int, data: dict[str, Any] | None = None) -> list[TransactOp]:
    """The new token, and the LATEST item now naming it (written together, by one transaction)."""
    latest_pk, latest_sk = keys.latest_token(purpose, subject)
    return [
        dynamo.t_put(_token_item(token_digest, purpose, subject, expires, data), condition="attribute_not_exists(PK)"),
        dynamo.t_put({"PK": latest_pk, "SK": latest_sk, "digest": token_digest, "ttl_epoch": expires + 86400}),
    ]


def get_token(token_digest: str) -> TokenItem | None:
    return one(TokenItem, dynamo.get(*keys.token(token_digest), consistent=True))


def consume_ops(token_digest: str, purpose: str, subject: str) -> list[TransactOp]:
    """Use the token: it must be unused and still the latest of its purpose and subject (else ConditionFailed)."""
    pk, sk = keys.token(token_digest)
    latest_pk, latest_sk = keys.latest_token(purpose, subject)
    return [
        dynamo.t_update(pk, sk, "SET used = :t", vals={":t": True}, condition="attribute_exists(PK) AND attribute_not_exists(used)"),
        dynamo.t_delete(latest_pk, latest_sk, condition="digest = :d", vals={":d": token_digest}),
    ]


def consume_token_and(token_ops: list[TransactOp], operations: list[TransactOp]) -> None:
    """Use the token (consume_ops) together with the operations it authorises (single use, atomically)."""
    dynamo.transact([*token_ops, *operations])


def set_password_ops(member_id: str, email: str, password_hash: str, at: str, first: bool = False) -> list[TransactOp]:
    """The new password hash, on the member and its login projection (EMAIL#<email>), as transaction items.
    `first`: only on an active member that has none yet (ご利用開始 of a migrated member)."""
    pk, sk = keys.member(member_id)
    condition, vals, names = "attribute_exists(PK)", {":h": password_hash, ":at": at}, None
    if first:
        condition += " AND attribute_not_exists(password_hash) AND #st = :active"
        vals, names = {**vals, ":active": "active"}, {"#st": "status"}
    return [
        dynamo.t_update(pk, sk, "SET password_hash = :h, password_changed_at = :at", vals=vals, condition=condition, names=names),
        login_fields_op(email, member_id, {"password_hash": password_hash}),
    ]


def count_with_status(status: str) -> int:
    """How many members have this status (the GSI1 partition, counted exactly): the staff's dashboard."""
    return dynamo.count(keys.members_by_status(status), index="GSI1")
