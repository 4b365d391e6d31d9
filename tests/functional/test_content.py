"""Events calendar, videos, notices and their staff CRUD; audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Env, Portal

EVENT = {
    "title": "経営革新計画セミナー",
    "starts_at": "2026-11-12T14:00:00+09:00",
    "ends_at": "2026-11-12T16:00:00+09:00",
    "place": "東京都中小企業振興公社 秋葉原庁舎",
    "url": "https://www.example.com/events/1",
    "description": "計画策定のポイントを解説します。",
}


def test_events_are_listed_by_range_through_month_partitions(staff: Portal, portal: Portal) -> None:
    for day, title in (("2026-10-30", "十月"), ("2026-11-01", "十一月頭"), ("2026-11-30", "十一月末"), ("2026-12-01", "十二月")):
        answer = staff.post("/api/admin/events", {**EVENT, "title": title, "starts_at": f"{day}T10:00:00+09:00", "ends_at": f"{day}T12:00:00+09:00"})
        assert answer.status == 201, answer.body
    november = portal.get("/api/events?from=2026-11-01&to=2026-11-30")
    assert november.status == 200
    assert [e["title"] for e in november.body["items"]] == ["十一月頭", "十一月末"]
    both = portal.get("/api/events?from=2026-10-15&to=2026-12-15")
    assert [e["title"] for e in both.body["items"]] == ["十月", "十一月頭", "十一月末", "十二月"]
    assert set(both.body["items"][0]) >= {"id", "title", "starts_at", "ends_at", "place", "url", "description"}


def test_naive_times_are_tokyo_time(staff: Portal, portal: Portal) -> None:
    answer = staff.post("/api/admin/events", {**EVENT, "starts_at": "2026-11-12T14:00", "ends_at": "2026-11-12T16:00"})
    assert answer.status == 201
    assert answer.body["starts_at"] == "2026-11-12T14:00:00+09:00"
    utc = staff.post("/api/admin/events", {**EVENT, "starts_at": "2026-11-12T05:00:00Z", "ends_at": "2026-11-12T06:00:00Z"})
    assert utc.body["starts_at"] == "2026-11-12T14:00:00+09:00"


@pytest.mark.parametrize(
    "query,field",
    [("from=2026-12-01&to=2026-11-01", "to"), ("from=2026-01-01&to=2028-01-01", "to"), ("from=yesterday", "from"), ("from=2026-13-01", "from")],
)
def test_bad_event_ranges_are_400(portal: Portal, query: str, field: str) -> None:
    answer = portal.get(f"/api/events?{query}")
    assert answer.status == 400
    assert field in answer.field_messages()


def test_event_default_range_is_this_month(staff: Portal, portal: Portal) -> None:
    from netclub import clock

    today = clock.today_jst()
    staff.post("/api/admin/events", {**EVENT, "starts_at": f"{today}T10:00", "ends_at": f"{today}T11:00"})
    assert len(portal.get("/api/events").body["items"]) == 1


def test_event_update_moves_it_between_months_and_delete_removes_it(staff: Portal, portal: Portal) -> None:
    created = staff.post("/api/admin/events", EVENT).body
    moved = staff.put(f"/api/admin/events/{created['id']}", {**EVENT, "starts_at": "2026-12-03T10:00", "ends_at": "2026-12-03T12:00"})
    assert moved.status == 200
    assert portal.get("/api/events?from=2026-11-01&to=2026-11-30").body["items"] == []
    assert len(portal.get("/api/events?from=2026-12-01&to=2026-12-31").body["items"]) == 1
    assert staff.delete(f"/api/admin/events/{created['id']}").status == 200
    assert portal.get("/api/events?from=2026-12-01&to=2026-12-31").body["items"] == []
    assert staff.delete(f"/api/admin/events/{created['id']}").status == 404
    assert staff.put(f"/api/admin/events/{created['id']}", EVENT).status == 404


def test_event_validation(staff: Portal) -> None:
    answer = staff.post("/api/admin/events", {**EVENT, "title": "", "url": "javascript:alert(1)", "ends_at": "2026-11-12T10:00"})
    assert answer.status == 400
    fields = answer.field_messages()
    assert "title" in fields and "url" in fields
    backwards = staff.post("/api/admin/events", {**EVENT, "ends_at": "2026-11-12T10:00"})
    assert backwards.status == 400
    assert staff.post("/api/admin/events", raw=b"{not json").status == 400
    assert staff.post("/api/admin/events", {**EVENT, "title": "x" * 100000}).status == 400


def test_members_cannot_write_content(member: Portal) -> None:
    for path in ("/api/admin/events", "/api/admin/videos", "/api/admin/notices"):
        assert member.post(path, {"title": "x"}).status == 403
    assert member.get("/api/admin/audit-log").status == 403


def test_videos_public_list_and_crud(staff: Portal, portal: Portal) -> None:
    body = {"title": "はじめての経営相談", "description": "公社の相談窓口の使い方", "url": "https://media.netclub.example/videos/intro.mp4", "duration_s": 300}
    created = staff.post("/api/admin/videos", body)
    assert created.status == 201
    listed = portal.get("/api/videos")
    assert listed.status == 200
    assert listed.body["items"][0]["title"] == "はじめての経営相談"
    assert set(listed.body["items"][0]) >= {"id", "title", "description", "url", "thumbnail_url", "duration_s"}
    vid = created.body["id"]
    assert staff.put(f"/api/admin/videos/{vid}", {**body, "title": "改題"}).body["title"] == "改題"
    assert staff.put("/api/admin/videos/nope", body).status == 404
    assert staff.post("/api/admin/videos", {**body, "url": ""}).status == 400
    assert staff.post("/api/admin/videos", {**body, "duration_s": -1}).status == 400
    assert staff.delete(f"/api/admin/videos/{vid}").status == 200
    assert portal.get("/api/videos").body["items"] == []


def test_notices_are_for_members_newest_first_and_scheduled_ones_wait(staff: Portal, member: Portal, portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    staff.post("/api/admin/notices", {"title": "古い", "body": "a", "published_at": "2026-01-01T09:00"})
    staff.post("/api/admin/notices", {"title": "新しい", "body": "b", "published_at": "2026-02-01T09:00"})
    future = (clock.now() + dt.timedelta(minutes=20)).isoformat()
    scheduled = staff.post("/api/admin/notices", {"title": "予約投稿", "body": "c", "published_at": future}).body
    assert portal.get("/api/notices").status == 401
    titles = [n["title"] for n in member.get("/api/notices").body["items"]]
    assert titles[:2] == ["新しい", "古い"] and "予約投稿" not in titles
    later = clock.now() + dt.timedelta(minutes=30)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert member.get("/api/notices").body["items"][0]["title"] == "予約投稿"
    kept = staff.put(f"/api/admin/notices/{scheduled['id']}", {"title": "予約投稿（改）", "body": "c"}).body
    assert kept["published_at"] == scheduled["published_at"]
    assert staff.delete(f"/api/admin/notices/{scheduled['id']}").status == 200
    assert member.get("/api/notices?cursor=@@@").status == 400


def test_notice_paging(staff: Portal, member: Portal) -> None:
    for n in range(23):
        staff.post("/api/admin/notices", {"title": f"お知らせ{n:02d}", "published_at": f"2026-01-{n + 1:02d}T09:00"})
    first = member.get("/api/notices").body
    assert len(first["items"]) == 20 and first["next_cursor"]
    rest = member.get(f"/api/notices?cursor={first['next_cursor']}").body
    assert [n["title"] for n in rest["items"]] == ["お知らせ02", "お知らせ01", "お知らせ00"]


def test_every_staff_write_is_in_the_audit_log(env: Env, staff: Portal) -> None:
    created = staff.post("/api/admin/events", EVENT).body
    staff.put(f"/api/admin/events/{created['id']}", EVENT)
    staff.delete(f"/api/admin/events/{created['id']}")
    log = staff.get("/api/admin/audit-log")
    assert log.status == 200
    actions = [e["action"] for e in log.body["items"] if e["target"] == f"event:{created['id']}"]
    assert actions == ["event.delete", "event.update", "event.create"]
    assert all(e["actor_id"] == env.accounts["staff"] for e in log.body["items"])
    assert staff.get("/api/admin/audit-log?cursor=!!").status == 400
