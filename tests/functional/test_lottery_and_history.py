"""Counselling lottery, attendance and 利用履歴 through the HTTP API."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DEMO, STAFF, Env, Portal
from tests.functional.queues import draw
from tests.functional.reservation_helpers import new_member, offering


def _after_deadline(monkeypatch: pytest.MonkeyPatch, *clients: tuple[Portal, tuple[str, str]]) -> None:
    from netclub import clock

    later = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    for client, login in clients:
        assert client.login(*login).status == 200


def test_lottery_assigns_within_capacity_mails_everyone_and_is_reproducible(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    o = offering(staff, kind="counseling", capacities=(1, 1), apply_days=1, slot_days=5)
    a, b = (s["id"] for s in o["slots"])
    others = [new_member(env, staff, f"applicant{n}@example.jp") for n in range(3)]
    reservations = [member.post("/api/reservations", {"offering_id": o["id"], "preferences": [a, b]}).body]
    reservations += [c.post("/api/reservations", {"offering_id": o["id"], "preferences": [a]}).body for c in others]
    assert staff.post(f"/api/admin/offerings/{o['id']}/lottery", {}).error["code"] == "before_deadline"
    _after_deadline(monkeypatch, (staff, STAFF), (member, DEMO))
    drawn = draw(env, staff, o["id"], {"seed": 42})
    assert drawn["seed"] == 42 and drawn["applicants"] == 4 and drawn["winners"] == 2 and drawn["drawn_at"]
    results = {r["reservation_id"]: r for r in drawn["results"]}
    assert set(results) == {r["id"] for r in reservations}
    winners = [r for r in results.values() if r["status"] == "won"]
    assert sorted(r["slot_id"] for r in winners) == [a, b]  # a to someone; b only the demo member wanted
    assert results[reservations[0]["id"]]["status"] == "won"
    seats = {s["id"]: s["seats_left"] for s in staff.get(f"/api/admin/offerings/{o['id']}").body["slots"]}
    assert seats == {a: 0, b: 0}
    mine = member.get(f"/api/reservations/{reservations[0]['id']}").body
    assert mine["status"] == "won" and mine["slot"]["id"] in (a, b)
    assert "抽選結果" in env.mails(DEMO[0])[0]["subject"]
    for n in range(3):
        assert "抽選結果" in env.mails(f"applicant{n}@example.jp")[0]["subject"]
    again = staff.post(f"/api/admin/offerings/{o['id']}/lottery", {"seed": 42})
    assert again.status == 409 and again.error["code"] == "lottery_done"
    assert member.delete(f"/api/reservations/{reservations[0]['id']}").status == 409
    log = staff.get("/api/admin/audit-log?limit=200").body["items"]
    assert any(e["action"] == "offering.lottery" and e["detail"]["seed"] == 42 for e in log)
    # the same seed over the same applicants gives the same result (pure function, reproducible)
    from netclub.services.lottery import assign

    applicants = [(r["id"], r["preferences"]) for r in reservations]
    assert assign(applicants, {a: 1, b: 1}, 42) == {k: v["slot_id"] for k, v in results.items()}


def test_lottery_refuses_seminars_and_unknown_offerings_and_bad_seeds(staff: Portal) -> None:
    seminar = offering(staff)
    assert staff.post(f"/api/admin/offerings/{seminar['id']}/lottery", {}).error["code"] == "not_counseling"
    assert staff.post("/api/admin/offerings/nope/lottery", {}).status == 404
    assert staff.get("/api/admin/offerings/nope/lottery").status == 404
    assert staff.get(f"/api/admin/offerings/{seminar['id']}/lottery").error["code"] == "not_counseling"
    assert staff.post(f"/api/admin/offerings/{seminar['id']}/lottery", {"seed": -1}).status == 400
    assert staff.post(f"/api/admin/offerings/{seminar['id']}/lottery", {"seed": "abc"}).status == 400


def test_attendance_feeds_usage_history(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff)
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}).body
    assert member.get("/api/usage-history").body["items"] == []
    marked = staff.post(f"/api/admin/reservations/{res['id']}/attendance")
    assert marked.status == 200 and marked.body["status"] == "attended"
    assert staff.post(f"/api/admin/reservations/{res['id']}/attendance").error["code"] == "not_attendable"
    assert staff.post("/api/admin/reservations/nope/attendance").status == 404
    history = member.get("/api/usage-history")
    assert history.status == 200
    assert history.body["items"] == [{"type": "seminar", "title": "経営セミナー", "date": o["slots"][0]["date"], "status": "attended", "ref_id": res["id"]}]
    assert history.body["next_cursor"] is None
    assert member.get(f"/api/reservations/{res['id']}").body["status"] == "attended"
    assert any(e["action"] == "reservation.attended" for e in staff.get("/api/admin/audit-log").body["items"])


def test_usage_history_is_newest_first_and_paged(env: Env, staff: Portal, member: Portal) -> None:
    ids = []
    for _ in range(22):
        o = offering(staff, capacities=(5,))
        res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}).body
        staff.post(f"/api/admin/reservations/{res['id']}/attendance")
        ids.append(res["id"])
    first = member.get("/api/usage-history").body
    assert len(first["items"]) == 20 and first["next_cursor"]
    rest = member.get(f"/api/usage-history?cursor={first['next_cursor']}").body
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    seen = [i["ref_id"] for i in first["items"] + rest["items"]]
    assert sorted(seen) == sorted(ids)
    assert member.get("/api/usage-history?cursor=garbage!").status == 400


def test_usage_history_is_403_until_active(env: Env, staff: Portal) -> None:
    visitor = env.new_client()
    email = "pending@example.jp"
    visitor.post("/api/registrations", {"email": email, "email_confirm": email})
    token = env.link_token(email, "/register/confirm")
    profile = {"corporate_type": "founder", "company_name": "創業花子", "user": {"name": "創業花子"}}
    assert (
        visitor.post(
            "/api/registrations/confirm", {"token": token, "password": "Member#2026pass", "password_confirm": "Member#2026pass", "profile": profile}
        ).status
        == 201
    )
    pending = env.new_client()
    assert pending.login(email, "Member#2026pass").status == 200
    answer = pending.get("/api/usage-history")
    assert answer.status == 403 and answer.error["code"] == "forbidden"


# --- the draw in the background (LotteryWorkerFunction): any number of applicants -----------------------


def _applied(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch, others: int) -> dict[str, object]:
    o = offering(staff, kind="counseling", capacities=(1, 1), apply_days=1, slot_days=5)
    a = o["slots"][0]["id"]
    assert member.post("/api/reservations", {"offering_id": o["id"], "preferences": [a]}).status == 201
    for n in range(others):
        assert new_member(env, staff, f"many{n}@example.jp").post("/api/reservations", {"offering_id": o["id"], "preferences": [a]}).status == 201
    _after_deadline(monkeypatch, (staff, STAFF), (member, DEMO))
    return o


def test_the_request_only_begins_the_draw_and_the_state_tells_how_far_it_is(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.functional.queues import poller

    o = _applied(env, staff, member, monkeypatch, others=2)
    before = staff.get(f"/api/admin/offerings/{o['id']}/lottery").body
    assert before["status"] == "none" and before["applicants"] == 3 and before["results"] == [] and before["seed"] is None
    begun = staff.post(f"/api/admin/offerings/{o['id']}/lottery", {"seed": 5})
    assert begun.status == 202 and begun.body["seed"] == 5 and begun.body["status"] == "drawing", begun.body
    assert env.mails(DEMO[0]) == [] or all("抽選結果" not in m["subject"] for m in env.mails(DEMO[0]))  # nobody mailed yet
    assert staff.get(f"/api/admin/offerings/{o['id']}/lottery").body["status"] == "drawing"
    assert staff.post(f"/api/admin/offerings/{o['id']}/lottery", {"seed": 99}).status == 202  # asked again while drawing: same draw
    queue = poller(env, "LotteryMapping")
    assert queue.poll() == 2  # the second message finds it drawn: nothing twice
    state = staff.get(f"/api/admin/offerings/{o['id']}/lottery").body
    assert state["status"] == "drawn" and state["seed"] == 5 and state["winners"] == 1 and len(state["results"]) == 3
    assert sum(1 for m in env.mails(DEMO[0]) if "抽選結果" in m["subject"]) == 1
    log = [e for e in staff.get("/api/admin/audit-log?limit=200").body["items"] if e["action"] == "offering.lottery"]
    assert len(log) == 1 and log[0]["detail"] == {"seed": 5, "applicants": 3, "winners": 1}


def test_a_draw_short_of_time_continues_in_a_new_message(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import lottery

    from tests.functional.queues import poller

    o = _applied(env, staff, member, monkeypatch, others=3)
    monkeypatch.setattr(lottery, "READ_BATCH", 2)
    left = iter([10.0])  # the worker's first message runs out of time after its first batch (2 applicants)
    real = lottery.handle
    monkeypatch.setattr(lottery, "handle", lambda message, time_left: real(message, lambda: next(left, 100.0)))
    assert staff.post(f"/api/admin/offerings/{o['id']}/lottery", {"seed": 3}).status == 202
    queue = poller(env, "LotteryMapping")
    assert queue.poll() == 2  # its own message, then the one it handed the rest to
    state = staff.get(f"/api/admin/offerings/{o['id']}/lottery").body
    assert state["status"] == "drawn" and len(state["results"]) == 4 and state["winners"] == 1
    mailed = [f"many{n}@example.jp" for n in range(3)] + [DEMO[0]]
    assert all(sum(1 for m in env.mails(to) if "抽選結果" in m["subject"]) == 1 for to in mailed)


def test_ses_refusing_leaves_each_result_with_its_mail_in_the_outbox(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.mail import sender
    from netclub.store import outbox

    from tests.functional.queues import draw

    o = _applied(env, staff, member, monkeypatch, others=1)

    def refused(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SES is out")

    monkeypatch.setattr(sender, "deliver", refused)
    state = draw(env, staff, o["id"], {"seed": 1})
    assert state["status"] == "drawn" and len(state["results"]) == 2
    kept = [m for m in outbox.pending() if m["template"] in ("lottery_won", "lottery_lost")]
    # the first was tried and refused; after that the worker does not ask SES again: the other waits untried
    assert sorted(int(m["attempts"]) for m in kept) == [0, 1]  # mail_retry sends them


def test_a_worker_that_stopped_is_resumed_by_asking_again_with_the_recorded_seed(
    env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netclub.services import lottery

    from tests.functional.queues import draw, poller

    o = _applied(env, staff, member, monkeypatch, others=2)
    real = lottery.store.draw_result
    calls = []

    def dies_on_the_second(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker stopped")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lottery.store, "draw_result", dies_on_the_second)
    assert staff.post(f"/api/admin/offerings/{o['id']}/lottery", {"seed": 11}).status == 202
    queue = poller(env, "LotteryMapping")
    assert queue.poll() == 0 and queue.failed == 1  # reported: SQS delivers it again later, then the DLQ
    assert staff.get(f"/api/admin/offerings/{o['id']}/lottery").body["status"] == "drawing"
    monkeypatch.setattr(lottery.store, "draw_result", real)
    queue.redeliver_now()
    assert queue.poll() == 1
    state = staff.get(f"/api/admin/offerings/{o['id']}/lottery").body
    assert state["status"] == "drawn" and state["seed"] == 11 and len(state["results"]) == 3
    assert sum(1 for m in env.mails(DEMO[0]) if "抽選結果" in m["subject"]) == 1  # the one drawn before: not mailed twice
    again = staff.post(f"/api/admin/offerings/{o['id']}/lottery", {})
    assert again.status == 409 and again.error["code"] == "lottery_done"
    del draw
