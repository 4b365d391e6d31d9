"""削除請求 (erasure on request, by an admin) and the retention schedule (personal-data-retention).

Erasure anonymises, it does not delete: the member item keeps its id, dates and 会員番号 (the organisation's
accounting and statistics) and loses every attribute that names or reaches a person (address, profile, names,
password, staff note); the member's inquiries lose their words and attachments (the S3 objects are deleted),
the 商談申込 they sent lose subject and message, the staff lists' snapshots of their reservations lose names and
notes. Counts, statuses and dates stay. The audit entries stay; the erasure's own entry carries no personal
data. An active member is withdrawn first (every session, reservation, listing and subscription ends).

Every step is idempotent and the member item is changed last, so an erasure that stops midway is simply run
again (by the admin, or the next retention run).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock
from netclub.errors import Conflict, NotFound
from netclub.files import s3
from netclub.models.withdrawal import ErasureResult
from netclub.services import audit
from netclub.store import accounts, dynamo
from netclub.store import directory as directory_store
from netclub.store import inquiries as inquiry_store
from netclub.store import reservations as reservation_store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import ReservationItem

logger = Logger(service="netclub", child=True)
ERASED = "（削除請求により削除）"
ERASED_NAME = "（削除済みの会員）"
KEPT_STAFF_FIELDS = ("member_number", "joined_on", "withdrawn_on")
BATCH = 25  # transaction items a write of the member's inquiries and contacts


def erase_by_admin(actor_id: str, actor_name: str, member_id: str) -> ErasureResult:
    """POST /api/admin/members/{id}/erase: at once; an active member is withdrawn first."""
    member = accounts.get_member(member_id, consistent=True)
    if not member or member.get("role", "member") != "member":
        raise NotFound("会員が見つかりません。")
    if member.get("status") == "erased":
        raise Conflict("この会員の個人情報はすでに削除されています。", code="already_erased")
    if member.get("status") == "active":
        from netclub.services import withdrawal

        withdrawal.withdraw_by_staff(actor_id, actor_name, member_id, "削除請求")
    elif member.get("status") != "withdrawn":
        raise Conflict("利用中または退会済みの会員だけを削除できます（確認待ちの会員は、承認するか、そのままにしてください）。", code="not_erasable")
    return erase(member_id, actor_id, {"actor_name": actor_name, "via": "request"})


def erase(member_id: str, actor_id: str, detail: dict[str, Any]) -> ErasureResult:
    member = accounts.get_member(member_id, consistent=True)
    if not member or member.get("status") != "withdrawn":
        raise Conflict("退会済みの会員だけを削除できます。", code="not_erasable")
    at = clock.iso()
    partition = accounts.member_partition(member_id)
    inquiries = [i for i in partition if str(i["SK"]).startswith("INQUIRY#")]
    contacts = [i for i in partition if str(i["SK"]).startswith("CONTACT#")]
    files = [str(a["key"]) for i in inquiries for a in i.get("attachments") or [] if a.get("key")]
    for key in files:
        s3.delete(key)
    operations = [inquiry_store.erase_op(member_id, str(i["id"]), ERASED, at) for i in inquiries]
    operations += [directory_store.erase_contact_op(member_id, str(c["id"]), ERASED, at) for c in contacts]
    for start in range(0, len(operations), BATCH):
        dynamo.transact(operations[start : start + BATCH])
    reservations = _reservations(member_id)
    for res in reservations:
        for op in reservation_store.erase_snapshot_ops(res, ERASED_NAME, at):
            try:
                dynamo.transact([op])
            except ConditionFailed:
                pass  # no such snapshot (the holder of a cancelled one, or the other way round)
    kept = {k: v for k, v in (member.get("staff_fields") or {}).items() if k in KEPT_STAFF_FIELDS}
    counts = {"inquiries": len(inquiries), "attachments": len(files), "business_contacts": len(contacts), "reservations": len(reservations)}
    entry = audit.op(actor_id, "member.erase", f"member:{member_id}", {**detail, **counts})
    try:
        dynamo.transact([*accounts.erase_ops(member, at, kept, ERASED_NAME), entry])
    except ConditionFailed:
        raise Conflict("会員情報が変更されたため、削除できませんでした。もう一度お試しください。") from None
    logger.info("member erased", extra={"member_id": member_id, **counts, "via": detail.get("via")})
    return ErasureResult(member_id=member_id, status="erased", **counts)


def _reservations(member_id: str) -> list[ReservationItem]:
    found: list[ReservationItem] = []
    start: dict[str, Any] | None = None
    while True:
        page, start = reservation_store.reservations_of(member_id, 100, start)
        found.extend(page)
        if not start:
            return found


# --- personal-data-retention (schedule) -----------------------------------------------------------

RESERVE_MS = 20_000  # stops early enough to finish the member (or the file) it is on before the timeout
PAGE = 25


def run_retention(withdrawn_days: int, attachment_days: int, remaining_ms: Callable[[], int]) -> dict[str, int]:
    """Withdrawn members anonymised `withdrawn_days` after their withdrawal; inquiry attachments deleted
    `attachment_days` after their inquiry closed. Bounded Queries by date on keys (no Scan), a page at a time
    until done or the time runs short (the next run goes on); each step idempotent."""
    now = clock.now()
    counts = {"members_erased": 0, "member_failures": 0, "inquiries_cleared": 0, "attachments_deleted": 0}
    member_cutoff = clock.iso(now - timedelta(days=withdrawn_days))
    while remaining_ms() > RESERVE_MS:
        due = accounts.withdrawn_before(member_cutoff, PAGE)
        done = 0
        for member in due:
            if remaining_ms() <= RESERVE_MS:
                break
            try:
                erase(str(member["member_id"]), "system:retention", {"via": "retention", "withdrawn_days": withdrawn_days})
                counts["members_erased"] += 1
                done += 1
            except Exception as exc:  # one member's trouble never stops the others; it stays due for the next run
                counts["member_failures"] += 1
                logger.warning("retention: member not erased", extra={"member_id": member.get("member_id"), "error": type(exc).__name__})
        if len(due) < PAGE or done == 0:
            break
    file_cutoff = clock.iso(now - timedelta(days=attachment_days))
    while remaining_ms() > RESERVE_MS:
        markers = inquiry_store.attachment_retention_due(file_cutoff, PAGE)
        for marker in markers:
            inquiry = inquiry_store.get_inquiry(str(marker["member_id"]), str(marker["inquiry_id"]))
            keys = [str(a["key"]) for a in (inquiry or {}).get("attachments") or [] if a.get("key")]
            for key in keys:
                s3.delete(key)
            inquiry_store.attachments_cleared(marker, inquiry is not None, clock.iso())
            counts["inquiries_cleared"] += 1
            counts["attachments_deleted"] += len(keys)
        if len(markers) < PAGE:
            break
    logger.info("personal-data-retention run", extra=counts)
    return counts
