"""Every mail of a reservation that holds a date (申込, 変更, キャンセル待ちの繰り上げ, 抽選の当選, 前日のお知らせ) links its
page in the portal, where 「カレンダーに追加」 downloads the .ics with the member's session (issue 27); a mail of a
reservation without a date yet (カウンセリングの申込・変更, キャンセル待ち, 落選, キャンセル) does not offer it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import DEMO, STAFF, Env, Portal
from tests.functional.queues import draw
from tests.functional.reservation_helpers import new_member, offering

LINE = "カレンダーに追加する場合は、こちらの予約ページから「カレンダーに追加」を押してください。"


def _latest(env: Env, to: str, subject: str) -> str:
    found = [m for m in env.mails(to) if subject in m["subject"]]
    assert found, f"no mail 「{subject}」 to {to}"
    return str(found[0]["body"])


def _offers_calendar(body: str, reservation_id: str) -> bool:
    page = f"http://portal.test/reservations/{reservation_id}"
    assert page in body  # every reservation mail but the cancellation's links the page
    return f"{LINE}\n{page}" in body and "/calendar.ics" not in body


def test_seminar_apply_change_and_promotion_mails_link_the_page_with_its_calendar_button(env: Env, staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(1, 1))
    a, b = (s["id"] for s in o["slots"])
    res = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": a}).body
    assert res["status"] == "confirmed"
    assert _offers_calendar(_latest(env, DEMO[0], "セミナーのお申込みを受け付けました"), res["id"])

    waiting = new_member(env, staff, "calendar-wait@example.jp")
    queued = waiting.post("/api/reservations", {"offering_id": o["id"], "slot_id": a, "waitlist": True}).body
    assert queued["status"] == "waitlisted"
    assert not _offers_calendar(_latest(env, "calendar-wait@example.jp", "キャンセル待ちの登録"), queued["id"])  # no date held yet

    assert member.put(f"/api/reservations/{res['id']}", {"slot_id": b}).status == 200  # frees a: the waiting member moves up
    assert _offers_calendar(_latest(env, DEMO[0], "ご予約の変更を受け付けました"), res["id"])
    assert _offers_calendar(_latest(env, "calendar-wait@example.jp", "キャンセル待ちの繰り上げ"), queued["id"])

    assert member.delete(f"/api/reservations/{res['id']}").status == 200
    assert LINE not in _latest(env, DEMO[0], "キャンセルを受け付けました")


def test_counseling_mails_offer_the_calendar_once_the_lottery_gives_a_date(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    o = offering(staff, kind="counseling", capacities=(1,), apply_days=1, slot_days=5)
    (a,) = (s["id"] for s in o["slots"])
    mine: dict[str, Any] = member.post("/api/reservations", {"offering_id": o["id"], "preferences": [a]}).body
    assert not _offers_calendar(_latest(env, DEMO[0], "専門家カウンセリングのお申込み"), mine["id"])
    assert member.put(f"/api/reservations/{mine['id']}", {"preferences": [a], "note": "午前希望"}).status == 200
    assert not _offers_calendar(_latest(env, DEMO[0], "ご予約の変更を受け付けました"), mine["id"])  # still 抽選待ち
    other = new_member(env, staff, "calendar-lottery@example.jp")
    theirs = other.post("/api/reservations", {"offering_id": o["id"], "preferences": [a]}).body

    from netclub import clock

    later = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    for client, login in ((staff, STAFF), (member, DEMO)):
        assert client.login(*login).status == 200
    results = {r["reservation_id"]: r["status"] for r in draw(env, staff, o["id"], {"seed": 1})["results"]}
    assert sorted(results.values()) == ["lost", "won"]
    for to, reservation in ((DEMO[0], mine), ("calendar-lottery@example.jp", theirs)):
        body = _latest(env, to, "抽選結果")
        if results[reservation["id"]] == "won":
            assert "ご当選" in body and _offers_calendar(body, reservation["id"])
        else:
            assert "落選" in body and LINE not in body
