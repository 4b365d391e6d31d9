"""Content gaps of issue 3: events that span months in the calendar (Query only, each listed once);
the staff list of notices with the scheduled (future-dated) ones flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls

EVENT = {"title": "展示会", "place": "東京ビッグサイト", "url": "https://www.example.com/expo", "description": "月をまたぐ展示会"}


def _titles(portal: Portal, start: str, end: str) -> list[str]:
    answer = portal.get(f"/api/events?from={start}&to={end}")
    assert answer.status == 200, answer.body
    return [e["title"] for e in answer.body["items"]]


# --- a. events spanning months ----------------------------------------------------------------


def test_event_spanning_two_months_is_in_both_months_and_listed_once(staff: Portal, portal: Portal) -> None:
    spans = {
        "十月末〜十一月初": ("2026-10-30T10:00", "2026-11-02T17:00"),
        "十一月中": ("2026-11-10T10:00", "2026-11-10T12:00"),
        "九月〜十二月": ("2026-09-20T10:00", "2026-12-05T17:00"),
        "十月前半だけ": ("2026-10-01T10:00", "2026-10-10T17:00"),
    }
    for title, (starts, ends) in spans.items():
        assert staff.post("/api/admin/events", {**EVENT, "title": title, "starts_at": starts, "ends_at": ends}).status == 201
    # an event that started in October and still runs in November is in November's calendar
    assert _titles(portal, "2026-11-01", "2026-11-30") == ["九月〜十二月", "十月末〜十一月初", "十一月中"]
    assert _titles(portal, "2026-10-01", "2026-10-31") == ["九月〜十二月", "十月前半だけ", "十月末〜十一月初"]
    # a range covering both months lists each event exactly once, by start
    assert _titles(portal, "2026-10-15", "2026-11-15") == ["九月〜十二月", "十月末〜十一月初", "十一月中"]
    # inside a month: an event that ended before `from`, or starts after `to`, is not listed
    assert _titles(portal, "2026-11-03", "2026-11-09") == ["九月〜十二月"]
    assert _titles(portal, "2026-11-02", "2026-11-02") == ["九月〜十二月", "十月末〜十一月初"]
    assert _titles(portal, "2026-08-01", "2026-08-31") == []
    assert _titles(portal, "2027-01-01", "2027-01-31") == []
    # default range (this month) still works
    assert portal.get("/api/events").status == 200


def test_moving_and_deleting_a_spanning_event_updates_every_month(staff: Portal, portal: Portal) -> None:
    created = staff.post("/api/admin/events", {**EVENT, "starts_at": "2026-10-30T10:00", "ends_at": "2026-12-01T10:00"}).body
    assert [_titles(portal, start, end) for start, end in (("2026-10-30", "2026-10-31"), ("2026-11-01", "2026-11-30"), ("2026-12-01", "2026-12-31"))] == [
        ["展示会"]
    ] * 3
    moved = staff.put(f"/api/admin/events/{created['id']}", {**EVENT, "starts_at": "2026-11-20T10:00", "ends_at": "2026-11-21T10:00"})
    assert moved.status == 200, moved.body
    assert _titles(portal, "2026-10-01", "2026-10-31") == []
    assert _titles(portal, "2026-11-01", "2026-11-30") == ["展示会"]
    assert _titles(portal, "2026-12-01", "2026-12-31") == []
    assert _titles(portal, "2026-10-01", "2026-12-31") == ["展示会"]
    longer = staff.put(f"/api/admin/events/{created['id']}", {**EVENT, "title": "延長", "starts_at": "2026-11-20T10:00", "ends_at": "2027-01-05T10:00"})
    assert longer.status == 200
    assert _titles(portal, "2027-01-01", "2027-01-31") == ["延長"]
    assert _titles(portal, "2026-11-01", "2026-11-30") == ["延長"]
    assert staff.delete(f"/api/admin/events/{created['id']}").status == 200
    assert _titles(portal, "2026-10-01", "2027-01-31") == []
    assert staff.delete(f"/api/admin/events/{created['id']}").status == 404
    assert staff.put(f"/api/admin/events/{created['id']}", {**EVENT, "starts_at": "2026-11-20T10:00", "ends_at": "2026-11-21T10:00"}).status == 404


def test_event_longer_than_a_year_is_400(staff: Portal) -> None:
    answer = staff.post("/api/admin/events", {**EVENT, "starts_at": "2026-01-01T10:00", "ends_at": "2027-06-01T10:00"})
    assert answer.status == 400
    assert "ends_at" in answer.field_messages()


def test_events_list_uses_only_queries(env: Env, staff: Portal, portal: Portal) -> None:
    staff.post("/api/admin/events", {**EVENT, "starts_at": "2026-10-30T10:00", "ends_at": "2026-11-02T17:00"})
    with dynamodb_calls() as calls:
        assert _titles(portal, "2026-10-01", "2026-12-31") == ["展示会"]
    assert calls == {"Query": 6}  # one per month partition of the events and of the offerings' slot index (no open slot: no BatchGetItem)


def test_concurrent_event_edits_cannot_leave_a_stale_month_copy(staff: Portal, portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.store import content as store

    created = staff.post("/api/admin/events", {**EVENT, "starts_at": "2026-10-30T10:00", "ends_at": "2026-11-02T10:00"}).body
    first_read = store.event_partition(created["id"])
    assert (
        staff.put(f"/api/admin/events/{created['id']}", {**EVENT, "title": "十二月へ", "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-02T10:00"}).status
        == 200
    )
    # another staff member's edit and delete, both based on the read before that update
    monkeypatch.setattr(store, "event_partition", lambda _: first_read)
    stale = staff.put(f"/api/admin/events/{created['id']}", {**EVENT, "title": "一月へ", "starts_at": "2027-01-05T10:00", "ends_at": "2027-01-06T10:00"})
    assert stale.status == 409 and stale.error["code"] == "stale"
    assert staff.delete(f"/api/admin/events/{created['id']}").status == 409
    monkeypatch.undo()
    assert _titles(portal, "2026-10-01", "2027-01-31") == ["十二月へ"]


def test_an_event_stored_before_month_copies_is_listed_updated_and_deleted(env: Env, staff: Portal, portal: Portal) -> None:
    from netclub.store import dynamo

    legacy = {**EVENT, "id": "legacy1", "title": "旧形式", "starts_at": "2026-10-30T10:00:00+09:00", "ends_at": "2026-10-30T12:00:00+09:00"}
    dynamo.put({**legacy, "PK": "EVENT#legacy1", "SK": "EVENT", "kind": "event", "GSI1PK": "EVENTS#2026-10", "GSI1SK": f"{legacy['starts_at']}#legacy1"})
    assert _titles(portal, "2026-10-01", "2026-10-31") == ["旧形式"]
    moved = staff.put("/api/admin/events/legacy1", {**EVENT, "title": "新形式", "starts_at": "2026-11-30T10:00", "ends_at": "2026-12-01T10:00"})
    assert moved.status == 200, moved.body
    assert _titles(portal, "2026-10-01", "2026-10-31") == []
    assert _titles(portal, "2026-10-01", "2026-12-31") == ["新形式"]
    assert staff.delete("/api/admin/events/legacy1").status == 200
    assert _titles(portal, "2026-10-01", "2026-12-31") == []


# --- c. staff list of notices -----------------------------------------------------------------


def test_staff_notice_list_includes_scheduled_ones_flagged(staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    future = (clock.now() + dt.timedelta(days=3)).isoformat()
    staff.post("/api/admin/notices", {"title": "公開済み", "body": "a", "published_at": "2026-01-01T09:00"})
    scheduled = staff.post("/api/admin/notices", {"title": "公開予定", "body": "b", "published_at": future}).body
    listed = staff.get("/api/admin/notices")
    assert listed.status == 200, listed.body
    assert [(n["title"], n["scheduled"]) for n in listed.body["items"]] == [("公開予定", True), ("公開済み", False)]
    assert set(listed.body["items"][0]) >= {"id", "title", "body", "published_at", "scheduled"}
    assert [n["title"] for n in member.get("/api/notices").body["items"]] == ["公開済み"]
    assert member.get("/api/admin/notices").status == 403
    later = clock.now() + dt.timedelta(days=4)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert staff.login("staff@netclub.example", "Staff#2026pass").status == 200
    assert staff.get("/api/admin/notices").body["items"][0] == {**scheduled, "scheduled": False}


def test_staff_notice_list_pages_and_refuses_bad_cursors(staff: Portal) -> None:
    for n in range(22):
        staff.post("/api/admin/notices", {"title": f"お知らせ{n:02d}", "published_at": f"2030-01-{n + 1:02d}T09:00"})
    first = staff.get("/api/admin/notices").body
    assert len(first["items"]) == 20 and first["next_cursor"] and all(i["scheduled"] for i in first["items"])
    rest = staff.get(f"/api/admin/notices?cursor={first['next_cursor']}").body
    assert [n["title"] for n in rest["items"]] == ["お知らせ01", "お知らせ00"] and rest["next_cursor"] is None
    assert staff.get("/api/admin/notices?cursor=@@@").status == 400
