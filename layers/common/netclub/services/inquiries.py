"""お問い合わせ: kinds (staff-managed), the member's inquiries, and the staff inquiry desk."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from netclub import clock, ids, mail
from netclub.config import get_settings
from netclub.cursor import decode, encode
from netclub.errors import Conflict, FieldError, NotFound, ValidationFailed
from netclub.files import s3
from netclub.models.inquiries import (
    Inquiry,
    InquiryKind,
    InquiryKindAdmin,
    InquiryKindAdminList,
    InquiryKindInput,
    InquiryKindList,
    InquiryList,
    InquiryRequest,
    ReplyRequest,
    StaffAttachment,
    StaffInquiry,
    StaffInquiryList,
    StaffInquirySummary,
)
from netclub.services import attachments, audit, departments
from netclub.services.departments import Desk
from netclub.store import accounts, outbox
from netclub.store import inquiries as store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import InquiryItem, InquiryKindItem, MemberItem, the, unkeyed

MAX_CONTENT = 800
DOWNLOAD_EXPIRES_SECONDS = 300
STATUS_LABELS = {"open": "受付済", "answered": "回答済", "closed": "完了"}


@lru_cache(maxsize=1)
def _grapheme() -> Any:
    import regex  # on first use: only the functions that count an inquiry's characters need it

    return regex.compile(r"\X")


def count_characters(text: str) -> int:
    """Characters as a person counts them: extended grapheme clusters (絵文字 with modifiers, 濁点 combinations, CRLF = 1)."""
    return len(_grapheme().findall(text))


# --- kinds --------------------------------------------------------------------------------


def _kind_admin(item: InquiryKindItem) -> InquiryKindAdmin:
    return InquiryKindAdmin.model_validate(item)


def _sorted_kinds() -> list[InquiryKindItem]:
    return sorted(store.list_kinds(), key=lambda k: (int(k.get("sort_order", 0)), k.get("created_at", ""), k["id"]))


def member_kinds() -> InquiryKindList:
    return InquiryKindList(items=[InquiryKind.model_validate(k) for k in _sorted_kinds() if k.get("active", True)])


def staff_kinds() -> InquiryKindAdminList:
    return InquiryKindAdminList(items=[_kind_admin(k) for k in _sorted_kinds()])


def _kind_fields(request: InquiryKindInput) -> InquiryKindItem:
    """The kind's fields; its department must exist (none: every staff member's)."""
    fields = the(InquiryKindItem, request.model_dump(exclude={"department_id"}))
    if request.department_id:
        fields["department_id"] = departments.checked_ids([request.department_id], field="department_id")[0]
    return fields


def create_kind(staff_id: str, request: InquiryKindInput) -> InquiryKindAdmin:
    now = clock.iso()
    kind: InquiryKindItem = {"id": ids.new_id(), **_kind_fields(request), "created_at": now, "updated_at": now}
    store.transact([store.put_kind_op(kind, create=True), audit.op(staff_id, "inquiry_kind.create", f"inquiry_kind:{kind['id']}", {"name": kind["name"]})])
    return _kind_admin(kind)


def update_kind(staff_id: str, kind_id: str, request: InquiryKindInput) -> InquiryKindAdmin:
    current = store.get_kind(kind_id)
    if not current:
        raise NotFound("お問い合わせの種類が見つかりません。")
    kind: InquiryKindItem = {**unkeyed(current, ("PK", "SK", "department_id")), **_kind_fields(request), "updated_at": clock.iso()}
    try:
        store.transact([store.put_kind_op(kind, create=False), audit.op(staff_id, "inquiry_kind.update", f"inquiry_kind:{kind_id}", {"name": kind["name"]})])
    except ConditionFailed:
        raise NotFound("お問い合わせの種類が見つかりません。") from None
    return _kind_admin(kind)


def delete_kind(staff_id: str, kind_id: str) -> None:
    """Sent inquiries keep the kind's name; members can no longer choose it."""
    try:
        store.transact([store.delete_kind_op(kind_id), audit.op(staff_id, "inquiry_kind.delete", f"inquiry_kind:{kind_id}")])
    except ConditionFailed:
        raise NotFound("お問い合わせの種類が見つかりません。") from None


# --- the member's inquiries ---------------------------------------------------------------


def _inquiry(item: InquiryItem) -> Inquiry:
    return Inquiry.model_validate(item)


def _receipt_no(inquiry_id: str) -> str:
    return f"Q{clock.today_jst().replace('-', '')}-{inquiry_id[-6:].upper()}"


