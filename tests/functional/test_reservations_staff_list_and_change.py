"""Reservation gaps of issue 3: the staff list of an offering's reservations keeps cancelled ones
(after the live ones); the seminar change answer is computed without re-reading the offering; the
counselling mails name the preferred slots."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import new_member, offering

# --- b. staff list of an offering's reservations ----------------------------------------------


def test_staff_reservation_list_shows_cancelled_ones_after_live_ones(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(3, 3))
    a, b = (s["id"] for s in o["slots"])
    other = new_member(env, staff, "cancel-later@example.jp")
    first = other.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).body
    mine = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": b}).body
    assert other.delete(f"/api/reservations/{first['id']}").status == 200
    again = other.post("/api/reservations", {"offering_id": o["id"], "slot_id": b}).body

    listed = staff.get(f"/api/admin/offerings/{o['id']}/reservations")
    assert listed.status == 200
    items = listed.body["items"]
    assert [(r["reservation_id"], r["status"]) for r in items] == [(mine["id"], "confirmed"), (again["id"], "confirmed"), (first["id"], "cancelled")]
    cancelled = items[-1]
    assert cancelled["slot_id"] == a and cancelled["company_name"] == "創業太郎" and cancelled["cancelled_at"]
    assert all(r["cancelled_at"] is None for r in items[:2])
    seats = {s["id"]: s["seats_left"] for s in staff.get(f"/api/admin/offerings/{o['id']}").body["slots"]}
    assert seats == {a: 3, b: 1}
    # members cannot reach the staff list
    assert member.get(f"/api/admin/offerings/{o['id']}/reservations").status == 403
    assert staff.get("/api/admin/offerings/nope/reservations").status == 404


def test_staff_list_keeps_cancelled_counselling_and_offering_delete_clears_them(staff: Portal, member: Portal) -> None:
    o = offering(staff, kind="counseling", capacities=(1, 1))
    a, b = (s["id"] for s in o["slots"])
    res = member.post("/api/reservations", {"offering_id": o["id"], "preferences": [a, b], "note": "午前希望"}).body
    assert staff.delete(f"/api/admin/offerings/{o['id']}").error["code"] == "has_reservations"
    assert member.delete(f"/api/reservations/{res['id']}").status == 200
    (row,) = staff.get(f"/api/admin/offerings/{o['id']}/reservations").body["items"]
    assert row["status"] == "cancelled" and row["preferences"] == [a, b] and row["note"] == "午前希望"
    # only cancelled reservations left: the offering can go, and its records with it
    assert staff.delete(f"/api/admin/offerings/{o['id']}").status == 200
    assert staff.get(f"/api/admin/offerings/{o['id']}/reservations").status == 404
    assert member.get(f"/api/reservations/{res['id']}").body["status"] == "cancelled"


# --- d. seminar change answers from what it has -------------------------------------------------


def test_seminar_change_answer_matches_the_stored_seats_in_five_calls(staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(3, 5))
    a, b = (s["id"] for s in o["slots"])
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).body
    with dynamodb_calls() as calls:
        changed = member.put(f"/api/reservations/{res['id']}", {"slot_id": b})
    assert changed.status == 200, changed.body
    # authorizer (session + member: 1) + reservation + offering Query + transaction (with the mail) + the mail out of the outbox
    assert sum(calls.values()) == 5, calls
    assert changed.body["slot"]["id"] == b and changed.body["slot"]["seats_left"] == 4
    assert changed.body["can_change"] and changed.body["can_cancel"]
    assert {s["id"]: s["seats_left"] for s in member.get(f"/api/offerings/{o['id']}").body["slots"]} == {a: 3, b: 4}
    assert member.get(f"/api/reservations/{res['id']}").body == changed.body


def test_counselling_cancel_mail_names_the_preferred_slots(env: Env, staff: Portal, member: Portal) -> None:
    from netclub import clock

    o = offering(staff, kind="counseling", capacities=(1, 1, 1))
    a, b, c = o["slots"]
    res = member.post("/api/reservations", {"offering_id": o["id"], "preferences": [a["id"], b["id"]]}).body
    assert member.put(f"/api/reservations/{res['id']}", {"preferences": [c["id"], a["id"]], "note": "資金繰り"}).status == 200
    assert member.delete(f"/api/reservations/{res['id']}").status == 200
    cancelled = env.mails("chushojiro@netclub.example")[0]
    assert "キャンセル" in cancelled["subject"]
    assert (
        f"第一希望：{clock.date_text(c['date'])} {c['place']}" in cancelled["body"]
        and f"第二希望：{clock.date_text(a['date'])} {a['place']}" in cancelled["body"]
    )
    assert c["id"] not in cancelled["body"]


def test_lottery_mails_name_the_assigned_slot_or_the_preferences(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    o = offering(staff, kind="counseling", capacities=(1, 1), apply_days=1, slot_days=5)
    a, b = o["slots"]
    other = new_member(env, staff, "lottery-mail@example.jp")
    mine = member.post("/api/reservations", {"offering_id": o["id"], "preferences": [b["id"]]}).body
    theirs = other.post("/api/reservations", {"offering_id": o["id"], "preferences": [a["id"]]}).body
    later = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert staff.login("staff@netclub.example", "Staff#2026pass").status == 200
    from tests.functional.queues import draw

    drawn = draw(env, staff, o["id"], {"seed": 7})
    assert {r["reservation_id"]: r["slot_id"] for r in drawn["results"]} == {mine["id"]: b["id"], theirs["id"]: a["id"]}
    won = env.mails("chushojiro@netclub.example")[0]
    assert "当選" in won["subject"]
    assert f"日程：{clock.date_text(b['date'])} {b['start_time']}〜{b['end_time']}\n場所：{b['place']}" in won["body"]


# --- offering delete racing with an application -----------------------------------------------


def test_an_application_racing_with_the_offering_delete_is_never_left_without_its_offering(
    staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netclub.store import reservations as store

    o = offering(staff, kind="counseling", capacities=(2,))
    slot = o["slots"][0]["id"]
    real_read = store.offering_partition
    raced: list[int] = []

    def read_after_an_application(offering_id: str) -> object:
        # the member's application arrives between the delete's first step and its read
        raced.append(member.post("/api/reservations", {"offering_id": offering_id, "preferences": [slot]}).status)
        return real_read(offering_id)

    monkeypatch.setattr(store, "offering_partition", read_after_an_application)
    deleted = staff.delete(f"/api/admin/offerings/{o['id']}")
    assert raced == [409]  # refused: the offering was already closing
    assert deleted.status == 200, deleted.body
    monkeypatch.setattr(store, "offering_partition", real_read)
    assert member.get("/api/reservations").body["items"] == []
    assert staff.get(f"/api/admin/offerings/{o['id']}").status == 404


def test_a_delete_refused_for_live_reservations_leaves_the_offering_open(staff: Portal, member: Portal) -> None:
    o = offering(staff, kind="counseling", capacities=(2,))
    slot = o["slots"][0]["id"]
    assert member.post("/api/reservations", {"offering_id": o["id"], "preferences": [slot]}).status == 201
    refused = staff.delete(f"/api/admin/offerings/{o['id']}")
    assert refused.status == 409 and refused.error["code"] == "has_reservations"
    mine = member.get("/api/reservations").body["items"][0]
    assert member.put(f"/api/reservations/{mine['id']}", {"note": "午後を希望します"}).status == 200  # still open to changes


def test_an_application_racing_with_a_slot_delete_never_keeps_the_deleted_slot(staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.store import reservations as store

    o = offering(staff, kind="counseling", capacities=(2, 2))
    doomed, kept = (s["id"] for s in o["slots"])
    real_read = store.holders
    raced: list[int] = []

    def read_after_an_application(offering_id: str, consistent: bool = False) -> object:
        raced.append(member.post("/api/reservations", {"offering_id": offering_id, "preferences": [doomed, kept]}).status)
        return real_read(offering_id, consistent=consistent)

    monkeypatch.setattr(store, "holders", read_after_an_application)
    deleted = staff.delete(f"/api/admin/offerings/{o['id']}/slots/{doomed}")
    monkeypatch.setattr(store, "holders", real_read)
    assert raced == [400] and deleted.status == 200, deleted.body  # 400: 選択された日程が見つかりません
    # the slot that is left can still be chosen
    assert member.post("/api/reservations", {"offering_id": o["id"], "preferences": [kept]}).status == 201
    assert [s["id"] for s in staff.get(f"/api/admin/offerings/{o['id']}").body["slots"]] == [kept]
