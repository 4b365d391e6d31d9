"""名簿出力: the postal and attendee lists staff open in Excel (API.md "会員への配信").

UTF-8 with a BOM (Excel then reads UTF-8, not Shift_JIS: no mojibake), CRLF line ends, a Japanese
header row, every cell quoted when needed (csv module). A cell that Excel would take for a formula
(starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe: the text shows,
nothing is evaluated (OWASP "CSV Injection"). Every export is audit-logged: it is personal data
leaving the system.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from netclub import clock
from netclub.errors import NotFound
from netclub.services import audit
from netclub.store import accounts
from netclub.store import reservations as reservation_store

Service = Literal["argus", "business_support_tokyo", "direct_mail", "mail_magazine"]
SERVICE_LABELS: dict[str, str] = {
    "argus": "アーガス送付",
    "business_support_tokyo": "ビジネスサポートTOKYO送付",
    "direct_mail": "各種DM送付",
    "mail_magazine": "メールマガジン配信",
}
MEMBER_HEADER = ("会員番号", "企業名", "事業所名", "郵便番号", "住所", "担当者名", "部署", "電話番号", "メールアドレス")
ATTENDEE_HEADER = (*MEMBER_HEADER, "日程", "状況")
STATUS_LABELS = {
    "confirmed": "予約済み",
    "waitlisted": "キャンセル待ち",
    "applied": "申込済み（抽選待ち）",
    "won": "当選",
    "lost": "落選",
    "cancelled": "キャンセル済み",
    "attended": "参加済み",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell's text; one Excel would evaluate as a formula starts with an apostrophe. Looked at as Excel
    reads it: full-width signs (＝＋－＠) are the ASCII ones after NFKC, and leading spaces (also the
    full-width one) do not hide a formula behind them."""
    text = "" if value is None else str(value)
    probe = unicodedata.normalize("NFKC", text).lstrip()
    return "'" + text if text.startswith(_FORMULA_START) or probe.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def _member_row(member: dict[str, Any]) -> list[Any]:
    profile = member.get("profile") or {}
    user = profile.get("user") or {}
    staff_fields = member.get("staff_fields") or profile.get("staff_fields") or {}
    return [
        staff_fields.get("member_number"),
        profile.get("company_name") or member.get("company_name"),
        profile.get("office_name"),
        profile.get("postal_code"),
        profile.get("address"),
        user.get("name") or member.get("user_name"),
        user.get("department"),
        user.get("phone") or profile.get("phone"),
        member.get("email"),
    ]


def _wants(member: dict[str, Any], service: Service | None) -> bool:
    if member.get("role", "member") != "member":
        return False
    if service is None:
        return True
    return bool(((member.get("profile") or {}).get("subscriptions") or {}).get(service))


def members_csv(staff_id: str, service: Service | None) -> tuple[str, str]:
    """(file name, CSV) of the active members who asked for `service` (every active member when None)."""
    chosen = [m for m in accounts.all_members_with_status("active") if _wants(m, service)]
    chosen.sort(key=lambda m: (str(_member_row(m)[0] or "~"), str(m.get("member_id"))))
    body = to_csv(MEMBER_HEADER, (_member_row(m) for m in chosen))
    audit.record(staff_id, "members.export", f"members:{service or 'active'}", {"rows": len(chosen)})
    return f"members-{service or 'active'}-{clock.iso()[:10]}.csv", body


def attendees_csv(staff_id: str, offering_id: str) -> tuple[str, str]:
    """(file name, CSV) of an offering's live reservations, in slot then application order."""
    offering, slots, live, _ = reservation_store.offering_partition(offering_id)
    if not offering:
        raise NotFound("セミナー・相談が見つかりません。")
    slot_of = {s["id"]: s for s in slots}
    members = {str(m["member_id"]): m for m in accounts.members_by_id(sorted({str(h["member_id"]) for h in live}))}

    def when(holder: dict[str, Any]) -> str:
        slot = slot_of.get(str(holder.get("slot_id") or ""))
        return f"{slot['date']} {slot['start_time']}〜{slot['end_time']}" if slot else ""

    def order(holder: dict[str, Any]) -> tuple[str, str]:
        slot = slot_of.get(str(holder.get("slot_id") or ""))
        return ((f"{slot['date']} {slot['start_time']}") if slot else "~", str(holder.get("created_at")))

    rows = []
    for holder in sorted(live, key=order):
        member = members.get(str(holder["member_id"])) or {"company_name": holder.get("company_name"), "user_name": holder.get("user_name")}
        rows.append([*_member_row(member), when(holder), STATUS_LABELS.get(str(holder.get("status")), holder.get("status"))])
    body = to_csv(ATTENDEE_HEADER, rows)
    audit.record(staff_id, "attendees.export", f"offering:{offering_id}", {"rows": len(rows)})
    return f"attendees-{offering_id}-{clock.iso()[:10]}.csv", body
