"""登録情報のダウンロード (個人情報保護法 第33条, 開示): everything the portal holds about the member, as one JSON file.

What is read, all by key (no Scan): the member's own partition `MEMBER#<id>` (the member, its consent record,
calendar feed, inquiries, 商談 sent and received), its reservations (GSI1 `RESERVATIONS#<id>`), its 利用履歴
(GSI2 `HISTORY#<id>`) and the audit entries about it (GSI1 `AUDIT_ABOUT#<id>`). What is left out: keys and
index attributes, secrets and what would let someone act as the member (password hash, token and feed
digests, CSRF tokens), the storage keys of attachments (their names are kept), and staff-only notes
(公社メモ: staff_fields.note), which are the organisation's, never shown to the member.
"""

from __future__ import annotations

from typing import Any

from netclub import clock
from netclub.errors import NotFound
from netclub.store import accounts
from netclub.store import audit as audit_store
from netclub.store import reservations as reservation_store
from netclub.store.dynamo import Item

FORMAT_VERSION = 1
_HIDDEN = frozenset(
    {
        "PK",
        "SK",
        "GSI1PK",
        "GSI1SK",
        "GSI2PK",
        "GSI2SK",
        "password_hash",
        "digest",
        "nonce",
        "csrf_token",
        "login_v",
        "ttl_epoch",
        "upload_key",
        "final_key",
        "key",
        "mfa_secret",
        "mfa_pending_secret",
        "mfa_recovery",
        "version",
    }
)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in _HIDDEN}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _member_part(member: Item) -> dict[str, Any]:
    from netclub.services.profiles import STAFF_ONLY_FIELDS

    staff_fields = {k: v for k, v in (member.get("staff_fields") or {}).items() if k not in STAFF_ONLY_FIELDS}
    shown = ("member_id", "email", "status", "created_at", "updated_at", "company_name", "user_name", "company_id", "withdrawn_at", "withdrawal")
    return {**{k: member[k] for k in shown if k in member}, "profile": _clean(member.get("profile") or {}), "staff_fields": staff_fields}


def _by_sort_key(items: list[Item]) -> dict[str, list[Item]]:
    found: dict[str, list[Item]] = {}
    for item in items:
        kind = str(item["SK"]).split("#", 1)[0]
        found.setdefault(kind, []).append(item)
    return found


def _all_pages(page: Any, member_id: str) -> list[Item]:
    items: list[Item] = []
    start: dict[str, Any] | None = None
    while True:
        found, start = page(member_id, 100, start)
        items.extend(found)
        if not start:
            return items


def export(member_id: str) -> dict[str, Any]:
    partition = accounts.member_partition(member_id)
    parts = _by_sort_key(partition)
    member = next(iter(parts.get("MEMBER", [])), None)
    if not member:
        raise NotFound()
    feed = next(iter(parts.get("CALFEED", [])), None)
    history = _all_pages(reservation_store.history_page, member_id)
    return {
        "format": "netclub-my-data",
        "version": FORMAT_VERSION,
        "exported_at": clock.iso(),
        "member": _member_part(member),
        "newsletter_consent": _clean(next(iter(parts.get("NEWSCONSENT", [])), None)),
        "calendar_feed": {"issued_at": feed.get("created_at")} if feed else None,
        "reservations": _clean(_all_pages(reservation_store.reservations_of, member_id)),
        "inquiries": _clean(parts.get("INQUIRY", [])),
        "business_contacts_sent": _clean(parts.get("CONTACT", [])),
        "business_contacts_received": _clean(parts.get("CONTACT_IN", [])),
        "usage_history": [
            {"type": i.get("history_type"), "title": i.get("history_title"), "date": i.get("history_date"), "status": i.get("history_status")} for i in history
        ],
        "audit_entries": _clean(audit_store.about_member(member_id)),
    }


def filename() -> str:
    return f"netclub-my-data-{clock.today_jst().replace('-', '')}.json"
