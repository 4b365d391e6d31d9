"""Inquiry kinds, attachment records and inquiries.

Keys:
- kind:        PK INQUIRY_KINDS, SK KIND#<id>                 (one Query lists them; a few dozen at most)
- attachment:  PK ATTACHMENT#<id>, SK ATTACHMENT             (owner, display name, declared size/type; TTL until used)
- inquiry:     PK MEMBER#<member_id>, SK INQUIRY#<id>          (the member's list = one Query; ids sort by time)
               GSI1 INQUIRIES#<status> / <created_at>#<id>    (the staff desk by status)
               GSI2 HISTORY#<member_id> / <created_at>#<id>   (利用履歴 row: history_* attributes)
- pointer:     PK INQUIRY#<id>, SK INQUIRY → member_id       (staff open an inquiry by id)
- key record:  PK INQUIRY_KEY#<member_id>#<sha256 of the Idempotency-Key>, SK KEY → inquiry_id (TTL 24 h;
               written in the inquiry's transaction, so one key never makes two inquiries)
"""

from __future__ import annotations

from typing import Any

from netclub import ids
from netclub.store import dynamo, keys
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import (
    AttachmentItem,
    AttachmentRetentionItem,
    InquiryItem,
    InquiryKeyItem,
    InquiryKindItem,
    InquiryPointerItem,
    every,
    one,
)

__all__ = ["ConditionFailed"]

KINDS_PK = "INQUIRY_KINDS"


def kind_key(kind_id: str) -> tuple[str, str]:
    return KINDS_PK, f"KIND#{kind_id}"


def attachment_key(attachment_id: str) -> tuple[str, str]:
    return f"ATTACHMENT#{attachment_id}", "ATTACHMENT"


def inquiry_key(member_id: str, inquiry_id: str) -> tuple[str, str]:
    return keys.member(member_id)[0], f"INQUIRY#{inquiry_id}"


def pointer_key(inquiry_id: str) -> tuple[str, str]:
    return f"INQUIRY#{inquiry_id}", "INQUIRY"


def by_status(status: str) -> str:  # GSI1PK
    return f"INQUIRIES#{status}"


def history_of(member_id: str) -> str:  # GSI2PK (contract 2, usage history)
    return f"HISTORY#{member_id}"


# --- kinds --------------------------------------------------------------------------------


def list_kinds() -> list[InquiryKindItem]:
    return every(InquiryKindItem, dynamo.query_all(KINDS_PK, sk_prefix="KIND#"))


def get_kind(kind_id: str) -> InquiryKindItem | None:
    return one(InquiryKindItem, dynamo.get(*kind_key(kind_id)))


def put_kind_op(kind: InquiryKindItem, create: bool) -> TransactOp:
    pk, sk = kind_key(kind["id"])
    condition = "attribute_not_exists(PK)" if create else "attribute_exists(PK)"
    return dynamo.t_put({**kind, "PK": pk, "SK": sk}, condition=condition)


def delete_kind_op(kind_id: str) -> TransactOp:
    return dynamo.t_delete(*kind_key(kind_id), condition="attribute_exists(PK)")


def put_kind(kind: InquiryKindItem) -> None:
    pk, sk = kind_key(kind["id"])
    dynamo.put({**kind, "PK": pk, "SK": sk})


# --- attachments --------------------------------------------------------------------------


def put_attachment(record: AttachmentItem) -> None:
    pk, sk = attachment_key(record["attachment_id"])
    dynamo.put({**record, "PK": pk, "SK": sk}, condition="attribute_not_exists(PK)")


def get_attachment(attachment_id: str) -> AttachmentItem | None:
    return one(AttachmentItem, dynamo.get(*attachment_key(attachment_id), consistent=True))


def claim_attachment_op(attachment_id: str, member_id: str, inquiry_id: str, final_key: str) -> TransactOp:
    """Mark the upload as used by this inquiry (once only, by its owner); it no longer expires."""
    pk, sk = attachment_key(attachment_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET inquiry_id = :i, final_key = :k REMOVE ttl_epoch",
        vals={":i": inquiry_id, ":k": final_key, ":m": member_id},
        condition="attribute_exists(PK) AND member_id = :m AND attribute_not_exists(inquiry_id)",
    )


# --- inquiries ----------------------------------------------------------------------------


def key_record_key(member_id: str, idempotency_key: str) -> tuple[str, str]:
    return f"INQUIRY_KEY#{member_id}#{ids.digest(idempotency_key)}", "KEY"


def key_record_op(member_id: str, idempotency_key: str, inquiry_id: str, expires_epoch: int) -> TransactOp:
    pk, sk = key_record_key(member_id, idempotency_key)
    return dynamo.t_put(InquiryKeyItem(PK=pk, SK=sk, inquiry_id=inquiry_id, ttl_epoch=expires_epoch), condition="attribute_not_exists(PK)")


def inquiry_for_key(member_id: str, idempotency_key: str, now_epoch: int) -> InquiryItem | None:
    """The inquiry a previous request with this key created (within the key's 24 hours), if any."""
    record = one(InquiryKeyItem, dynamo.get(*key_record_key(member_id, idempotency_key), consistent=True))
    if not record or int(record.get("ttl_epoch", 0)) <= now_epoch:
        return None
    return one(InquiryItem, dynamo.get(*inquiry_key(member_id, str(record["inquiry_id"])), consistent=True))


