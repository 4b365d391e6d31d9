"""Offerings, slots and seminar/counselling reservations through the real authorizer and handlers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DEMO, Env, Portal
from tests.functional.reservation_helpers import day, new_member, offering


def _seats(portal: Portal, offering_id: str) -> dict[str, int]:
    return {s["id"]: s["seats_left"] for s in portal.get(f"/api/offerings/{offering_id}").body["slots"]}


def test_offerings_list_and_detail_with_live_seats(staff: Portal, member: Portal) -> None:
    o = offering(staff)
    listed = member.get("/api/offerings")
    assert listed.status == 200
    assert [i["id"] for i in listed.body["items"]] == [o["id"]]
    assert set(listed.body["items"][0]) >= {"id", "kind", "title", "description", "apply_until"}
    detail = member.get(f"/api/offerings/{o['id']}")
    assert detail.status == 200
    assert [s["seats_left"] for s in detail.body["slots"]] == [3, 5]
    assert set(detail.body["slots"][0]) >= {"id", "date", "start_time", "end_time", "place", "capacity", "seats_left"}
    assert member.get("/api/offerings/nope").status == 404


def test_seminar_apply_change_cancel_moves_seats_and_mails(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff)
    a, b = (s["id"] for s in o["slots"])
    applied = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a})
    assert applied.status == 201, applied.body
    res = applied.body
    assert res["status"] == "confirmed" and res["kind"] == "seminar" and res["slot"]["id"] == a
    assert res["offering_title"] == "経営セミナー" and res["can_change"] and res["can_cancel"]
    assert _seats(member, o["id"]) == {a: 2, b: 5}
    assert "お申込みを受け付けました" in env.mails(DEMO[0])[0]["subject"]

    listed = member.get("/api/reservations").body["items"]
    assert [r["id"] for r in listed] == [res["id"]]
    detail = member.get(f"/api/reservations/{res['id']}").body
    assert detail["slot"]["seats_left"] == 2 and detail["slot"]["place"] == "秋葉原庁舎 第1会議室"

    changed = member.put(f"/api/reservations/{res['id']}", {"slot_id": b})
    assert changed.status == 200, changed.body
    assert changed.body["slot"]["id"] == b
    assert _seats(member, o["id"]) == {a: 3, b: 4}
    assert "変更" in env.mails(DEMO[0])[0]["subject"]

    cancelled = member.delete(f"/api/reservations/{res['id']}")
    assert cancelled.status == 200
    assert cancelled.body["status"] == "cancelled"
    assert _seats(member, o["id"]) == {a: 3, b: 5}
    assert "キャンセル" in env.mails(DEMO[0])[0]["subject"]
    assert member.delete(f"/api/reservations/{res['id']}").status == 409
    # a cancelled reservation frees the member to apply again
    assert member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).status == 201


def test_a_seminar_note_changes_on_the_same_slot_alone_or_with_a_move(env: Env, staff: Portal, member: Portal) -> None:
    """Issue 27: `{"slot_id": <the same slot>, "note": …}` answered 200 and kept the old note, and `{"note": …}`
    was 400. A note change is applied (no seat moves, no mail); with a move, both change in one transaction."""
    o = offering(staff)
    a, b = (s["id"] for s in o["slots"])
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a, "note": "最初のメモ"}).body
    mails = len(env.mails(DEMO[0]))

    same = member.put(f"/api/reservations/{res['id']}", {"slot_id": a, "note": "メモを変更"})
    assert same.status == 200 and same.body["note"] == "メモを変更" and same.body["slot"]["id"] == a
    assert member.get(f"/api/reservations/{res['id']}").body["note"] == "メモを変更"
    alone = member.put(f"/api/reservations/{res['id']}", {"note": "もう一度変更"})
    assert alone.status == 200 and alone.body["note"] == "もう一度変更"
    assert member.put(f"/api/reservations/{res['id']}", {"note": "もう一度変更"}).status == 200  # nothing changes
    assert _seats(member, o["id"]) == {a: 2, b: 5} and len(env.mails(DEMO[0])) == mails
    attendees = staff.get(f"/api/admin/offerings/{o['id']}/reservations")
    if attendees.status == 200:  # the staff list shows the note the member wrote
        assert any(r.get("note") == "もう一度変更" for r in attendees.body.get("items", []))

    moved = member.put(f"/api/reservations/{res['id']}", {"slot_id": b, "note": "移動して変更"})
    assert moved.status == 200 and moved.body["slot"]["id"] == b and moved.body["note"] == "移動して変更"
    assert member.get(f"/api/reservations/{res['id']}").body["note"] == "移動して変更"
    assert _seats(member, o["id"]) == {a: 3, b: 4}
    assert member.put(f"/api/reservations/{res['id']}", {}).status == 400  # nothing asked


def test_full_slot_is_409_slot_full_and_never_overbooks(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(1, 1))
    a, b = (s["id"] for s in o["slots"])
    other = new_member(env, staff, "other@example.jp")
    assert other.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).status == 201
    full = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a})
    assert full.status == 409
    assert full.error["code"] == "slot_full"
    assert "満席" in full.error["message"]
    mine = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": b}).body
    moved = member.put(f"/api/reservations/{mine['id']}", {"slot_id": a})
    assert moved.status == 409 and moved.error["code"] == "slot_full"
    assert _seats(member, o["id"]) == {a: 0, b: 0}


def test_one_live_reservation_per_member_and_offering(staff: Portal, member: Portal) -> None:
    o = offering(staff)
    a, b = (s["id"] for s in o["slots"])
    assert member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).status == 201
    again = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": b})
    assert again.status == 409
    assert again.error["code"] == "already_reserved"
    assert _seats(member, o["id"]) == {a: 2, b: 5}


def test_idempotency_key_returns_the_first_answer(staff: Portal, member: Portal) -> None:
    o = offering(staff)
    a = o["slots"][0]["id"]
    body = {"offering_id": o["id"], "slot_id": a}
    first = member.post("/api/reservations", body, headers={"Idempotency-Key": "k-123"})
    again = member.post("/api/reservations", body, headers={"Idempotency-Key": "k-123"})
    assert first.status == again.status == 201
    assert first.body["id"] == again.body["id"]
    assert len(member.get("/api/reservations").body["items"]) == 1
    assert _seats(member, o["id"])[a] == 2
    reused = member.post("/api/reservations", {**body, "slot_id": o["slots"][1]["id"]}, headers={"Idempotency-Key": "k-123"})
    assert reused.status == 409 and reused.error["code"] == "idempotency_key_reused"
    assert member.post("/api/reservations", body, headers={"Idempotency-Key": "x" * 129}).status == 400


def test_another_members_reservation_is_404(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff)
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}).body
    other = new_member(env, staff, "nosy@example.jp")
    for answer in (
        other.get(f"/api/reservations/{res['id']}"),
        other.put(f"/api/reservations/{res['id']}", {"slot_id": o["slots"][1]["id"]}),
        other.delete(f"/api/reservations/{res['id']}"),
    ):
        assert answer.status == 404
        assert answer.error["code"] == "not_found"
    assert other.get("/api/reservations").body["items"] == []
    assert member.get("/api/reservations/unknown").status == 404


def test_deadline_rules(staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    o = offering(staff, apply_days=1, slot_days=3)
    a, b = (s["id"] for s in o["slots"])
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).body
    real_now = clock.now
    later = real_now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    # the session would have expired after 2 days: log in again at the new time
    assert member.login(*DEMO).status == 200
    for answer in (
        member.put(f"/api/reservations/{res['id']}", {"slot_id": b}),
        member.delete(f"/api/reservations/{res['id']}"),
        member.post("/api/reservations", {"offering_id": o["id"], "slot_id": b}),
    ):
        assert answer.status == 409, answer.body
        assert answer.error["code"] == "deadline_passed"
    detail = member.get(f"/api/reservations/{res['id']}").body
    assert detail["can_change"] is False and detail["can_cancel"] is False
    assert member.get("/api/offerings").body["items"] == []


def test_started_slot_cannot_be_changed_or_cancelled(staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    o = offering(staff, apply_days=30, slot_days=1)
    a, b = (s["id"] for s in o["slots"])
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).body
    started = dt.datetime.fromisoformat(f"{day(1)}T14:30:00+09:00")
    monkeypatch.setattr(clock, "now", lambda: started)
    assert member.login(*DEMO).status == 200
    assert member.delete(f"/api/reservations/{res['id']}").error["code"] == "deadline_passed"
    assert member.put(f"/api/reservations/{res['id']}", {"slot_id": b}).error["code"] == "deadline_passed"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"slot_id": "x"}, "offering_id"),
        ({"offering_id": "nope", "slot_id": "x"}, "offering_id"),
        ({"offering_id": "OID"}, "slot_id"),
        ({"offering_id": "OID", "slot_id": "nope"}, "slot_id"),
        ({"offering_id": "OID", "slot_id": 5}, "slot_id"),
        ({"offering_id": "OID", "slot_id": "SID", "note": "あ" * 401}, "note"),
        ({"offering_id": "x" * 65, "slot_id": "SID"}, "offering_id"),
    ],
)
def test_apply_validation(staff: Portal, member: Portal, body: dict[str, object], field: str) -> None:
    o = offering(staff)
    sent = {k: (o["id"] if v == "OID" else o["slots"][0]["id"] if v == "SID" else v) for k, v in body.items()}
    answer = member.post("/api/reservations", sent)
    assert answer.status == 400, answer.body
    assert field in answer.field_messages()


def test_malformed_bodies_are_400(member: Portal) -> None:
    assert member.post("/api/reservations", raw=b"{oops").status == 400
    assert member.post("/api/reservations", raw=b"[]").status == 400
    assert member.get("/api/reservations?cursor=%%%").status == 400


def test_counseling_apply_change_cancel(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff, kind="counseling", capacities=(2, 2, 2))
    a, b, c = (s["id"] for s in o["slots"])
    applied = member.post("/api/reservations", {"offering_id": o["id"], "preferences": [a, b], "note": "午後を希望します"})
    assert applied.status == 201, applied.body
    res = applied.body
    assert res["status"] == "applied" and res["slot"] is None and res["preferences"] == [a, b]
    assert "専門家カウンセリング" in env.mails(DEMO[0])[0]["subject"]
    assert "時間は決定後、ご連絡いたします" in env.mails(DEMO[0])[0]["body"]
    detail = member.get(f"/api/reservations/{res['id']}").body
    assert [s["id"] for s in detail["preference_slots"]] == [a, b]
    changed = member.put(f"/api/reservations/{res['id']}", {"preferences": [c], "note": "午前"})
    assert changed.status == 200
    assert changed.body["preferences"] == [c] and changed.body["note"] == "午前"
    assert _seats(member, o["id"]) == {a: 2, b: 2, c: 2}
    for bad in ([a, a], [], ["nope"], [a, b, c]):
        assert member.put(f"/api/reservations/{res['id']}", {"preferences": bad}).status == 400
    assert member.delete(f"/api/reservations/{res['id']}").body["status"] == "cancelled"


def test_staff_offering_and_slot_crud_with_capacity_rule(staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(3,))
    slot = o["slots"][0]
    for _ in range(1):
        member.post("/api/reservations", {"offering_id": o["id"], "slot_id": slot["id"]})
    body = {"date": slot["date"], "start_time": "15:00", "end_time": "17:00", "place": "浜松町館", "capacity": 3}
    too_small = staff.put(f"/api/admin/offerings/{o['id']}/slots/{slot['id']}", {**body, "capacity": 0})
    assert too_small.status == 400
    shrunk = staff.put(f"/api/admin/offerings/{o['id']}/slots/{slot['id']}", {**body, "capacity": 1})
    assert shrunk.status == 200 and shrunk.body["seats_left"] == 0 and shrunk.body["place"] == "浜松町館"
    grown = staff.put(f"/api/admin/offerings/{o['id']}/slots/{slot['id']}", {**body, "capacity": 10})
    assert grown.body["seats_left"] == 9
    assert staff.delete(f"/api/admin/offerings/{o['id']}/slots/{slot['id']}").error["code"] == "slot_in_use"
    assert staff.delete(f"/api/admin/offerings/{o['id']}").error["code"] == "has_reservations"
    assert staff.get(f"/api/admin/offerings/{o['id']}/reservations").body["items"][0]["company_name"] == "株式会社中小ニット"
    updated = staff.put(f"/api/admin/offerings/{o['id']}", {"kind": "seminar", "title": "改題セミナー", "description": "", "apply_until": f"{day(6)}T12:00"})
    assert updated.status == 200 and updated.body["title"] == "改題セミナー"
    assert staff.put(f"/api/admin/offerings/{o['id']}", {"kind": "counseling", "title": "x", "apply_until": f"{day(6)}T12:00"}).status == 400
    assert [i["id"] for i in staff.get("/api/admin/offerings").body["items"]] == [o["id"]]
    assert staff.get(f"/api/admin/offerings/{o['id']}").body["slots"][0]["capacity"] == 10
    empty = offering(staff)
    assert staff.delete(f"/api/admin/offerings/{empty['id']}/slots/{empty['slots'][0]['id']}").status == 200
    assert staff.delete(f"/api/admin/offerings/{empty['id']}").status == 200
    assert staff.get(f"/api/admin/offerings/{empty['id']}").status == 404
    assert staff.post("/api/admin/offerings/nope/slots", body).status == 404
    assert staff.put(f"/api/admin/offerings/{o['id']}/slots/nope", body).status == 404
    assert staff.post(f"/api/admin/offerings/{o['id']}/slots", {**body, "start_time": "25:00"}).status == 400
    assert staff.post(f"/api/admin/offerings/{o['id']}/slots", {**body, "end_time": "09:00"}).status == 400
    assert staff.post("/api/admin/offerings", {"kind": "party", "title": "x", "apply_until": "2026-12-01"}).status == 400
    actions = {e["action"] for e in staff.get("/api/admin/audit-log?limit=200").body["items"]}
    assert {"offering.create", "offering.update", "offering.delete", "slot.create", "slot.update", "slot.delete"} <= actions


def test_members_are_403_on_staff_reservation_routes(staff: Portal, member: Portal) -> None:
    o = offering(staff)
    for method, path in (
        ("GET", "/api/admin/offerings"),
        ("POST", "/api/admin/offerings"),
        ("PUT", f"/api/admin/offerings/{o['id']}"),
        ("DELETE", f"/api/admin/offerings/{o['id']}"),
        ("POST", f"/api/admin/offerings/{o['id']}/slots"),
        ("POST", f"/api/admin/offerings/{o['id']}/lottery"),
        ("GET", f"/api/admin/offerings/{o['id']}/reservations"),
        ("POST", "/api/admin/reservations/x/attendance"),
    ):
        assert member.request(method, path, {}).status == 403, path


def test_anonymous_is_401(portal: Portal) -> None:
    assert portal.get("/api/reservations").status == 401
    assert portal.get("/api/offerings").status == 401
    assert portal.get("/api/usage-history").status == 401
