"""Calendars: one reservation's .ics, the private feed (made, fetched without a session, re-issued), events.ics."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import day, new_member

LONG_TITLE = "中小企業のためのデジタルトランスフォーメーション実践セミナー〜生成AIとクラウドで変わる受発注・在庫管理・資金繰りの最前線〜（第3回）"


def _offering(staff: Portal, title: str = LONG_TITLE, kind: str = "seminar", slot_day: int = 10) -> dict[str, Any]:
    created = staff.post("/api/admin/offerings", {"kind": kind, "title": title, "description": "説明", "apply_until": f"{day(5)}T17:00"})
    assert created.status == 201, created.body
    slots = []
    for n in range(2):
        slot = staff.post(
            f"/api/admin/offerings/{created.body['id']}/slots",
            {"date": day(slot_day + n), "start_time": "14:00", "end_time": "16:30", "place": f"秋葉原庁舎 第{n + 1}会議室", "capacity": 5},
        )
        assert slot.status == 201, slot.body
        slots.append(slot.body)
    return {**created.body, "slots": slots}


def _events(raw: bytes) -> list[Any]:
    return list(Calendar.from_ical(raw).walk("VEVENT"))


def _check_rfc5545(raw: bytes) -> None:
    """CRLF after every line and no line longer than 75 octets (RFC 5545 3.1)."""
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_reservation_ics_parses_back_with_every_field(env: Env, staff: Portal, member: Portal) -> None:
    o = _offering(staff)
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}).body
    with dynamodb_calls() as calls:
        answer = member.get(f"/api/reservations/{res['id']}/calendar.ics")
    assert answer.status == 200, answer.raw
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    # a name a person recognises in their downloads (the offering's title and the date), UTF-8 per RFC 6266
    name = urllib.parse.quote(f"{o['title'][:60]}_{o['slots'][0]['date']}.ics", safe="")  # a long title is cut at 60
    assert answer.headers["Content-Disposition"] == f"attachment; filename=\"download.ics\"; filename*=UTF-8''{name}"
    assert "no-store" in answer.headers["Cache-Control"]
    _check_rfc5545(answer.raw)
    assert re.search(rb"\r\n SUMMARY|\r\n ", answer.raw), "the long Japanese title is folded"
    cal = Calendar.from_ical(answer.raw)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == LONG_TITLE  # unfolded back, whole
    assert str(event["LOCATION"]) == "秋葉原庁舎 第1会議室"
    assert str(event["UID"]) == f"reservation-{res['id']}@portal.test"
    assert f"http://portal.test/reservations/{res['id']}" in str(event["DESCRIPTION"])
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.isoformat() == f"{day(10)}T14:00:00+09:00" and str(start.tzinfo) == "Asia/Tokyo"
    assert end.isoformat() == f"{day(10)}T16:30:00+09:00"
    assert "DTSTAMP" in event
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == dt.timedelta(days=-1) and str(alarm["ACTION"]) == "DISPLAY"
    assert b"TZID=Asia/Tokyo" in answer.raw
    assert dict(calls) == {"BatchGetItem": 2}  # the authorizer's (session and member); the reservation with the slot its id names
    # the UID is stable: again, and after a change of slot (the calendar moves its one entry)
    again = _events(member.get(f"/api/reservations/{res['id']}/calendar.ics").raw)[0]
    assert again["UID"] == event["UID"]
    assert member.put(f"/api/reservations/{res['id']}", {"slot_id": o["slots"][1]["id"]}).status == 200
    moved = _events(member.get(f"/api/reservations/{res['id']}/calendar.ics").raw)[0]
    assert moved["UID"] == event["UID"] and moved.decoded("DTSTART").date().isoformat() == day(11)
    assert str(moved["LOCATION"]) == "秋葉原庁舎 第2会議室"


def test_reservation_ics_only_for_the_members_own_confirmed_reservation(env: Env, staff: Portal, member: Portal) -> None:
    o = _offering(staff, title="経営セミナー")
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}).body
    other = new_member(env, staff, "nosy@example.jp")
    answers = [other.get(f"/api/reservations/{res['id']}/calendar.ics"), member.get("/api/reservations/unknown/calendar.ics")]
    c = _offering(staff, title="専門家カウンセリング", kind="counseling")
    applied = member.post("/api/reservations", {"offering_id": c["id"], "preferences": [c["slots"][0]["id"]]}).body
    answers.append(member.get(f"/api/reservations/{applied['id']}/calendar.ics"))  # applied: no date yet
    assert member.delete(f"/api/reservations/{res['id']}").status == 200
    answers.append(member.get(f"/api/reservations/{res['id']}/calendar.ics"))  # cancelled
    for answer in answers:
        assert answer.status == 404, answer.raw
        assert answer.body == {"error": {"code": "not_found", "message": "ご予約が見つかりません。"}}
    assert env.new_client().get(f"/api/reservations/{res['id']}/calendar.ics").status == 401


def _feed_token(url: str) -> str:
    found = re.fullmatch(r"http://portal\.test/api/calendar/([A-Za-z0-9_-]+)\.ics", url)
    assert found, url
    return found.group(1)


def test_private_feed_made_fetched_without_session_and_reissued(env: Env, staff: Portal, member: Portal) -> None:
    o = _offering(staff, title="経営セミナー")
    p = _offering(staff, title="販路開拓セミナー", slot_day=12)
    kept = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}).body
    second = member.post("/api/reservations", {"offering_id": p["id"], "slot_id": p["slots"][1]["id"]}).body
    with dynamodb_calls() as made_calls:
        first = member.get("/api/me/calendar-feed")
    assert first.status == 200 and set(first.body) == {"url"}
    with dynamodb_calls() as get_calls:
        assert member.get("/api/me/calendar-feed").body == first.body  # the same URL on every visit
    token = _feed_token(first.body["url"])
    assert len(token) >= 43
    assert member.delete(f"/api/reservations/{second['id']}").status == 200  # cancelled: leaves the feed

    visitor = env.new_client()  # a calendar app: no cookie, no session
    with dynamodb_calls() as feed_calls:
        feed = visitor.get(f"/api/calendar/{token}.ics")
    assert feed.status == 200, feed.raw
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.headers["Cache-Control"] == "private, no-store"
    _check_rfc5545(feed.raw)
    events = _events(feed.raw)
    assert [str(e["UID"]) for e in events] == [f"reservation-{kept['id']}@portal.test"]
    single = _events(member.get(f"/api/reservations/{kept['id']}/calendar.ics").raw)[0]
    assert events[0]["UID"] == single["UID"] and events[0].decoded("DTSTART") == single.decoded("DTSTART")

    with dynamodb_calls() as rotate_calls:
        rotated = member.post("/api/me/calendar-feed/rotate")
    assert rotated.status == 200 and rotated.body["url"] != first.body["url"]
    assert member.get("/api/me/calendar-feed").body == rotated.body
    old = visitor.get(f"/api/calendar/{token}.ics")
    unknown = visitor.get(f"/api/calendar/{'x' * len(token)}.ics")
    assert old.status == unknown.status == 404
    assert old.raw == unknown.raw and old.headers == unknown.headers  # nothing tells a re-issued URL from a made-up one
    assert visitor.get(f"/api/calendar/{_feed_token(rotated.body['url'])}.ics").status == 200
    assert visitor.get(f"/api/calendar/{token}").status == 404  # without .ics
    assert visitor.get("/api/me/calendar-feed").status == 401
    # DynamoDB calls per use case (the authorizer's BatchGetItem of the session and its member included)
    assert dict(made_calls) == {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}
    assert dict(get_calls) == {"BatchGetItem": 1, "GetItem": 1}
    assert dict(rotate_calls) == {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}
    assert dict(feed_calls) == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}


def test_feed_of_another_member_never_shows_mine(env: Env, staff: Portal, member: Portal) -> None:
    o = _offering(staff, title="経営セミナー")
    member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]})
    other = new_member(env, staff, "other@example.jp")
    url = other.get("/api/me/calendar-feed").body["url"]
    assert url != member.get("/api/me/calendar-feed").body["url"]
    feed = env.new_client().get(f"/api/calendar/{_feed_token(url)}.ics")
    assert feed.status == 200 and _events(feed.raw) == []


def test_rotate_is_csrf_protected(member: Portal) -> None:
    member.get("/api/me/calendar-feed")
    assert member.post("/api/me/calendar-feed/rotate", csrf=False).status == 403


def test_events_ics_is_public(env: Env, staff: Portal) -> None:
    start = f"{day(3)}T10:00:00+09:00"
    created = staff.post(
        "/api/admin/events",
        {
            "title": "ものづくり展示会2026",
            "starts_at": start,
            "ends_at": f"{day(4)}T17:00:00+09:00",
            "place": "東京ビッグサイト",
            "url": "https://example.jp/expo",
        },
    )
    assert created.status == 201, created.body
    with dynamodb_calls() as calls:
        answer = env.new_client().get("/api/events.ics")
    assert answer.status == 200, answer.raw
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    _check_rfc5545(answer.raw)
    (event,) = _events(answer.raw)
    assert str(event["SUMMARY"]) == "ものづくり展示会2026" and str(event["LOCATION"]) == "東京ビッグサイト"
    assert str(event["UID"]) == f"event-{created.body['id']}@portal.test"
    assert event.decoded("DTSTART").isoformat() == start
    assert set(calls) == {"Query"} and calls["Query"] <= 14


@pytest.mark.parametrize("name", ["a.ics", "%00.ics", "..%2F..%2Fx.ics", "x" * 80])
def test_feed_bad_names_are_404(env: Env, name: str) -> None:
    answer = env.new_client().get(f"/api/calendar/{name}")
    assert answer.status in (400, 404), answer.raw
