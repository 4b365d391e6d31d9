"""Issue 13's calendars and 前日リマインド over HTTP against the local stack (as `make dev` starts it).

A member books a seminar of tomorrow (Tokyo); its .ics and the private feed (fetched like a calendar
app: no cookie, from another address) show one VEVENT with the same UID; a re-issued feed URL is 404
at once; POST /_dev/scheduled/reminders twice → exactly one 「【ご予約】明日のご予約のお知らせ」 in the mailbox.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
import uuid

import pytest
from icalendar import Calendar

from tests.e2e.conftest import register_member
from tests.stackutil import Browserish, LocalStack

pytestmark = pytest.mark.e2e

PASSWORD = "Cal#2026pass"
JST = dt.timezone(dt.timedelta(hours=9))


def _tokyo_day(offset: int) -> str:
    return (dt.datetime.now(JST).date() + dt.timedelta(days=offset)).isoformat()


def _run_reminders(stack: LocalStack) -> dict[str, int]:
    request = urllib.request.Request(f"{stack.url}/_dev/scheduled/reminders", method="POST")
    with urllib.request.urlopen(request, timeout=60) as resp:
        return dict(json.loads(resp.read())["result"])


def test_calendar_feed_and_the_day_before_mail(local_stack: LocalStack, staff: Browserish) -> None:
    email = f"cal-{uuid.uuid4().hex[:8]}@example.jp"
    register_member(local_stack, staff, email, PASSWORD, "株式会社カレンダー", "暦太郎")
    member = local_stack.client()
    assert member.login(email, PASSWORD).status == 200

    title = f"明日のセミナー {uuid.uuid4().hex[:6]}"
    created = staff.post("/api/admin/offerings", {"kind": "seminar", "title": title, "description": "e2e", "apply_until": f"{_tokyo_day(1)}T09:00"})
    assert created.status == 201, created.body
    slot = staff.post(
        f"/api/admin/offerings/{created.body['id']}/slots",
        {"date": _tokyo_day(1), "start_time": "15:00", "end_time": "17:00", "place": "秋葉原庁舎 第3会議室", "capacity": 10},
    )
    assert slot.status == 201, slot.body
    booked = member.post("/api/reservations", {"offering_id": created.body["id"], "slot_id": slot.body["id"]})
    assert booked.status == 201, booked.body
    rid = booked.body["id"]

    ics = member.get(f"/api/reservations/{rid}/calendar.ics")
    assert ics.status == 200 and ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    (single,) = Calendar.from_ical(ics.body).walk("VEVENT")
    assert str(single["SUMMARY"]) == title and str(single["LOCATION"]) == "秋葉原庁舎 第3会議室"

    url = member.get("/api/me/calendar-feed").body["url"]
    assert url.startswith(local_stack.url + "/api/calendar/") and url.endswith(".ics")
    app = Browserish(local_stack.url)  # a calendar app: no cookie, its own address
    feed = app.get(url.removeprefix(local_stack.url))
    assert feed.status == 200 and feed.headers["Cache-Control"] == "private, no-store"
    uids = [str(e["UID"]) for e in Calendar.from_ical(feed.body).walk("VEVENT")]
    assert uids == [str(single["UID"])]

    rotated = member.post("/api/me/calendar-feed/rotate")
    assert rotated.status == 200 and rotated.body["url"] != url
    old = app.get(url.removeprefix(local_stack.url))
    unknown = app.get("/api/calendar/" + "A" * 43 + ".ics")
    assert old.status == unknown.status == 404 and old.body == unknown.body
    assert app.get(rotated.body["url"].removeprefix(local_stack.url)).status == 200

    with urllib.request.urlopen(f"{local_stack.url}/_dev/scheduled", timeout=10) as resp:
        assert {"reminders", "mail-retry"} <= set(json.loads(resp.read())["scheduled"])
    first = _run_reminders(local_stack)
    second = _run_reminders(local_stack)
    assert first["reminded"] >= 1 and second["reminded"] == 0
    reminders = [m for m in local_stack.mails(email) if m["subject"] == "【ご予約】明日のご予約のお知らせ"]
    assert len(reminders) == 1
    body = reminders[0]["body"]
    assert "15:00〜17:00" in body and "秋葉原庁舎 第3会議室" in body and title in body
    assert f"こちらの予約ページから「カレンダーに追加」を押してください。\n{local_stack.url}/reservations/{rid}" in body and "/calendar.ics" not in body
    events = Browserish(local_stack.url).get("/api/events.ics")
    assert events.status == 200 and "BEGIN:VCALENDAR" in events.body
