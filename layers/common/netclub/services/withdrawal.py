"""退会 (withdrawal): by the member from My情報管理 (with their password), or by staff (audited).

At once, in one transaction: the member `withdrawn` with its 退会日 (staff_fields.withdrawn_on) and reason,
its address released (the address may register again; a login with it answers as for an unknown one), every
session ended, the directory page gone, the newsletter audience left (the consent record says when and
how), the calendar feed URL ended, the audit entry, and 「退会手続き完了のお知らせ」 in the outbox (sent
after the commit). Before it, the member's future reservations are cancelled one by one through the
reservations' own cancel (a freed seat goes to the head of the waiting list, as always); one that cannot
be cancelled (its slot has started) stays as it is. 商談 requests already sent stay with their recipients.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock
from netclub.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from netclub.models.withdrawal import Withdrawal, WithdrawalRequest, WithdrawalResult
from netclub.services import audit, passwords
from netclub.store import accounts, dynamo, outbox
from netclub.store import calendar as feeds
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import MemberItem

logger = Logger(service="netclub", child=True)
LIVE = ("confirmed", "applied", "waitlisted")
TRANSACTION_ITEMS = 100
NOT_CONFIRMED = "パスワードが正しくありません。"


def withdraw_self(member_id: str, request: WithdrawalRequest) -> WithdrawalResult:
    """POST /api/me/withdrawal: the member's password confirms it."""
    member = accounts.get_member(member_id, consistent=True)
    if not member:
        raise NotFound()
    if member.get("role", "member") != "member":
        raise Forbidden("職員のアカウントは退会できません（職員管理で停止してください）。")
    if member.get("status") != "active":
        raise Conflict("退会の手続きができない状態です。公社までお問い合わせください。", code="not_active")
    if not member.get("password_hash") or not passwords.verify(str(member["password_hash"]), request.password):
        raise ValidationFailed([FieldError("password", NOT_CONFIRMED)])
    return _withdraw(member, Withdrawal(reason=request.reason or "", by="member"), member_id, str(member.get("user_name", "")))


def withdraw_by_staff(actor_id: str, actor_name: str, member_id: str, reason: str) -> WithdrawalResult:
    """POST /api/admin/members/{id}/withdraw: staff withdraw a member (e.g. on a written request)."""
    member = accounts.get_member(member_id, consistent=True)
    if not member or member.get("role", "member") != "member":
        raise NotFound("会員が見つかりません。")
    if member.get("status") != "active":
        raise Conflict("利用中の会員だけを退会にできます。", code="not_active")
    return _withdraw(member, Withdrawal(reason=reason, by="staff"), actor_id, actor_name)


def _cancel_future_reservations(member: MemberItem) -> int:
    from netclub.services import reservations
    from netclub.store import reservations as store

    cancelled = 0
    start: dict[str, Any] | None = None
    while True:
        page, start = store.reservations_of(str(member["member_id"]), 100, start)
        for res in page:
            if res.get("status") not in LIVE:
                continue
            try:
                reservations.cancel(str(member["member_id"]), str(res["id"]), member)
                cancelled += 1
            except (Conflict, NotFound):
                pass  # started, or changed meanwhile: it stays as it is (a past seat is history)
        if not start:
            return cancelled


def _withdraw(member: MemberItem, withdrawal: Withdrawal, actor_id: str, actor_name: str) -> WithdrawalResult:
    from netclub.mail.sender import kept_mail, send_kept
    from netclub.mail.templates import render
    from netclub.services import directory, newsletters

    member_id = str(member["member_id"])
    cancelled = _cancel_future_reservations(member)
    at, day = clock.iso(), clock.today_jst()
    staff_fields = {**(member.get("staff_fields") or {}), "withdrawn_on": day}
    after: MemberItem = {**member, "status": "withdrawn", "staff_fields": staff_fields}
    _, listing_ops = directory.listing(after)  # not published any more: the directory item goes
    subject, body = render("withdrawal_done", company_name=member.get("company_name", ""), user_name=member.get("user_name", ""))
    mail = kept_mail(str(member["email"]), subject, body, "withdrawal_done", f"member:{member_id}", at)
    detail = {"actor_name": actor_name, "by": withdrawal.by, "reservations_cancelled": cancelled}
    operations = [
        *accounts.withdraw_ops(member, at, staff_fields, {"reason": withdrawal.reason, "by": withdrawal.by, "at": at}),
        *listing_ops,
        *newsletters.subscription_ops(member, after, "withdrawal", at),
        audit.op(actor_id, "member.withdraw", f"member:{member_id}", detail),
        outbox.put_op(mail),
    ]
    feed = feeds.feed_of(member_id)
    if feed:
        operations += feeds.end_ops(feed)
    digests = accounts.session_digests_of(member_id)
    room = TRANSACTION_ITEMS - len(operations)
    operations += [accounts.delete_session_op(d) for d in digests[:room]]
    try:
        dynamo.transact(operations)
    except ConditionFailed:
        raise Conflict("会員情報が変更されたため、退会の手続きができませんでした。もう一度お試しください。") from None
    for digest in digests[room:]:  # in practice never: the authorizer refuses a withdrawn member's sessions anyway
        try:
            accounts.delete_session(digest)
        except Exception as exc:
            logger.warning("session of a withdrawn member not deleted", extra={"error": type(exc).__name__})
    send_kept(mail)
    logger.info("member withdrawn", extra={"member_id": member_id, "by": withdrawal.by, "reservations_cancelled": cancelled})
    return WithdrawalResult(member_id=member_id, status="withdrawn", withdrawn_on=day, reservations_cancelled=cancelled)
