"""キャンセル待ち (issue 13): joining a full seminar slot's waiting list, promotion in the same transaction as
the event that frees a seat (cancel, change away, a larger capacity), first come first served, the mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import DEMO, Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import day, new_member, offering

PROMOTED = "キャンセル待ちの繰り上げのお知らせ"


def _slots(portal: Portal, offering_id: str) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in portal.get(f"/api/offerings/{offering_id}").body["slots"]}


def _apply(client: Portal, o: dict[str, Any], slot_id: str, waitlist: bool | None = None) -> Any:
    body: dict[str, Any] = {"offering_id": o["id"], "slot_id": slot_id}
    if waitlist is not None:
        body["waitlist"] = waitlist
    return client.post("/api/reservations", body)


def _members(env: Env, staff: Portal, n: int, tag: str) -> list[Portal]:
    return [new_member(env, staff, f"wait-{tag}-{i}@example.jp") for i in range(n)]


def _slot_body(slot: dict[str, Any], capacity: int) -> dict[str, Any]:
    return {k: slot[k] for k in ("date", "start_time", "end_time", "place")} | {"capacity": capacity}


def test_join_a_full_slot_positions_and_views(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(1, 2))
    a, b = (s["id"] for s in o["slots"])
    first, second, third = _members(env, staff, 3, "join")
    assert _apply(first, o, a).status == 201

    full = _apply(member, o, a)  # without waitlist: still 409 slot_full
    assert full.status == 409 and full.error["code"] == "slot_full"
    assert _apply(member, o, a, waitlist=False).error["code"] == "slot_full"

    joined = _apply(member, o, a, waitlist=True)
    assert joined.status == 201, joined.body
    assert joined.body["status"] == "waitlisted" and joined.body["waitlist_position"] == 1 and joined.body["slot"]["id"] == a
    assert joined.body["can_cancel"] and not joined.body["can_change"]
    mail = env.mails(DEMO[0])[0]
    assert "キャンセル待ち" in mail["subject"] and "経営セミナー" in mail["body"] and o["slots"][0]["place"] in mail["body"]
    behind = _apply(second, o, a, waitlist=True)
    assert behind.status == 201 and behind.body["waitlist_position"] == 2

    # the waiting reservation is the member's one live reservation of the offering
    again = _apply(member, o, b)
    assert again.status == 409 and again.error["code"] == "already_reserved"
    assert _apply(member, o, a, waitlist=True).error["code"] == "already_reserved"

    # waitlist on a slot with seats: simply confirmed
    seats = _apply(third, o, b, waitlist=True)
    assert seats.status == 201 and seats.body["status"] == "confirmed" and seats.body["waitlist_position"] is None

    slots = _slots(member, o["id"])
    assert (slots[a]["seats_left"], slots[a]["waitlist_count"]) == (0, 2)
    assert (slots[b]["seats_left"], slots[b]["waitlist_count"]) == (1, 0)
    listed = {r["id"]: r for r in second.get("/api/reservations").body["items"]}
    assert listed[behind.body["id"]]["status"] == "waitlisted" and listed[behind.body["id"]]["waitlist_position"] == 2
    detail = member.get(f"/api/reservations/{joined.body['id']}").body
    assert detail["status"] == "waitlisted" and detail["waitlist_position"] == 1
    staff_list = staff.get(f"/api/admin/offerings/{o['id']}/reservations").body["items"]
    assert sorted(r["status"] for r in staff_list) == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_waitlist_on_counselling_is_400_in_japanese(staff: Portal, member: Portal) -> None:
    o = offering(staff, kind="counseling", capacities=(1,))
    answer = member.post("/api/reservations", {"offering_id": o["id"], "preferences": [o["slots"][0]["id"]], "waitlist": True})
    assert answer.status == 400, answer.body
    assert "キャンセル待ち" in answer.field_messages()["waitlist"]
    assert member.get("/api/reservations").body["items"] == []
    for bad in ("yes", 1, None):
        assert member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"], "waitlist": bad}).status == 400


def test_a_cancel_promotes_the_head_in_the_same_step_and_mails_it(env: Env, staff: Portal, member: Portal) -> None:
    from netclub import clock

    o = offering(staff, capacities=(1,))
    (a,) = (s["id"] for s in o["slots"])
    holder, later = _members(env, staff, 2, "cancel")
    held = _apply(holder, o, a).body
    mine = _apply(member, o, a, waitlist=True).body
    theirs = _apply(later, o, a, waitlist=True).body

    assert holder.delete(f"/api/reservations/{held['id']}").status == 200
    promoted = member.get(f"/api/reservations/{mine['id']}").body
    assert promoted["status"] == "confirmed" and promoted["waitlist_position"] is None and promoted["can_change"]
    assert later.get(f"/api/reservations/{theirs['id']}").body["waitlist_position"] == 1
    slot = _slots(member, o["id"])[a]
    assert (slot["capacity"], slot["seats_left"], slot["waitlist_count"]) == (1, 0, 1)  # the seat never went on sale

    mail = env.mails(DEMO[0])[0]
    assert mail["subject"] == f"【ネットクラブ】{PROMOTED}"
    s = o["slots"][0]
    for text in (
        "経営セミナー",
        f"日程：{clock.date_text(s['date'])} {s['start_time']}〜{s['end_time']}",
        f"場所：{s['place']}",
        f"/reservations/{mine['id']}",
    ):
        assert text in mail["body"], (text, mail["body"])
    assert all(PROMOTED not in m["subject"] for m in env.mails("wait-cancel-1@example.jp"))

    # leaving the list: cancelled, one fewer waits; then a cancel with nobody waiting puts the seat on sale
    left = later.delete(f"/api/reservations/{theirs['id']}")
    assert left.status == 200 and left.body["status"] == "cancelled"
    assert member.delete(f"/api/reservations/{mine['id']}").status == 200
    slot = _slots(member, o["id"])[a]
    assert (slot["seats_left"], slot["waitlist_count"]) == (1, 0)
    assert _apply(holder, o, a).body["status"] == "confirmed"


def test_a_change_away_promotes_the_head_of_the_old_slot(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(1, 2))
    a, b = (s["id"] for s in o["slots"])
    (mover,) = _members(env, staff, 1, "change")
    moving = _apply(mover, o, a).body
    mine = _apply(member, o, a, waitlist=True).body
    moved = mover.put(f"/api/reservations/{moving['id']}", {"slot_id": b})
    assert moved.status == 200, moved.body
    slots = {s["id"]: s for s in [moved.body["slot"]]}
    assert slots[b]["seats_left"] == 1
    assert member.get(f"/api/reservations/{mine['id']}").body["status"] == "confirmed"
    now = _slots(member, o["id"])
    assert (now[a]["seats_left"], now[a]["waitlist_count"], now[b]["seats_left"]) == (0, 0, 1)
    assert PROMOTED in env.mails(DEMO[0])[0]["subject"]
    # a confirmed member cannot move into a slot whose list is not empty (nor a full one)
    (other,) = _members(env, staff, 1, "change-into")
    assert _apply(other, o, a, waitlist=True).body["status"] == "waitlisted"
    blocked = mover.put(f"/api/reservations/{moving['id']}", {"slot_id": a})
    assert blocked.status == 409 and blocked.error["code"] == "slot_full"


def test_a_capacity_raise_promotes_in_join_order_and_leavers_lose_their_turn(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(1,))
    s = o["slots"][0]
    holder, w1, w2, w3 = _members(env, staff, 4, "raise")
    _apply(holder, o, s["id"])
    waiting = [_apply(c, o, s["id"], waitlist=True).body for c in (w1, w2, w3)]
    gone = _apply(member, o, s["id"], waitlist=True).body
    assert [r["waitlist_position"] for r in [*waiting, gone]] == [1, 2, 3, 4]
    assert member.delete(f"/api/reservations/{gone['id']}").status == 200  # leaves: the others keep their order

    grown = staff.put(f"/api/admin/offerings/{o['id']}/slots/{s['id']}", _slot_body(s, 3))
    assert grown.status == 200, grown.body
    assert (grown.body["capacity"], grown.body["seats_left"], grown.body["waitlist_count"]) == (3, 0, 1)
    statuses = [c.get(f"/api/reservations/{r['id']}").body for c, r in zip((w1, w2, w3), waiting, strict=True)]
    assert [(r["status"], r["waitlist_position"]) for r in statuses] == [("confirmed", None), ("confirmed", None), ("waitlisted", 1)]
    assert PROMOTED in env.mails("wait-raise-1@example.jp")[0]["subject"] and PROMOTED in env.mails("wait-raise-2@example.jp")[0]["subject"]
    assert not any(PROMOTED in m["subject"] for m in env.mails("wait-raise-3@example.jp"))

    grown = staff.put(f"/api/admin/offerings/{o['id']}/slots/{s['id']}", _slot_body(s, 5))
    assert (grown.body["seats_left"], grown.body["waitlist_count"]) == (1, 0)
    assert w3.get(f"/api/reservations/{waiting[2]['id']}").body["status"] == "confirmed"
    assert _apply(member, o, s["id"]).body["status"] == "confirmed"  # the last free seat is on sale again
    # capacity never below the seats taken (now 5 confirmed)
    assert staff.put(f"/api/admin/offerings/{o['id']}/slots/{s['id']}", _slot_body(s, 4)).error["code"] == "capacity_below_taken"


def test_a_newcomer_never_takes_a_seat_while_someone_waits(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """A raise larger than one transaction can serve leaves seats and waiting members between its transactions:
    a newcomer arriving then is refused (or joins behind them), never seated."""
    from netclub.services import offerings as staff_service

    o = offering(staff, capacities=(1,))
    s = o["slots"][0]
    holder, w1, w2, newcomer = _members(env, staff, 4, "newcomer")
    _apply(holder, o, s["id"])
    waiting = [_apply(c, o, s["id"], waitlist=True).body for c in (w1, w2)]
    monkeypatch.setattr(staff_service, "PROMOTE_AT_ONCE", 1)
    real = staff_service.dynamo.transact
    seen: list[tuple[int, str]] = []

    def between_transactions(operations: Any, token: str | None = None) -> None:
        real(operations, token)
        if not seen:  # after the first transaction: 2 seats were added, 1 promoted, 1 seat free, 1 waiting
            slot = _slots(member, o["id"])[s["id"]]
            assert (slot["seats_left"], slot["waitlist_count"]) == (1, 1)
            refused = _apply(newcomer, o, s["id"])
            seen.append((refused.status, refused.error.get("code", "")))
            queued = _apply(member, o, s["id"], waitlist=True)
            seen.append((queued.status, queued.body.get("status", "")))

    monkeypatch.setattr(staff_service.dynamo, "transact", between_transactions)
    grown = staff.put(f"/api/admin/offerings/{o['id']}/slots/{s['id']}", _slot_body(s, 3))
    monkeypatch.setattr(staff_service.dynamo, "transact", real)
    assert seen == [(409, "slot_full"), (201, "waitlisted")]
    assert (grown.body["seats_left"], grown.body["waitlist_count"]) == (0, 1)
    assert [w.get(f"/api/reservations/{r['id']}").body["status"] for w, r in zip((w1, w2), waiting, strict=True)] == ["confirmed", "confirmed"]
    assert member.get("/api/reservations").body["items"][0]["waitlist_position"] == 1


def test_nobody_is_promoted_once_the_slot_has_started(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    o = offering(staff, capacities=(1,), apply_days=30, slot_days=1)
    s = o["slots"][0]
    (holder,) = _members(env, staff, 1, "started")
    _apply(holder, o, s["id"])
    mine = _apply(member, o, s["id"], waitlist=True).body
    started = dt.datetime.fromisoformat(f"{day(1)}T14:30:00+09:00")
    monkeypatch.setattr(clock, "now", lambda: started)
    assert staff.login("staff@netclub.example", "Staff#2026pass").status == 200
    assert member.login(*DEMO).status == 200
    grown = staff.put(f"/api/admin/offerings/{o['id']}/slots/{s['id']}", _slot_body(s, 2))
    assert grown.status == 200 and (grown.body["seats_left"], grown.body["waitlist_count"]) == (1, 1)  # the seat simply goes back
    detail = member.get(f"/api/reservations/{mine['id']}").body
    assert detail["status"] == "waitlisted" and not detail["can_cancel"]
    assert not any(PROMOTED in m["subject"] for m in env.mails(DEMO[0]))
    assert member.delete(f"/api/reservations/{mine['id']}").error["code"] == "deadline_passed"
    (late,) = _members(env, staff, 1, "started-late")
    assert _apply(late, o, s["id"], waitlist=True).error["code"] == "deadline_passed"


def test_a_head_that_left_between_the_read_and_the_commit_is_skipped(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cancel reads the head, the head leaves before the cancel commits: the cancel runs again and the next one is promoted."""
    from netclub.store import reservations as store

    o = offering(staff, capacities=(1,))
    a = o["slots"][0]["id"]
    holder, first = _members(env, staff, 2, "race")
    held = _apply(holder, o, a).body
    leaving = _apply(first, o, a, waitlist=True).body
    mine = _apply(member, o, a, waitlist=True).body
    real = store.waiting_heads
    raced: list[int] = []

    def head_then_leave(offering_id: str, slot_id: str, limit: int) -> Any:
        heads = real(offering_id, slot_id, limit)
        if not raced:
            raced.append(first.delete(f"/api/reservations/{leaving['id']}").status)
        return heads

    monkeypatch.setattr(store, "waiting_heads", head_then_leave)
    assert holder.delete(f"/api/reservations/{held['id']}").status == 200
    monkeypatch.setattr(store, "waiting_heads", real)
    assert raced == [200]
    assert member.get(f"/api/reservations/{mine['id']}").body["status"] == "confirmed"
    assert first.get(f"/api/reservations/{leaving['id']}").body["status"] == "cancelled"
    slot = _slots(member, o["id"])[a]
    assert (slot["seats_left"], slot["waitlist_count"]) == (0, 0)