def _check_request(request: InquiryRequest) -> InquiryKindItem:
    errors: list[FieldError] = []
    kind = store.get_kind(request.kind_id)
    if not kind or not kind.get("active", True):
        errors.append(FieldError("kind_id", "お問い合わせの種類を選択してください。"))
    length = count_characters(request.content)
    if not request.content.strip():
        errors.append(FieldError("content", "相談内容を入力してください。"))
    elif length > MAX_CONTENT:
        errors.append(FieldError("content", f"相談内容は{MAX_CONTENT}文字以内で入力してください（現在{length}文字）。"))
    if errors:
        raise ValidationFailed(errors)
    assert kind is not None
    return kind


def submit(member_id: str, request: InquiryRequest, idempotency_key: str | None) -> Inquiry:
    """POST /api/inquiries: once per Idempotency-Key; the attachments move out of uploads/ into the inquiry."""
    from netclub import idempotency  # Powertools Idempotency: only this use case of the module needs it

    key = idempotency.check_key(idempotency_key)

    def run() -> dict[str, Any]:
        return _submit(member_id, request, key).model_dump(mode="json")

    return Inquiry.model_validate(idempotency.once(member_id, key, request.model_dump(mode="json"), run))


def _submit(member_id: str, request: InquiryRequest, key: str | None = None) -> Inquiry:
    from netclub import idempotency

    # Powertools' record answers a repeat; when that record could not be kept (its table throttled
    # after the inquiry was committed), the key record written with the inquiry still does.
    if key:
        first = store.inquiry_for_key(member_id, key, clock.epoch())
        if first:
            return _inquiry(first)
    member = accounts.get_member(member_id)
    if not member:
        raise NotFound()
    kind = _check_request(request)
    accepted = attachments.check_for_submission(member_id, request.attachment_ids)
    inquiry_id = ids.new_id()
    now = clock.iso()
    copied: list[str] = []
    claims = []
    infos = []
    for item in accepted:
        target = attachments.final_key(member_id, inquiry_id, item.attachment_id)
        s3.copy(item.upload_key, target)
        copied.append(target)
        claims.append(store.claim_attachment_op(item.attachment_id, member_id, inquiry_id, target))
        infos.append({**item.info(), "key": target})
    inquiry: InquiryItem = {
        "id": inquiry_id,
        "member_id": member_id,
        "receipt_no": _receipt_no(inquiry_id),
        "kind_id": kind["id"],
        "kind_name": kind["name"],
        "content": request.content,
        "attachments": infos,
        "status": "open",
        "created_at": now,
        "updated_at": now,
        "replies": [],
        "company_name": member.get("company_name", ""),
        "user_name": member.get("user_name", ""),
        # 利用履歴 (contract 2)
        "history_type": "inquiry",
        "history_title": f"お問い合わせ（{kind['name']}）",
        "history_date": clock.today_jst(),
        "history_status": "open",
        "ref_id": inquiry_id,
    }
    key_ops = [store.key_record_op(member_id, key, inquiry_id, clock.epoch() + idempotency.EXPIRES_AFTER_SECONDS)] if key else []
    received = mail.compose(
        member["email"],
        "inquiry_received",
        about=f"inquiry:{inquiry_id}",
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        receipt_no=inquiry["receipt_no"],
        kind_name=kind["name"],
        at=clock.jst_text(),
        content=request.content,
        attachments="、".join(i["filename"] for i in infos) or "なし",
        link=f"{get_settings().need('frontend_url')}/inquiries/{inquiry_id}",
    )
    try:
        store.create_inquiry(inquiry, [*key_ops, *claims, outbox.put_op(received)])  # its mail in the outbox, in the same transaction
    except ConditionFailed as exc:
        _delete_quietly(copied)
        first = store.inquiry_for_key(member_id, key, clock.epoch()) if key and exc.reasons[2:3] == ["ConditionalCheckFailed"] else None
        if first:  # the same key won a race with this request: its inquiry is the answer
            return _inquiry(first)
        raise Conflict("添付ファイルは、すでに別のお問い合わせで送信されています。もう一度添付してください。", code="attachment_used") from None
    except Exception:
        _delete_quietly(copied)  # nothing of the inquiry was written (busy, unavailable): no copies left behind either
        raise
    mail.send_kept(received)
    _delete_quietly([item.upload_key for item in accepted])  # best kept tidy now; the uploads/ lifecycle rule would remove them anyway
    return _inquiry(inquiry)


def _delete_quietly(copied: list[str]) -> None:
    for target in copied:
        try:
            s3.delete(target)
        except Exception:  # noqa: S112 (S3 refusing too: an unreferenced object is harmless; uploads/ also expire by lifecycle)
            continue


