"""Seats under concurrency, through the running local stack (real HTTP, threads, moto server).

- 30 members booking a 5-seat slot at once: exactly 5 confirmed, seats_left 0, every other answer 409 slot_full.
- a storm of concurrent changes, cancels and re-applications: seats_left == capacity − live reservations, per slot.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.conftest import register_member
from tests.stackutil import Browserish, LocalStack

pytestmark = pytest.mark.e2e

PASSWORD = "Storm#2026pass"


def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


def _member(stack: LocalStack, staff: Browserish, email: str) -> Browserish:
    """Registration → confirmation → staff approval → login, all over HTTP."""
    register_member(stack, staff, email, PASSWORD, "並行テスト", "並行太郎")
    client = stack.client()
    assert client.login(email, PASSWORD).status == 200
    return client


@pytest.fixture(scope="module")
def members(local_stack: LocalStack, staff: Browserish) -> list[Browserish]:
    run = uuid.uuid4().hex[:6]
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda n: _member(local_stack, staff, f"storm-{run}-{n:02d}@example.jp"), range(30)))


def _offering(staff: Browserish, capacities: list[int]) -> tuple[str, list[str]]:
    created = staff.post("/api/admin/offerings", {"kind": "seminar", "title": "並行予約テスト", "description": "", "apply_until": f"{_day(10)}T17:00"})
    assert created.status == 201, created.body
    slot_ids = []
    for n, capacity in enumerate(capacities):
        slot = staff.post(
            f"/api/admin/offerings/{created.body['id']}/slots",
            {"date": _day(20 + n), "start_time": "10:00", "end_time": "12:00", "place": "秋葉原庁舎", "capacity": capacity},
        )
        assert slot.status == 201, slot.body
        slot_ids.append(slot.body["id"])
    return created.body["id"], slot_ids


def _all_at_once(clients: list[Browserish], action: Any) -> list[Any]:
    barrier = threading.Barrier(len(clients))

    def go(pair: tuple[int, Browserish]) -> Any:
        barrier.wait()
        return action(*pair)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(go, enumerate(clients)))


def test_thirty_members_race_for_five_seats(staff: Browserish, members: list[Browserish]) -> None:
    offering_id, (slot_id,) = _offering(staff, [5])
    answers = _all_at_once(members, lambda _, c: c.post("/api/reservations", {"offering_id": offering_id, "slot_id": slot_id}))
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: 5, 409: 25}, statuses
    assert {a.body["error"]["code"] for a in answers if a.status == 409} == {"slot_full"}
    assert all(a.body["status"] == "confirmed" for a in answers if a.status == 201)
    slots = members[0].get(f"/api/offerings/{offering_id}").body["slots"]
    assert slots[0]["seats_left"] == 0
    live = staff.get(f"/api/admin/offerings/{offering_id}/reservations").body["items"]
    assert len(live) == 5


def test_change_and_cancel_storm_keeps_seats_exact(staff: Browserish, members: list[Browserish]) -> None:
    capacities = [4, 4, 4]
    offering_id, slot_ids = _offering(staff, capacities)
    rng = random.Random(7)
    held: dict[int, str | None] = {}

    def first_booking(n: int, client: Browserish) -> None:
        answer = client.post("/api/reservations", {"offering_id": offering_id, "slot_id": slot_ids[n % 3]})
        held[n] = answer.body["id"] if answer.status == 201 else None

    _all_at_once(members, first_booking)
    plans = {n: [rng.choice(["change", "cancel", "apply", "change"]) for _ in range(4)] for n in range(len(members))}
    targets = {n: [rng.choice(slot_ids) for _ in range(4)] for n in range(len(members))}

    def storm(n: int, client: Browserish) -> None:
        for step, slot_id in zip(plans[n], targets[n], strict=True):
            reservation_id = held.get(n)
            if step == "change" and reservation_id:
                answer = client.put(f"/api/reservations/{reservation_id}", {"slot_id": slot_id})
                assert answer.status in (200, 409), answer.body
            elif step == "cancel" and reservation_id:
                answer = client.delete(f"/api/reservations/{reservation_id}")
                assert answer.status in (200, 409), answer.body
                if answer.status == 200:
                    held[n] = None
            elif step == "apply" and not reservation_id:
                answer = client.post("/api/reservations", {"offering_id": offering_id, "slot_id": slot_id})
                assert answer.status in (201, 409), answer.body
                if answer.status == 201:
                    held[n] = answer.body["id"]

    _all_at_once(members, storm)
    seats = {s["id"]: s["seats_left"] for s in staff.get(f"/api/admin/offerings/{offering_id}").body["slots"]}
    live = [r for r in staff.get(f"/api/admin/offerings/{offering_id}/reservations").body["items"] if r["status"] == "confirmed"]
    per_slot = Counter(r["slot_id"] for r in live)
    for slot_id, capacity in zip(slot_ids, capacities, strict=True):
        assert seats[slot_id] == capacity - per_slot[slot_id], (seats, per_slot)
        assert seats[slot_id] >= 0
    # each member's own view agrees with the staff view
    mine = Counter()
    for client in members:
        for r in client.get("/api/reservations").body["items"]:
            if r["offering_id"] == offering_id and r["status"] == "confirmed":
                mine[r["slot"]["id"]] += 1
    assert mine == per_slot


def test_waitlist_storm_over_http(local_stack: LocalStack, staff: Browserish, members: list[Browserish]) -> None:
    """キャンセル待ち through the running stack: 12 members at once on a 3-seat slot (3 confirmed, 9 waiting
    in strict positions 1..9); then at once 3 cancel and try to book again at once (slot_full: others wait),
    2 leave the list, and staff raise the capacity to 4. At the end: capacity = confirmed + seats_left,
    no seat free while someone waits, the promoted are exactly the earliest waiting who stayed, one mail each."""
    offering_id, (slot_id,) = _offering(staff, [3])
    body = {"offering_id": offering_id, "slot_id": slot_id, "waitlist": True}
    busy = Counter[str]()

    def join(n: int, client: Browserish) -> Any:
        for _ in range(10):  # 409 busy: the list changed under too many at once; the member clicks again
            answer = client.post("/api/reservations", body)
            if not (answer.status == 409 and answer.body["error"]["code"] == "busy"):
                return answer
            busy["busy"] += 1
        return answer

    answers = _all_at_once(members[:12], join)
    assert Counter(a.status for a in answers) == {201: 12}, Counter(a.status for a in answers)
    print(f"\n12 joins at once on a full slot: {busy['busy']} answers 409 busy (asked again)")
    confirmed = [n for n, a in enumerate(answers) if a.body["status"] == "confirmed"]
    waiting = sorted((a.body["waitlist_position"], n) for n, a in enumerate(answers) if a.body["status"] == "waitlisted")
    assert len(confirmed) == 3 and [p for p, _ in waiting] == list(range(1, 10))

    leavers = {n for _, n in waiting[1:5:3]}  # two from the middle of the list leave
    cancellers = set(confirmed)
    slot = staff.get(f"/api/admin/offerings/{offering_id}").body["slots"][0]
    grown = {k: slot[k] for k in ("date", "start_time", "end_time", "place")} | {"capacity": 4}

    def storm(n: int, client: Browserish) -> Any:
        gone = client.delete(f"/api/reservations/{answers[n].body['id']}")
        if n in cancellers:  # at once a newcomer: a seat freed a moment ago is never theirs while others wait
            again = client.post("/api/reservations", {"offering_id": offering_id, "slot_id": slot_id})
            assert again.status == 409 and again.body["error"]["code"] == "slot_full", again.body
        return gone

    ids = sorted(cancellers | leavers)
    results = _all_at_once(
        [*(members[n] for n in ids), staff],
        lambda i, c: storm(ids[i], c) if i < len(ids) else c.put(f"/api/admin/offerings/{offering_id}/slots/{slot_id}", grown),
    )
    assert all(r.status == 200 for r in results), [(r.status, r.body) for r in results]

    final = staff.get(f"/api/admin/offerings/{offering_id}").body["slots"][0]
    statuses = {n: members[n].get(f"/api/reservations/{answers[n].body['id']}").body for n in range(12) if n not in cancellers | leavers}
    now_confirmed = sorted(n for n, r in statuses.items() if r["status"] == "confirmed")
    still_waiting = sorted((r["waitlist_position"], n) for n, r in statuses.items() if r["status"] == "waitlisted")
    assert final["capacity"] == 4 and final["capacity"] == len(now_confirmed) + final["seats_left"]
    assert final["seats_left"] == 0 and final["waitlist_count"] == len(still_waiting) == 9 - 2 - 4
    stayed_in_order = [n for _, n in waiting if n not in leavers]
    assert now_confirmed == sorted(stayed_in_order[:4])  # first come, first served
    assert [p for p, _ in still_waiting] == list(range(1, len(still_waiting) + 1))
    assert [n for _, n in still_waiting] == stayed_in_order[4:]
    for n in now_confirmed:
        email = members[n].get("/api/me").body["email"]
        assert len([m for m in local_stack.mails(email) if "繰り上げ" in m["subject"]]) == 1
