"""Issue 3's walk over HTTP against the local stack started as `make dev` starts it: the screens of docs/product.md "予約確認・変更".

予約確認・変更 (list) → 詳細 (with the read-only 会員情報) → 予約変更 (slots with 空き状況,
a full slot refused, move to another slot) → 予約キャンセル (the seat back at once), the mails of every
step; the expert counselling path (第一希望/第二希望 and a note, changed, cancelled); another member's
reservation is 404; one live reservation per member and offering; Idempotency-Key on apply.
Offerings, slots and members are created over HTTP here, so nothing depends on the seed's content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.stackutil import Browserish, LocalStack

pytestmark = pytest.mark.e2e

PASSWORD = "Walk#2026pass"


def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


def _profile(company: str, name: str, kana: str, phone: str) -> dict[str, Any]:
    return {
        "corporate_type": "sole_proprietor",
        "company_name": company,
        "office_name": "本店",
        "phone": phone,
        "user": {"name": name, "name_kana": kana, "phone": phone},
    }


def _member(stack: LocalStack, staff: Browserish, email: str, profile: dict[str, Any]) -> Browserish:
    """新規会員登録 (verification mail → password + profile) → staff approval → login, over HTTP."""
    visitor = stack.client()
    assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    link = stack.link_in(stack.wait_for_mail(email, "会員登録のご案内"))
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    created = visitor.post("/api/registrations/confirm", {"token": token, "password": PASSWORD, "password_confirm": PASSWORD, "profile": profile})
    assert created.status == 201, created.body
    assert staff.post(f"/api/admin/members/{created.body['member_id']}/approve").status == 200
    client = stack.client()
    assert client.login(email, PASSWORD).status == 200
    return client


def _offering(staff: Browserish, kind: str, title: str, capacities: list[int]) -> tuple[str, list[dict[str, Any]]]:
    created = staff.post("/api/admin/offerings", {"kind": kind, "title": title, "description": "e2e", "apply_until": f"{_day(10)}T17:00"})
    assert created.status == 201, created.body
    slots = []
    for n, capacity in enumerate(capacities):
        slot = staff.post(
            f"/api/admin/offerings/{created.body['id']}/slots",
            {"date": _day(20 + n), "start_time": "14:00", "end_time": "16:00", "place": f"秋葉原庁舎 第{n + 1}会議室", "capacity": capacity},
        )
        assert slot.status == 201, slot.body
        slots.append(slot.body)
    return created.body["id"], slots


def _seats(client: Browserish, offering_id: str) -> dict[str, int]:
    answer = client.get(f"/api/offerings/{offering_id}")
    assert answer.status == 200, answer.body
    return {s["id"]: s["seats_left"] for s in answer.body["slots"]}


def _mail(stack: LocalStack, to: str, subject_part: str, *needles: str, timeout: float = 10.0) -> dict[str, Any]:
    """The mail to `to` whose subject has `subject_part` and whose body has every needle (e.g. the 予約番号)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for mail in stack.mails(to):
            if subject_part in mail["subject"] and all(n in mail["body"] for n in needles):
                return mail
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} with {subject_part!r} and {needles!r}: {[m['subject'] for m in stack.mails(to)]}")


def _slot_text(slot: dict[str, Any]) -> str:
    return f"日程：{_date_text(slot['date'])} {slot['start_time']}〜{slot['end_time']}\n場所：{slot['place']}"


def _number(reservation_id: str) -> str:
    """予約番号: 8 Crockford base-32 characters of the id's SHA-256, XXXX-XXXX (computed here independently)."""
    bits = int.from_bytes(hashlib.sha256(reservation_id.encode()).digest()[:5], "big")
    chars = "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(bits >> s) & 31] for s in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


def _date_text(day: str) -> str:
    """2026年12月21日（月）: written here again, not imported, so that the mail's format is checked, not copied."""
    d = dt.date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日（{'月火水木金土日'[d.weekday()]}）"


