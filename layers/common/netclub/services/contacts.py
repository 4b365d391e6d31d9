"""商談申込 (会員企業検索, POST /api/directory/{company_id}/contact): a member's request for business,
relayed by mail to a published company's user address with the sender's address as Reply-To.

The sender never learns the recipient's address: it is in no answer, in none of the sender's
records (利用履歴 shows the company name) and in no log line. At most CONTACTS_PER_DAY a day per
sending member (the day in Asia/Tokyo), counted by a conditional write in the same transaction
as the records, so parallel requests can never send more.
"""

from __future__ import annotations

from typing import Any

from netclub import clock, idempotency, ids, mail
from netclub.errors import Conflict, DomainError, FieldError, NotActive, NotFound, TooManyRequests, ValidationFailed
from netclub.models.directory import ContactAccepted, ContactRequest
from netclub.services import audit
from netclub.services.directory import NOT_FOUND, is_published
from netclub.store import accounts, limits, outbox
from netclub.store import directory as directory_store
from netclub.store.items import ContactItem, ReceivedContactItem

CONTACTS_PER_DAY = 10  # per sending member, the day in Asia/Tokyo
CONTACT_SCOPE = "business-contact"  # the LIMIT# counter of store/limits.py
OWN_COMPANY = "自社には商談を申し込めません。"
CONTACT_LIMIT = f"商談申込は1日{CONTACTS_PER_DAY}件までです。明日以降に、もう一度お申し込みください。"
_DAY = 86400
_JST_OFFSET = 9 * 3600


def _jst_day() -> tuple[int, int]:
    """(the number of today's day in Asia/Tokyo, seconds until it ends): the window of the daily count."""
    now = clock.epoch()
    day = (now + _JST_OFFSET) // _DAY
    return day, (day + 1) * _DAY - _JST_OFFSET - now


def _check_contact(request: ContactRequest) -> None:
    errors = []
    if not request.subject.strip():
        errors.append(FieldError("subject", "件名を入力してください。"))
    if not request.message.strip():
        errors.append(FieldError("message", "内容を入力してください。"))
    if errors:
        raise ValidationFailed(errors)


def contact(sender_id: str, company_id: str, request: ContactRequest, idempotency_key: str | None) -> ContactAccepted:
    """POST /api/directory/{company_id}/contact: once per Idempotency-Key (like POST /api/inquiries)."""
    _check_contact(request)
    key = idempotency.check_key(idempotency_key)

    def run() -> dict[str, Any]:
        return _contact(sender_id, company_id, request, key).model_dump(mode="json")

    payload = {"company_id": company_id, **request.model_dump(mode="json")}
    return ContactAccepted.model_validate(idempotency.once(sender_id, key, payload, run))


def _contact(sender_id: str, company_id: str, request: ContactRequest, key: str | None) -> ContactAccepted:
    """Three GetItems (sender, directory item, company's member) and one transaction: the sender's record and
    利用履歴 row, the recipient's 利用履歴 row, the daily count (its condition is the limit) and the audit
    entry, and the relayed mail in the outbox, sent after the commit (mail.send_kept). Neither the answer, nor the
    sender's records, nor the log carry the recipient's address."""
    sender = accounts.get_member(sender_id)
    if not sender:
        raise NotFound()
    if sender.get("status") != "active":
        raise NotActive()
    if sender.get("company_id") == company_id:
        raise DomainError(OWN_COMPANY, code="own_company")
    item = directory_store.get(company_id)
    recipient = accounts.get_member(str(item["member_id"])) if item else None
    if not recipient or recipient.get("company_id") != company_id or not is_published(recipient):
        raise NotFound(NOT_FOUND)
    if recipient["member_id"] == sender_id:
        raise DomainError(OWN_COMPANY, code="own_company")
    # with a key, the id is the key's: a repeat whose Powertools record was lost meets the first record's condition
    contact_id = f"k{ids.digest(f'{sender_id}|{key}')[:31]}" if key else ids.new_id()
    now, today = clock.iso(), clock.today_jst()
    sender_company = str(sender.get("company_name") or (sender.get("profile") or {}).get("company_name") or "")
    recipient_company = str(recipient.get("company_name") or (recipient.get("profile") or {}).get("company_name") or "")
    day, left = _jst_day()
    sent: ContactItem = {
        "id": contact_id,
        "sender_id": sender_id,
        "recipient_id": recipient["member_id"],
        "company_id": company_id,
        "subject": request.subject,
        "message": request.message,
        "created_at": now,
        "history_type": "business_contact",
        "history_title": f"商談申込：{recipient_company}",
        "history_date": today,
        "history_status": "sent",
        "ref_id": contact_id,
    }
    received: ReceivedContactItem = {
        "id": contact_id,
        "created_at": now,
        "history_type": "business_contact",
        "history_title": f"商談申込の受信：{sender_company}",
        "history_date": today,
        "history_status": "received",
        "ref_id": contact_id,
    }
    relayed = mail.compose(
        recipient["email"],
        "business_contact",
        about=f"business_contact:{contact_id}",
        reply_to=sender["email"],  # kept with the mail: a retried mail has it too
        subject=request.subject,
        message=request.message,
        recipient_company=recipient_company,
        sender_company=sender_company,
        sender_user=str(sender.get("user_name") or ""),
        at=clock.jst_text(),
    )
    try:
        directory_store.transact(
            [
                directory_store.contact_put_op(sent),
                directory_store.received_put_op(recipient["member_id"], received),
                limits.take_op(CONTACT_SCOPE, sender_id, day, CONTACTS_PER_DAY, day * _DAY - _JST_OFFSET + 2 * _DAY),
                audit.op(sender_id, "directory.contact", f"business_contact:{contact_id}", {"company_id": company_id}),
                outbox.put_op(relayed),
            ]
        )
    except directory_store.ConditionFailed as exc:
        if key and exc.reasons[:1] == ["ConditionalCheckFailed"]:
            return ContactAccepted(id=contact_id)  # the same key's first request was done: its answer, nothing sent again
        if exc.reasons[2:3] == ["ConditionalCheckFailed"]:
            raise TooManyRequests(left, CONTACT_LIMIT) from None
        raise Conflict() from None
    mail.send_kept(relayed)
    return ContactAccepted(id=contact_id)