def test_dynamodb_calls_of_join_and_cancel_with_promotion(env: Env, staff: Portal, member: Portal, capsys: pytest.CaptureFixture[str]) -> None:
    o = offering(staff, capacities=(1, 3))
    a, b = (s["id"] for s in o["slots"])
    (holder,) = _members(env, staff, 1, "calls")
    held = _apply(holder, o, a).body
    with dynamodb_calls() as joining:
        joined = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a, "waitlist": True}, headers={"Idempotency-Key": "join-1"})
    assert joined.status == 201 and joined.body["status"] == "waitlisted"
    with dynamodb_calls() as cancelling:
        assert holder.delete(f"/api/reservations/{held['id']}").status == 200
    with dynamodb_calls() as listing:
        assert member.get("/api/reservations").body["items"][0]["status"] == "confirmed"
    again = _apply(holder, o, a, waitlist=True).body
    with dynamodb_calls() as moving:
        assert member.put(f"/api/reservations/{joined.body['id']}", {"slot_id": b}).status == 200
    assert holder.get(f"/api/reservations/{again['id']}").body["status"] == "confirmed"
    with capsys.disabled():
        print(
            f"\nDynamoDB calls per request: join {sum(joining.values())} {dict(joining)}; cancel with promotion "
            f"{sum(cancelling.values())} {dict(cancelling)}; change away with promotion {sum(moving.values())} {dict(moving)}"
        )
    # join (with an Idempotency-Key): authorizer (session + member, one BatchGetItem) + offering Query + the
    # transaction (with the key's record and the mail in the outbox); its position comes from the slot read, no extra
    # Query; then the mail out of the outbox once SES took it
    assert joining == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1, "DeleteItem": 1}, joining
    # cancel: authorizer + reservation + head Query + promoted member + transaction (both mails in the outbox) + each
    # mail out of the outbox once SES took it
    assert cancelling == {"BatchGetItem": 1, "GetItem": 2, "Query": 1, "TransactWriteItems": 1, "DeleteItem": 2}, cancelling
    assert listing["Scan"] == 0
    # change away: authorizer + reservation + offering Query + head Query + promoted member + transaction + two mails sent
    assert moving == {"BatchGetItem": 1, "GetItem": 2, "Query": 2, "TransactWriteItems": 1, "DeleteItem": 2}, moving


