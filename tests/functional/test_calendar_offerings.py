"""イベントカレンダー shows the dates of seminars and 専門家カウンセリング still open for applications, each linking to
its 申込 page (issue 27: "the calendar connected to the bookable seminars")."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Env, Portal
from tests.functional.reservation_helpers import day, offering


def test_open_offerings_dates_are_on_the_calendar_with_their_apply_page(env: Env, staff: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    o = offering(staff)
    slot = o["slots"][0]
    visitor = env.new_client()
    answer = visitor.get(f"/api/events?from={day(0)}&to={day(30)}")
    assert answer.status == 200, answer.body
    dates = [e for e in answer.body["items"] if e.get("offering_id") == o["id"]]
    assert [e["starts_at"][:10] for e in dates] == sorted(s["date"] for s in o["slots"])
    first = next(e for e in dates if e["id"] == f"slot-{slot['id']}")
    assert first["title"] == o["title"] and first["url"] == f"/offerings/{o['id']}" and first["place"] == slot["place"]
    assert first["ends_at"].startswith(f"{slot['date']}T{slot['end_time']}")
    assert all(e.get("offering_id") is None for e in answer.body["items"] if not e["id"].startswith("slot-"))

    # once applications have closed, its dates leave the calendar
    from netclub import clock

    later = clock.now() + dt.timedelta(days=6)
    monkeypatch.setattr(clock, "now", lambda: later)
    after = visitor.get(f"/api/events?from={day(0)}&to={day(30)}").body["items"]
    assert not [e for e in after if e.get("offering_id") == o["id"]]
