"""Reservation ids that name their offering and slot (store.new_reservation_id, issue 14): the detail and its
.ics read the reservation with that slot in one BatchGetItem, and the id reaches nothing but the caller's own
reservation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import new_member, offering


def _calls(client: Portal, path: str) -> tuple[Any, int]:
    with dynamodb_calls() as calls:
        answer = client.get(path)
    return answer, sum(calls.values())


def _text(ics: bytes) -> str:
    return ics.decode("utf-8").replace("\r\n ", "")  # unfolded (RFC 5545 3.1)


def _reserve(member: Portal, o: dict[str, Any], n: int = 0) -> dict[str, Any]:
    made = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][n]["id"]})
    assert made.status == 201, made.body
    return dict(made.body)


def test_a_new_id_names_its_offering_and_slot_and_the_detail_is_one_read(staff: Portal, member: Portal) -> None:
    from netclub.store import reservations as store

    o = offering(staff)
    res = _reserve(member, o)
    assert len(res["id"]) == 64
    assert store.reservation_id_parts(res["id"]) == (o["id"], o["slots"][0]["id"])
    answer, calls = _calls(member, f"/api/reservations/{res['id']}")
    assert (answer.status, calls) == (200, 2)  # the authorizer's BatchGetItem, and this one
    assert answer.body == {**res, "slot": answer.body["slot"]}
    assert answer.body["slot"]["seats_left"] == o["slots"][0]["capacity"] - 1  # the live slot
    ics, calls = _calls(member, f"/api/reservations/{res['id']}/calendar.ics")
    assert (ics.status, calls) == (200, 2)
    assert "秋葉原庁舎 第1会議室" in _text(ics.raw)


def test_a_moved_reservation_reads_its_new_slot(staff: Portal, member: Portal) -> None:
    o = offering(staff)
    res = _reserve(member, o)
    moved = member.put(f"/api/reservations/{res['id']}", {"slot_id": o["slots"][1]["id"]})
    assert moved.status == 200, moved.body
    answer, calls = _calls(member, f"/api/reservations/{res['id']}")
    assert answer.status == 200 and calls == 3  # the slot the id names is not its slot now: the offering read as before
    assert answer.body["slot"]["id"] == o["slots"][1]["id"] and answer.body["slot"]["seats_left"] == o["slots"][1]["capacity"] - 1
    assert answer.body == moved.body
    ics, _ = _calls(member, f"/api/reservations/{res['id']}/calendar.ics")
    assert ics.status == 200 and "秋葉原庁舎 第2会議室" in _text(ics.raw)


def test_ids_of_the_plain_form_still_work(staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import ids
    from netclub.store import reservations as store

    o = offering(staff)
    monkeypatch.setattr(store, "new_reservation_id", lambda offering_id, slot_id: ids.new_id())  # as made before
    res = _reserve(member, o)
    assert len(res["id"]) == 36 and store.reservation_id_parts(res["id"]) is None
    answer, calls = _calls(member, f"/api/reservations/{res['id']}")
    assert (answer.status, calls) == (200, 3)
    assert answer.body["slot"]["id"] == o["slots"][0]["id"]
    ics, calls = _calls(member, f"/api/reservations/{res['id']}/calendar.ics")
    assert (ics.status, calls) == (200, 3)


def test_another_members_id_and_altered_ids_reach_nothing(env: Env, staff: Portal, member: Portal) -> None:
    import base64

    from netclub.store import reservations as store

    o, elsewhere = offering(staff), offering(staff)
    res = _reserve(member, o)
    other = new_member(env, staff, "nosy2@example.jp")
    for path in (f"/api/reservations/{res['id']}", f"/api/reservations/{res['id']}/calendar.ics"):
        answer = other.get(path)
        assert answer.status == 404 and answer.error["code"] == "not_found"
    # the same reservation's random part with another offering's slot: another key, no reservation
    raw = base64.urlsafe_b64decode(res["id"].encode().translate(store._FROM_SORTED))
    swapped = raw[:6] + bytes.fromhex(elsewhere["id"] + elsewhere["slots"][0]["id"]) + raw[42:]
    forged = base64.urlsafe_b64encode(swapped).translate(store._TO_SORTED).decode()
    assert store.reservation_id_parts(forged) == (elsewhere["id"], elsewhere["slots"][0]["id"])
    for client in (member, other):
        assert client.get(f"/api/reservations/{forged}").status == 404
        assert client.get(f"/api/reservations/{forged}/calendar.ics").status == 404
    assert member.get("/api/reservations/" + "A" * 64).status == 404


def test_new_ids_sort_by_creation_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists order reservations made in the same second by id, and the calendar feed orders by id: a newer id
    sorts after an older one whatever offering and slot it names."""
    import datetime as dt

    from netclub import clock
    from netclub.store import reservations as store

    start = clock.now()
    made = []
    for step, (offering_id, slot_id) in enumerate([("f" * 36, "f" * 36), ("0" * 36, "0" * 36), ("8" * 36, "1" * 36)] * 3):
        monkeypatch.setattr(clock, "now", lambda step=step: start + dt.timedelta(milliseconds=step))
        made.append(store.new_reservation_id(offering_id, slot_id))
    assert sorted(made) == made
    assert [store.reservation_id_parts(i) for i in made[:3]] == [("f" * 36, "f" * 36), ("0" * 36, "0" * 36), ("8" * 36, "1" * 36)]


def test_counselling_and_waitlisted_details(env: Env, staff: Portal, member: Portal) -> None:
    c = offering(staff, kind="counseling", capacities=(1, 1))
    made = member.post("/api/reservations", {"offering_id": c["id"], "preferences": [s["id"] for s in c["slots"]]})
    assert made.status == 201, made.body
    answer, calls = _calls(member, f"/api/reservations/{made.body['id']}")
    assert (answer.status, calls) == (200, 3)  # two preferred slots: the offering with its slots, as before
    assert [s["id"] for s in answer.body["preference_slots"]] == [s["id"] for s in c["slots"]]
    s = offering(staff, capacities=(1,))
    _reserve(member, s)
    other = new_member(env, staff, "waiter@example.jp")
    waiting = other.post("/api/reservations", {"offering_id": s["id"], "slot_id": s["slots"][0]["id"], "waitlist": True})
    assert waiting.status == 201, waiting.body
    answer, calls = _calls(other, f"/api/reservations/{waiting.body['id']}")
    assert (answer.status, calls) == (200, 3)  # + its place in the list (a Query, COUNT)
    assert answer.body["status"] == "waitlisted" and answer.body["waitlist_position"] == 1
