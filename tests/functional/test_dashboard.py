"""The staff dashboard (issue 13): exact counts of what waits for staff and the next 14 days' slots,
from a handful of Queries (no Scan: the functional stack refuses one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import DEMO, STAFF, Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import PASSWORD, day, new_member


def _register_pending(env: Env, email: str) -> None:
    visitor = env.new_client()
    assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    token = env.link_token(email, "/register/confirm")
    profile = {"corporate_type": "founder", "company_name": "創業花子", "user": {"name": "創業花子"}}
    body = {"token": token, "password": PASSWORD, "password_confirm": PASSWORD, "profile": profile}
    assert visitor.post("/api/registrations/confirm", body).status == 201


def _seminar(staff: Portal, title: str, slots: list[tuple[str, int]]) -> dict[str, Any]:
    created = staff.post("/api/admin/offerings", {"kind": "seminar", "title": title, "description": "説明", "apply_until": f"{day(20)}T17:00"})
    assert created.status == 201, created.body
    made = []
    for n, (date, capacity) in enumerate(slots):
        body = {"date": date, "start_time": "14:00", "end_time": "16:00", "place": f"秋葉原庁舎 第{n + 1}会議室", "capacity": capacity}
        slot = staff.post(f"/api/admin/offerings/{created.body['id']}/slots", body)
        assert slot.status == 201, slot.body
        made.append(slot.body)
    return {**created.body, "slots": made}


def _dashboard(staff: Portal) -> dict[str, Any]:
    answer = staff.get("/api/admin/dashboard")
    assert answer.status == 200, answer.body
    return dict(answer.body)


def _counts(board: dict[str, Any]) -> tuple[int, int, int]:
    return board["pending_registrations"], board["open_inquiries"], board["mail_outbox"]


def test_counts_are_exact_and_follow_the_changes(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError
    from netclub.mail import sender

    base = _counts(_dashboard(staff))
    assert base == (0, 0, 0)
    for n in range(3):
        _register_pending(env, f"pending-{n}@example.jp")
    assert _counts(_dashboard(staff)) == (3, 0, 0)

    kind = staff.post("/api/admin/inquiry-kinds", {"name": "経営相談", "description": "説明"}).body["id"]
    asked = [member.post("/api/inquiries", {"kind_id": kind, "content": f"相談 {n}"}) for n in range(2)]
    assert all(a.status == 201 for a in asked)
    assert _counts(_dashboard(staff)) == (3, 2, 0)

    # approving one member and answering one inquiry lower the counts at once
    pending = staff.get("/api/admin/members?status=pending_review").body["items"]
    assert staff.post(f"/api/admin/members/{pending[0]['member_id']}/approve").status == 200
    replied = staff.post(f"/api/admin/inquiries/{asked[0].body['id']}/reply", {"body": "回答です。"})
    assert replied.status in (200, 201), replied.body
    assert _counts(_dashboard(staff)) == (2, 1, 0)

    def broken(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "x"}}, "SendEmail")

    monkeypatch.setattr(sender, "deliver", broken)
    for _ in range(2):
        assert env.new_client().post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
    assert _counts(_dashboard(staff)) == (2, 1, 2)
    assert len(staff.get("/api/admin/mail-outbox").body["items"]) == 2

    assert member.get("/api/admin/dashboard").status == 403
    assert env.new_client().get("/api/admin/dashboard").status in (401, 403)


def test_counts_page_through_more_than_one_answer(env: Env, staff: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """Select COUNT is paged by DynamoDB (1 MB a page): every page is counted, the number stays exact."""
    from netclub.store import outbox

    for n in range(30):
        outbox.put({"id": f"m{n:03d}", "created_at": f"2026-01-01T00:00:{n:02d}+09:00", "to": "x@example.jp", "subject": "s", "body": "b", "attempts": 1})
    from netclub.aws import client

    real = client("dynamodb").query
    pages: list[int] = []

    def small_pages(**kwargs: Any) -> Any:
        if kwargs.get("Select") == "COUNT":
            kwargs["Limit"] = 7
            pages.append(1)
        return real(**kwargs)

    monkeypatch.setattr(client("dynamodb"), "query", small_pages)
    assert _dashboard(staff)["mail_outbox"] == 30
    assert len(pages) >= 5  # 30 in pages of 7 for the outbox, plus the two other counts


def test_upcoming_lists_the_next_14_days_with_seats_and_waiting(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    o = _seminar(staff, "販路開拓セミナー", [(day(1), 1), (day(13), 3), (day(14), 2)])
    tomorrow, last, day15 = (s["id"] for s in o["slots"])
    other = _seminar(staff, "資金調達セミナー", [(day(5), 4)])

    board = _dashboard(staff)
    assert [(u["title"], u["slot_id"], u["date"]) for u in board["upcoming"]] == [
        ("販路開拓セミナー", tomorrow, day(1)),
        ("資金調達セミナー", other["slots"][0]["id"], day(5)),
        ("販路開拓セミナー", last, day(13)),
    ]  # by date; day 15 (today + 14) is not in the window
    first = board["upcoming"][0]
    assert first == {
        "offering_id": o["id"],
        "title": "販路開拓セミナー",
        "slot_id": tomorrow,
        "date": day(1),
        "start_time": "14:00",
        "capacity": 1,
        "seats_left": 1,
        "waitlist_count": 0,
    }

    # a booking takes the one seat, a second member joins the waiting list: the dashboard shows it at once
    assert member.post("/api/reservations", {"offering_id": o["id"], "slot_id": tomorrow}).status == 201
    second = new_member(env, staff, "dash-wait@example.jp")
    waiting = second.post("/api/reservations", {"offering_id": o["id"], "slot_id": tomorrow, "waitlist": True})
    assert waiting.status == 201 and waiting.body["status"] == "waitlisted"
    third = new_member(env, staff, "dash-book@example.jp")
    assert third.post("/api/reservations", {"offering_id": o["id"], "slot_id": last}).status == 201

    with dynamodb_calls() as calls:
        board = _dashboard(staff)
    by_slot = {u["slot_id"]: u for u in board["upcoming"]}
    assert (by_slot[tomorrow]["capacity"], by_slot[tomorrow]["seats_left"], by_slot[tomorrow]["waitlist_count"]) == (1, 0, 1)
    assert (by_slot[last]["capacity"], by_slot[last]["seats_left"], by_slot[last]["waitlist_count"]) == (3, 2, 0)
    # 3 counts + one GSI2 Query per month the 14 days touch (1 or 2) + 1 BatchGetItem for the titles
    # (+ the authorizer's BatchGetItem of the session and its member), and no Scan (the stack refuses one)
    assert dict(calls) == {"Query": 3 + _months_touched(), "BatchGetItem": 1 + 1}

    # two days later: tomorrow's slot is past, day 15 has come into the window
    later = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    again = env.new_client()
    assert again.login(*STAFF).status == 200  # the earlier session has expired meanwhile
    assert [u["slot_id"] for u in _dashboard(again)["upcoming"]] == [other["slots"][0]["id"], last, day15]


def test_an_empty_window_reads_no_titles(staff: Portal) -> None:
    with dynamodb_calls() as calls:
        board = _dashboard(staff)
    assert board["upcoming"] == [] and calls["BatchGetItem"] == 1 and calls["Query"] == 3 + _months_touched(), dict(calls)  # the authorizer's only


def test_the_window_across_a_year_end_reads_both_months(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """12-25 to 01-07 (Tokyo): the slots of both month partitions, in date order, and none beyond the 14 days."""
    from netclub import clock

    christmas = dt.datetime(2030, 12, 25, 0, 30, tzinfo=dt.UTC)  # 09:30 in Tokyo
    monkeypatch.setattr(clock, "now", lambda: christmas)
    staff = env.new_client()
    assert staff.login(*STAFF).status == 200
    o = _seminar(staff, "年末年始セミナー", [("2031-01-08", 3), ("2030-12-31", 3), ("2031-01-07", 3), ("2030-12-25", 3)])
    ids = {s["date"]: s["id"] for s in o["slots"]}
    with dynamodb_calls() as calls:
        board = _dashboard(staff)
    assert [u["date"] for u in board["upcoming"]] == ["2030-12-25", "2030-12-31", "2031-01-07"]
    assert [u["slot_id"] for u in board["upcoming"]] == [ids["2030-12-25"], ids["2030-12-31"], ids["2031-01-07"]]
    assert dict(calls) == {"Query": 3 + 2, "BatchGetItem": 1 + 1}


def _months_touched() -> int:
    return len({day(0)[:7], day(13)[:7]})
