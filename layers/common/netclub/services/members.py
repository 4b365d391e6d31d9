"""Staff: registrations to review and their approval."""

from __future__ import annotations

from netclub import clock, mail
from netclub.config import get_settings
from netclub.cursor import decode, encode
from netclub.errors import Conflict, NotFound
from netclub.models.auth import MemberList, MemberSummary, Status
from netclub.services import audit, directory, newsletters
from netclub.store import accounts, dynamo
from netclub.store.dynamo import ConditionFailed


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
    try:  # the approval, its audit entry and the directory item: one transaction
        dynamo.transact(
            [
                *accounts.set_status_ops(member_id, member["email"], "pending_review", "active", clock.iso(), company_id),
                audit.op(staff_id, "member.approve", f"member:{member_id}"),
                *listing_ops,
                *newsletters.subscription_ops(member, {**member, "status": "active"}, "approval"),  # メールマガジンの配信先
            ]
        )
    except ConditionFailed:
        raise Conflict("この会員はすでに承認済みか、承認できない状態です。", code="not_pending") from None
    settings = get_settings()
    mail.send(
        member["email"],
        "registration_approved",
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        email=member["email"],
        login_link=f"{settings.need('frontend_url')}/login",
        about=f"member:{member_id}",
    )
    return MemberSummary(
        member_id=member_id,
        email=member["email"],
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        status="active",
        created_at=member["created_at"],
        corporate_type=(member.get("profile") or {}).get("corporate_type"),
    )