@pytest.fixture(scope="module")
def people(local_stack: LocalStack, staff: Browserish) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    me = {"email": f"resv-{run}@example.jp", "profile": _profile("中企小太郎商店", "中企小太郎", "チュウキコタロウ", "03-5555-0101")}
    other = {"email": f"resv-other-{run}@example.jp", "profile": _profile("別会社", "別野花子", "ベツノハナコ", "03-5555-0202")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        clients = list(pool.map(lambda p: _member(local_stack, staff, p["email"], p["profile"]), (me, other)))
    return {"me": clients[0], "email": me["email"], "profile": me["profile"], "other": clients[1], "other_email": other["email"]}


def test_seminar_walk_list_detail_change_cancel(local_stack: LocalStack, staff: Browserish, people: dict[str, Any]) -> None:
    me, other, email = people["me"], people["other"], people["email"]
    title = f"経営革新セミナー {uuid.uuid4().hex[:4]}"
    offering_id, (a, b, full) = _offering(staff, "seminar", title, [2, 3, 1])
    assert other.post("/api/reservations", {"offering_id": offering_id, "slot_id": full["id"]}).status == 201

    # apply → confirmed at once, seat taken, mail naming the seminar and the slot
    applied = me.post("/api/reservations", {"offering_id": offering_id, "slot_id": a["id"]})
    assert applied.status == 201, applied.body
    rid = applied.body["id"]
    assert applied.body["status"] == "confirmed"
    assert _seats(me, offering_id) == {a["id"]: 1, b["id"]: 3, full["id"]: 0}
    mail = _mail(local_stack, email, "セミナーのお申込みを受け付けました", f"予約番号：{_number(rid)}")
    assert f"お申込み：{title}" in mail["body"] and _slot_text(a) in mail["body"] and "中企小太郎 様" in mail["body"]

    # 8 予約確認・変更: the member's list
    listed = me.get("/api/reservations")
    assert listed.status == 200
    row = next(r for r in listed.body["items"] if r["id"] == rid)
    assert row["offering_id"] == offering_id and row["offering_title"] == title and row["kind"] == "seminar"
    assert row["status"] == "confirmed" and row["slot"]["id"] == a["id"] and row["can_change"] and row["can_cancel"]
    assert not any(r["id"] == rid for r in other.get("/api/reservations").body["items"])

    # 詳細 → 予約申込内容確認, and the read-only 会員情報 block of 予約変更 (from My情報)
    detail = me.get(f"/api/reservations/{rid}")
    assert detail.status == 200
    assert detail.body["slot"] == {**{k: a[k] for k in ("id", "date", "start_time", "end_time", "place", "capacity")}, "seats_left": 1, "waitlist_count": 0}
    assert detail.body["offering_title"] == title and detail.body["apply_until"].startswith(_day(10))
    profile = me.get("/api/profile")
    assert profile.status == 200
    info = profile.body
    assert (info["user"]["email"], info["company_name"], info["office_name"]) == (email, "中企小太郎商店", "本店")
    assert (info["user"]["name"], info["user"]["name_kana"], info["user"]["phone"]) == ("中企小太郎", "チュウキコタロウ", "03-5555-0101")

    # 9 予約変更: the slots with 空き状況; a full slot cannot be chosen; another one can
    slots = me.get(f"/api/offerings/{offering_id}").body["slots"]
    assert [(s["id"], s["date"], s["place"], s["start_time"], s["seats_left"]) for s in slots] == [
        (a["id"], a["date"], a["place"], "14:00", 1),
        (b["id"], b["date"], b["place"], "14:00", 3),
        (full["id"], full["date"], full["place"], "14:00", 0),
    ]
    refused = me.put(f"/api/reservations/{rid}", {"slot_id": full["id"]})
    assert refused.status == 409 and refused.body["error"]["code"] == "slot_full"
    assert "満席" in refused.body["error"]["message"]
    changed = me.put(f"/api/reservations/{rid}", {"slot_id": b["id"]})
    assert changed.status == 200, changed.body
    assert changed.body["slot"]["id"] == b["id"] and changed.body["slot"]["seats_left"] == 2 and changed.body["status"] == "confirmed"
    assert _seats(me, offering_id) == {a["id"]: 2, b["id"]: 2, full["id"]: 0}
    mail = _mail(local_stack, email, "ご予約の変更を受け付けました", f"予約番号：{_number(rid)}")
    assert f"お申込み：{title}" in mail["body"] and _slot_text(b) in mail["body"]

    # 10 予約キャンセル: the seat is back on sale at once
    cancelled = me.delete(f"/api/reservations/{rid}")
    assert cancelled.status == 200, cancelled.body
    assert cancelled.body["status"] == "cancelled" and not cancelled.body["can_change"] and not cancelled.body["can_cancel"]
    assert _seats(me, offering_id) == {a["id"]: 2, b["id"]: 3, full["id"]: 0}
    mail = _mail(local_stack, email, "ご予約のキャンセルを受け付けました", f"予約番号：{_number(rid)}")
    assert f"お申込み：{title}" in mail["body"] and _slot_text(b) in mail["body"]
    row = next(r for r in me.get("/api/reservations").body["items"] if r["id"] == rid)
    assert row["status"] == "cancelled" and row["can_change"] is False and row["can_cancel"] is False
    after = me.get(f"/api/reservations/{rid}").body
    assert after["status"] == "cancelled" and after["can_change"] is False and after["can_cancel"] is False
    again = me.delete(f"/api/reservations/{rid}")
    assert again.status == 409, again.body
    assert me.put(f"/api/reservations/{rid}", {"slot_id": a["id"]}).status == 409
    assert _seats(me, offering_id) == {a["id"]: 2, b["id"]: 3, full["id"]: 0}

    # staff see the cancelled reservation after the live one
    staff_rows = staff.get(f"/api/admin/offerings/{offering_id}/reservations").body["items"]
    assert [(r["status"], r["company_name"]) for r in staff_rows] == [("confirmed", "別会社"), ("cancelled", "中企小太郎商店")]

    # after a cancel the member may apply again, but never holds two live reservations for one offering
    reapplied = me.post("/api/reservations", {"offering_id": offering_id, "slot_id": a["id"]})
    assert reapplied.status == 201
    twice = me.post("/api/reservations", {"offering_id": offering_id, "slot_id": b["id"]})
    assert twice.status == 409 and twice.body["error"]["code"] == "already_reserved"
    assert _seats(me, offering_id) == {a["id"]: 1, b["id"]: 3, full["id"]: 0}


def test_another_members_reservation_is_404(staff: Browserish, people: dict[str, Any]) -> None:
    me, other = people["me"], people["other"]
    offering_id, (a, b) = _offering(staff, "seminar", "他人の予約テスト", [2, 2])
    rid = me.post("/api/reservations", {"offering_id": offering_id, "slot_id": a["id"]}).body["id"]
    for answer in (
        other.get(f"/api/reservations/{rid}"),
        other.put(f"/api/reservations/{rid}", {"slot_id": b["id"]}),
        other.delete(f"/api/reservations/{rid}"),
    ):
        assert answer.status == 404, answer.body
        assert answer.body["error"]["code"] == "not_found"
    assert me.get(f"/api/reservations/{rid}").body["status"] == "confirmed"
    assert _seats(me, offering_id) == {a["id"]: 1, b["id"]: 2}


def test_idempotency_key_apply_twice_creates_one(staff: Browserish, people: dict[str, Any]) -> None:
    me = people["me"]
    offering_id, (a,) = _offering(staff, "seminar", "冪等性テスト", [3])
    key = {"Idempotency-Key": f"walk-{uuid.uuid4().hex}"}
    first = me.post("/api/reservations", {"offering_id": offering_id, "slot_id": a["id"]}, headers=key)
    second = me.post("/api/reservations", {"offering_id": offering_id, "slot_id": a["id"]}, headers=key)
    assert first.status == second.status == 201, (first.body, second.body)
    assert first.body["id"] == second.body["id"]
    mine = [r for r in me.get("/api/reservations").body["items"] if r["offering_id"] == offering_id]
    assert [r["id"] for r in mine] == [first.body["id"]]
    assert _seats(me, offering_id) == {a["id"]: 2}


def test_counselling_walk_preferences_note_change_cancel(local_stack: LocalStack, staff: Browserish, people: dict[str, Any]) -> None:
    me, email = people["me"], people["email"]
    title = f"専門家カウンセリング {uuid.uuid4().hex[:4]}"
    offering_id, (p1, p2, p3) = _offering(staff, "counseling", title, [1, 1, 1])

    applied = me.post("/api/reservations", {"offering_id": offering_id, "preferences": [p1["id"], p2["id"]], "note": "事業承継について相談したい"})
    assert applied.status == 201, applied.body
    rid = applied.body["id"]
    assert applied.body["status"] == "applied" and applied.body["slot"] is None and applied.body["preferences"] == [p1["id"], p2["id"]]
    mail = _mail(local_stack, email, "専門家カウンセリングのお申込みを受け付けました", f"予約番号：{_number(rid)}")
    for text in (
        f"お申込み：{title}",
        f"第一希望：{_date_text(p1['date'])} {p1['place']}",
        f"第二希望：{_date_text(p2['date'])} {p2['place']}",
        "事業承継について相談したい",
    ):
        assert text in mail["body"], text
    assert "時間は決定後、ご連絡いたします" in mail["body"]

    detail = me.get(f"/api/reservations/{rid}").body
    assert [s["id"] for s in detail["preference_slots"]] == [p1["id"], p2["id"]]
    assert detail["note"] == "事業承継について相談したい" and detail["can_change"] and detail["can_cancel"]

    changed = me.put(f"/api/reservations/{rid}", {"preferences": [p3["id"], p1["id"]], "note": "午前を希望します"})
    assert changed.status == 200, changed.body
    assert changed.body["preferences"] == [p3["id"], p1["id"]] and changed.body["note"] == "午前を希望します"
    assert [s["id"] for s in changed.body["preference_slots"]] == [p3["id"], p1["id"]]
    mail = _mail(local_stack, email, "ご予約の変更を受け付けました", f"予約番号：{_number(rid)}")
    assert f"お申込み：{title}" in mail["body"] and f"第一希望：{_date_text(p3['date'])} {p3['place']}" in mail["body"] and "午前を希望します" in mail["body"]
    # counselling applications take no seat before the lottery
    assert _seats(me, offering_id) == {p1["id"]: 1, p2["id"]: 1, p3["id"]: 1}

    cancelled = me.delete(f"/api/reservations/{rid}")
    assert cancelled.status == 200 and cancelled.body["status"] == "cancelled"
    mail = _mail(local_stack, email, "ご予約のキャンセルを受け付けました", f"予約番号：{_number(rid)}")
    assert f"お申込み：{title}" in mail["body"] and f"第一希望：{_date_text(p3['date'])} {p3['place']}" in mail["body"]
    row = next(r for r in me.get("/api/reservations").body["items"] if r["id"] == rid)
    assert row["status"] == "cancelled" and not row["can_change"] and not row["can_cancel"]
    assert me.delete(f"/api/reservations/{rid}").status == 409