def test_a_promoted_reservation_moved_to_another_slot_leaves_its_queue_number_behind(env: Env, staff: Portal, member: Portal) -> None:
    """Its waitlist_seq was a place in the old slot's queue: kept, it would read as a place in the new one."""
    from netclub.store import dynamo
    from netclub.store.reservations import reservation_key

    o = offering(staff, capacities=(1, 2))
    a, b = (s["id"] for s in o["slots"])
    (holder,) = _members(env, staff, 1, "moved-promoted")
    held = _apply(holder, o, a).body
    mine = _apply(member, o, a, waitlist=True).body
    assert holder.delete(f"/api/reservations/{held['id']}").status == 200  # mine is promoted on a
    promoted = dynamo.get(*reservation_key(mine["id"]))
    assert promoted and promoted["status"] == "confirmed" and promoted.get("promoted_at") and int(promoted["waitlist_seq"]) == 1
    moved = member.put(f"/api/reservations/{mine['id']}", {"slot_id": b})
    assert moved.status == 200, moved.body
    stored = dynamo.get(*reservation_key(mine["id"]))
    assert stored and stored["slot_id"] == b and stored["promoted_at"] == promoted["promoted_at"]
    assert "waitlist_seq" not in stored
    assert member.get(f"/api/reservations/{mine['id']}").body["waitlist_position"] is None
