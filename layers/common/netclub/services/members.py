"""Staff: registrations to review and their approval; 利用停止 and 再開."""

from __future__ import annotations

from netclub import clock, mail
from netclub.config import get_settings
from netclub.cursor import decode, encode
from netclub.errors import Conflict, NotFound
from netclub.models.auth import MemberList, MemberSummary, Status
from netclub.services import audit, directory, newsletters
from netclub.store import accounts, dynamo, outbox
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import MemberItem


def list_by_status(status: Status, cursor: str | None, limit: int = 50) -> MemberList:
    items, last = accounts.members_with_status(status, limit, decode(cursor))
    summaries = [
        MemberSummary(
            member_id=i["member_id"],
            email=i["email"],
            company_name=i.get("company_name", ""),
            user_name=i.get("user_name", ""),
            status=i["status"],
            created_at=i["created_at"],
            corporate_type=(i.get("profile") or {}).get("corporate_type"),
        )
        for i in items
        if i.get("role") == "member"
    ]
    return MemberList(items=summaries, next_cursor=encode(last))


def approve(staff_id: str, member_id: str) -> MemberSummary:
    member = accounts.get_member(member_id)
    if not member or member.get("role") != "member":
        raise NotFound("会員が見つかりません。")
    company_id, listing_ops = directory.listing({**member, "status": "active"})  # a published profile: listed from now on
    approved = mail.compose(
        member["email"],
        "registration_approved",
        about=f"member:{member_id}",
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        email=member["email"],
        login_link=f"{get_settings().need('frontend_url')}/login",
    )
    try:  # the approval, its audit entry, the directory item and the member's mail (outbox): one transaction
        dynamo.transact(
            [
                *accounts.set_status_ops(member_id, member["email"], "pending_review", "active", clock.iso(), company_id),
                audit.op(staff_id, "member.approve", f"member:{member_id}"),
                *listing_ops,
                *newsletters.subscription_ops(member, {**member, "status": "active"}, "approval"),  # メールマガジンの配信先
                outbox.put_op(approved),
            ]
        )
    except ConditionFailed:
        raise Conflict("この会員はすでに承認済みか、承認できない状態です。", code="not_pending") from None
    mail.send_kept(approved)
    return MemberSummary(
        member_id=member_id,
        email=member["email"],
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        status="active",
        created_at=member["created_at"],
        corporate_type=(member.get("profile") or {}).get("corporate_type"),
    )


# --- 利用停止 / 再開 (staff) ---------------------------------------------------------------------------

MAX_SESSIONS_ENDED = 80  # in the suspension's own transaction; the authorizer refuses a suspended member's others anyway


def _summary(member: MemberItem, status: str) -> MemberSummary:
    staff_fields = member.get("staff_fields") or {}
    return MemberSummary(
        member_id=str(member["member_id"]),
        email=str(member["email"]),
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        status=status,
        created_at=str(member["created_at"]),
        corporate_type=(member.get("profile") or {}).get("corporate_type"),
        member_number=staff_fields.get("member_number"),
        joined_on=staff_fields.get("joined_on"),
    )


def _change_status(actor_id: str, actor_name: str, member_id: str, expected: str, status: str, reason: str = "") -> MemberSummary:
    """利用停止 (active → suspended: every session ends, the directory page and the newsletter audience leave; the
    consent record is untouched, it is not the member's choice) or 再開 (back): one transaction with the audit
    entry and the member's mail in the outbox, sent after the commit."""
    from netclub.mail.sender import kept_mail, send_kept
    from netclub.mail.templates import render

    member = accounts.get_member(member_id, consistent=True)
    if not member or member.get("role", "member") != "member":
        raise NotFound("会員が見つかりません。")
    if member.get("status") != expected:
        raise Conflict("利用中の会員だけを停止でき、停止中の会員だけを再開できます。", code="status_changed")
    at = clock.iso()
    after: MemberItem = {**member, "status": status}
    company_id, listing_ops = directory.listing(after)
    operations = [
        *accounts.set_status_ops(member_id, str(member["email"]), expected, status, at, company_id),
        *listing_ops,
        *newsletters.index_ops(after, at),
        audit.op(
            actor_id, f"member.{'suspend' if status == 'suspended' else 'reinstate'}", f"member:{member_id}", {"actor_name": actor_name, "reason": reason}
        ),
    ]
    if status == "suspended":
        operations += [accounts.delete_session_op(d) for d in accounts.session_digests_of(member_id)[:MAX_SESSIONS_ENDED]]
        subject, body = render(
            "member_suspended",
            company_name=member.get("company_name", ""),
            user_name=member.get("user_name", ""),
            reason_text=f"理由：{reason}\n" if reason else "",
        )
        template = "member_suspended"
    else:
        login_link = f"{get_settings().need('frontend_url')}/login"
        subject, body = render("member_reinstated", company_name=member.get("company_name", ""), user_name=member.get("user_name", ""), login_link=login_link)
        template = "member_reinstated"
    mail = kept_mail(str(member["email"]), subject, body, template, f"member:{member_id}", at)
    try:
        dynamo.transact([*operations, outbox.put_op(mail)])
    except ConditionFailed:
        raise Conflict("会員情報が変更されたため、処理できませんでした。もう一度お試しください。") from None
    send_kept(mail)
    return _summary(member, status)


def suspend(actor_id: str, actor_name: str, member_id: str, reason: str) -> MemberSummary:
    return _change_status(actor_id, actor_name, member_id, "active", "suspended", reason)


def reinstate(actor_id: str, actor_name: str, member_id: str) -> MemberSummary:
    return _change_status(actor_id, actor_name, member_id, "suspended", "active")