def create_inquiry(inquiry: InquiryItem, extra: list[TransactOp]) -> None:
    pk, sk = inquiry_key(inquiry["member_id"], inquiry["id"])
    ppk, psk = pointer_key(inquiry["id"])
    created = f"{inquiry['created_at']}#{inquiry['id']}"
    item: InquiryItem = {
        **inquiry,
        "PK": pk,
        "SK": sk,
        "GSI1PK": by_status(inquiry["status"]),
        "GSI1SK": created,
        "GSI2PK": history_of(inquiry["member_id"]),
        "GSI2SK": created,
    }
    dynamo.transact(
        [
            dynamo.t_put(item, condition="attribute_not_exists(PK)"),
            dynamo.t_put(InquiryPointerItem(PK=ppk, SK=psk, member_id=inquiry["member_id"]), condition="attribute_not_exists(PK)"),
            *extra,
        ]
    )


def get_inquiry(member_id: str, inquiry_id: str) -> InquiryItem | None:
    return one(InquiryItem, dynamo.get(*inquiry_key(member_id, inquiry_id)))


def owner_of(inquiry_id: str) -> str | None:
    item = one(InquiryPointerItem, dynamo.get(*pointer_key(inquiry_id)))
    return str(item["member_id"]) if item else None


def member_page(member_id: str, limit: int, start: dict[str, Any] | None) -> tuple[list[InquiryItem], dict[str, Any] | None]:
    items, last = dynamo.query(keys.member(member_id)[0], sk_prefix="INQUIRY#", forward=False, limit=limit, start_key=start)
    return every(InquiryItem, items), last


def _not_of_kinds(hidden_kinds: frozenset[str] | None) -> dynamo.Filter | None:
    """A filter leaving out the inquiries of these kinds (another department's), or None (nothing hidden)."""
    if not hidden_kinds:
        return None
    kinds = sorted(hidden_kinds)
    vals = {f":k{i}": kind for i, kind in enumerate(kinds)}
    return dynamo.Filter(f"NOT (#kind IN ({', '.join(vals)}))", {"#kind": "kind_id"}, vals)


def status_page(
    status: str, limit: int, start: dict[str, Any] | None, hidden_kinds: frozenset[str] | None = None
) -> tuple[list[InquiryItem], dict[str, Any] | None]:
    """A page of the inquiries of a status, newest first; without those of the hidden kinds (a page may then be short)."""
    items, last = dynamo.query(by_status(status), index="GSI1", forward=False, limit=limit, start_key=start, where=_not_of_kinds(hidden_kinds))
    return every(InquiryItem, items), last


def reply_op(member_id: str, inquiry_id: str, reply: dict[str, Any], at: str) -> TransactOp:
    pk, sk = inquiry_key(member_id, inquiry_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET replies = list_append(if_not_exists(replies, :empty), :r), #st = :s, history_status = :s, GSI1PK = :g, updated_at = :at",
        vals={":empty": [], ":r": [reply], ":s": "answered", ":g": by_status("answered"), ":at": at, ":closed": "closed"},
        names={"#st": "status"},
        condition="attribute_exists(PK) AND #st <> :closed",
    )


def close_op(member_id: str, inquiry_id: str, at: str) -> TransactOp:
    pk, sk = inquiry_key(member_id, inquiry_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET #st = :s, history_status = :s, GSI1PK = :g, updated_at = :at, closed_at = :at",
        vals={":s": "closed", ":g": by_status("closed"), ":at": at},
        names={"#st": "status"},
        condition="attribute_exists(PK) AND #st <> :s",
    )


def transact(operations: list[TransactOp]) -> None:
    dynamo.transact(operations)


ATTACHMENT_RETENTION_PK = "RETENTION#attachments"


def attachment_retention_op(member_id: str, inquiry_id: str, closed_at: str) -> TransactOp:
    """A closed inquiry with attachments, due for their deletion (personal-data-retention reads them by date)."""
    item: AttachmentRetentionItem = {
        "PK": ATTACHMENT_RETENTION_PK,
        "SK": f"{closed_at}#{inquiry_id}",
        "member_id": member_id,
        "inquiry_id": inquiry_id,
        "closed_at": closed_at,
    }
    return dynamo.t_put(item)


def attachment_retention_due(cutoff: str, limit: int) -> list[AttachmentRetentionItem]:
    """The markers of inquiries closed before `cutoff`, oldest first (a bounded Query on the marker partition)."""
    items, _ = dynamo.query(ATTACHMENT_RETENTION_PK, sk_between=("0", cutoff), limit=limit, consistent=True)
    return every(AttachmentRetentionItem, items)


def attachments_cleared(marker: AttachmentRetentionItem, inquiry_exists: bool, at: str) -> None:
    """The inquiry's attachment list emptied (their files deleted before) and its marker removed, together."""
    operations = [dynamo.t_delete(str(marker["PK"]), str(marker["SK"]))]
    if inquiry_exists:
        pk, sk = inquiry_key(str(marker["member_id"]), str(marker["inquiry_id"]))
        operations.append(
            dynamo.t_update(pk, sk, "SET attachments = :none, attachments_deleted_at = :at", vals={":none": [], ":at": at}, condition="attribute_exists(PK)")
        )
    dynamo.transact(operations)


def erase_op(member_id: str, inquiry_id: str, erased: str, at: str) -> TransactOp:
    """削除請求: the inquiry's words (the member's and the replies) and attachment list replaced; its receipt, kind,
    status and dates stay (the desk's counts and the audit trail)."""
    pk, sk = inquiry_key(member_id, inquiry_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET content = :e, replies = :none, attachments = :none, erased_at = :at",
        vals={":e": erased, ":none": [], ":at": at},
        condition="attribute_exists(PK)",
    )


def count_with_status(status: str, hidden_kinds: frozenset[str] | None = None) -> int:
    """How many inquiries have this status (the GSI1 partition, counted exactly), but those of the hidden kinds: the staff's dashboard."""
    return dynamo.count(by_status(status), index="GSI1", where=_not_of_kinds(hidden_kinds))