def member_list(member_id: str, cursor: str | None, limit: int = 20) -> InquiryList:
    items, last = store.member_page(member_id, limit, decode(cursor))
    return InquiryList(items=[_inquiry(i) for i in items], next_cursor=encode(last))


def member_get(member_id: str, inquiry_id: str) -> Inquiry:
    item = store.get_inquiry(member_id, inquiry_id)
    if not item:
        raise NotFound("お問い合わせが見つかりません。")
    return _inquiry(item)


# --- the staff desk -----------------------------------------------------------------------
# Each call takes the staff member's Desk (services/departments.py): which kinds' inquiries they may see.


def _load(inquiry_id: str, desk: Desk) -> InquiryItem:
    """The inquiry, if this staff member's desk has it (another department's is not found, like an unknown one)."""
    member_id = store.owner_of(inquiry_id)
    item = store.get_inquiry(member_id, inquiry_id) if member_id else None
    if not item or not desk.sees(str(item.get("kind_id", ""))):
        raise NotFound("お問い合わせが見つかりません。")
    return item


def staff_list(desk: Desk, status: str, cursor: str | None, limit: int = 50) -> StaffInquiryList:
    items, last = store.status_page(status, limit, decode(cursor), hidden_kinds=desk.hidden_kinds)
    summaries = [StaffInquirySummary.model_validate({**i, "attachment_count": len(i.get("attachments") or [])}) for i in items]
    return StaffInquiryList(items=summaries, next_cursor=encode(last))


def _staff_view(item: InquiryItem, member: MemberItem | None = None) -> StaffInquiry:
    if member is None:
        member = accounts.get_member(str(item["member_id"])) or MemberItem()
    files = [
        StaffAttachment(
            **{k: a[k] for k in ("attachment_id", "filename", "size", "content_type")},
            download_url=s3.presigned_get(a["key"], a["filename"], DOWNLOAD_EXPIRES_SECONDS),
        )
        for a in item.get("attachments") or []
    ]
    return StaffInquiry.model_validate({**item, "attachments": files, "email": member.get("email", "")})


def staff_get(desk: Desk, inquiry_id: str) -> StaffInquiry:
    return _staff_view(_load(inquiry_id, desk))


def reply(desk: Desk, staff_id: str, inquiry_id: str, request: ReplyRequest) -> StaffInquiry:
    item = _load(inquiry_id, desk)
    if item["status"] == "closed":
        raise Conflict("このお問い合わせは完了しているため、回答できません。", code="inquiry_closed")
    now = clock.iso()
    entry = {"body": request.body, "replied_at": now, "staff_id": staff_id}
    member = accounts.get_member(str(item["member_id"]))  # read before the commit: after it, nothing may fail the answer
    replied = (
        mail.compose(
            member["email"],
            "inquiry_replied",
            about=f"inquiry:{inquiry_id}",
            company_name=member.get("company_name", ""),
            user_name=member.get("user_name", ""),
            receipt_no=item["receipt_no"],
            kind_name=item["kind_name"],
            body=request.body,
            link=f"{get_settings().need('frontend_url')}/inquiries/{inquiry_id}",
        )
        if member
        else None
    )
    try:  # the reply, its audit entry and the member's mail (outbox): one transaction
        store.transact(
            [
                store.reply_op(item["member_id"], inquiry_id, entry, now),
                audit.op(staff_id, "inquiry.reply", f"inquiry:{inquiry_id}"),
                *([outbox.put_op(replied)] if replied else []),
            ]
        )
    except ConditionFailed:
        raise Conflict("このお問い合わせは完了しているため、回答できません。", code="inquiry_closed") from None
    if replied:
        mail.send_kept(replied)
    updated: InquiryItem = {**item, "status": "answered", "updated_at": now, "replies": [*(item.get("replies") or []), entry]}
    return _staff_view(updated, member or MemberItem())


def close(desk: Desk, staff_id: str, inquiry_id: str) -> StaffInquiry:
    item = _load(inquiry_id, desk)
    now = clock.iso()
    member = accounts.get_member(str(item["member_id"])) or MemberItem()  # read before the commit: after it, nothing may fail the answer
    try:
        retention = (
            [store.attachment_retention_op(str(item["member_id"]), inquiry_id, now)] if item.get("attachments") else []
        )  # deleted later (services/erasure.py)
        store.transact([store.close_op(item["member_id"], inquiry_id, now), audit.op(staff_id, "inquiry.close", f"inquiry:{inquiry_id}"), *retention])
    except ConditionFailed:
        raise Conflict("このお問い合わせはすでに完了しています。", code="inquiry_closed") from None
    return _staff_view({**item, "status": "closed", "updated_at": now}, member)
