"""前日リマインド (RemindersFunction): one mail per confirmed/won reservation of tomorrow, never two."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEMO, SCHEDULED_EVENT, Env, Portal
from tests.functional import faults as wire
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import day, new_member

SUBJECT = "【ご予約】明日のご予約のお知らせ"


def _seminar(staff: Portal, title: str, *days: int) -> dict[str, Any]:
    created = staff.post("/api/admin/offerings", {"kind": "seminar", "title": title, "description": "説明", "apply_until": f"{day(1)}T09:00"})
    assert created.status == 201, created.body
    slots = []
    for n, offset in enumerate(days):
        slot = staff.post(
            f"/api/admin/offerings/{created.body['id']}/slots",
            {"date": day(offset), "start_time": "14:00", "end_time": "16:00", "place": f"秋葉原庁舎 第{n + 1}会議室", "capacity": 5},
        )
        assert slot.status == 201, slot.body
        slots.append(slot.body)
    return {**created.body, "slots": slots}


def _reminders(env: Env, to: str) -> list[dict[str, Any]]:
    return [m for m in env.mails(to) if m["subject"] == SUBJECT]


def _outbox() -> list[dict[str, Any]]:
    from netclub.config import get_settings

    return [i for i in wire.table_items(str(get_settings().table_name)) if i["PK"]["S"] == "OUTBOX"]


def _book(who: Portal, o: dict[str, Any], n: int = 0) -> dict[str, Any]:
    answer = who.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][n]["id"]})
    assert answer.status == 201, answer.body
    return answer.body


def test_tomorrow_is_reminded_once_even_when_run_twice(env: Env, staff: Portal, member: Portal) -> None:
    o = _seminar(staff, "経営セミナー", 1, 2)
    mine = _book(member, o)  # tomorrow
    later = new_member(env, staff, "later@example.jp")
    _book(later, o, 1)  # the day after tomorrow: not today's run
    gone = new_member(env, staff, "gone@example.jp")
    cancelled = _book(gone, o)
    assert gone.delete(f"/api/reservations/{cancelled['id']}").status == 200  # cancelled before the run

    with dynamodb_calls() as calls:
        first = env.invoke("RemindersFunction", SCHEDULED_EVENT)
    assert first == {"reminded": 1, "already": 0, "gone": 0, "kept_for_retry": 0, "failed": 0}
    # one Query of tomorrow's slots, one of the offering; the member; the marker + mail + check; the mail out of the outbox
    assert dict(calls) == {"Query": 2, "GetItem": 1, "TransactWriteItems": 1, "DeleteItem": 1}
    second = env.invoke("RemindersFunction", SCHEDULED_EVENT)
    assert second == {"reminded": 0, "already": 1, "gone": 0, "kept_for_retry": 0, "failed": 0}

    (mail,) = _reminders(env, DEMO[0])
    tomorrow = day(1)
    y, m, d = (int(x) for x in tomorrow.split("-"))
    body = mail["body"]
    assert f"{y}年{m}月{d}日" in body and "14:00〜16:00" in body and "秋葉原庁舎 第1会議室" in body and "経営セミナー" in body
    # the .ics download needs a session: the mail links the reservation's page, where 「カレンダーに追加」 is
    assert f"カレンダーに追加する場合は、こちらの予約ページから「カレンダーに追加」を押してください。\nhttp://portal.test/reservations/{mine['id']}" in body
    assert "/calendar.ics" not in body
    assert _reminders(env, "later@example.jp") == [] and _reminders(env, "gone@example.jp") == []
    assert _outbox() == []


def test_ses_failure_then_retry_sends_exactly_one(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    o = _seminar(staff, "販路開拓セミナー", 1)
    _book(member, o)
    with wire.injected(monkeypatch) as faults:
        faults.ses("ServiceUnavailable")
        result = env.invoke("RemindersFunction", SCHEDULED_EVENT)
        assert result["kept_for_retry"] == 1 and result["reminded"] == 0
        assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["already"] == 1  # the retried run: no second mail kept
        faults.clear()
    assert _reminders(env, DEMO[0]) == []
    kept = _outbox()
    assert len(kept) == 1 and kept[0]["template"]["S"] == "reservation_reminder" and kept[0]["attempts"]["N"] == "1"
    assert env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 1, "failed": 0, "parked": 0}
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["already"] == 1
    assert env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 0, "failed": 0, "parked": 0}
    assert len(_reminders(env, DEMO[0])) == 1


def test_a_slot_moved_to_tomorrow_is_reminded_and_one_moved_away_is_not(env: Env, staff: Portal, member: Portal) -> None:
    o = _seminar(staff, "経営セミナー", 5, 1)
    moved_in = _book(member, o)  # on day 5, which staff move to tomorrow
    other = new_member(env, staff, "moved@example.jp")
    moved_out = _book(other, o, 1)  # tomorrow, which staff move to day 6
    first, second = o["slots"]
    fields = ("date", "start_time", "end_time", "place", "capacity")
    assert staff.put(f"/api/admin/offerings/{o['id']}/slots/{first['id']}", {**{k: first[k] for k in fields}, "date": day(1)}).status == 200
    assert staff.put(f"/api/admin/offerings/{o['id']}/slots/{second['id']}", {**{k: second[k] for k in fields}, "date": day(6)}).status == 200
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["reminded"] == 1
    assert len(_reminders(env, DEMO[0])) == 1 and _reminders(env, "moved@example.jp") == []
    assert moved_in["number"] in _reminders(env, DEMO[0])[0]["body"] and moved_out["number"]


def test_a_cancel_between_the_read_and_the_mail_sends_nothing(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """The holder is checked in the mail's own transaction: a cancel that lands after the run read it wins."""
    from netclub.services import reminders

    o = _seminar(staff, "経営セミナー", 1)
    res = _book(member, o)
    real = reminders._remind

    def cancel_first(*args: Any) -> str:
        assert member.delete(f"/api/reservations/{res['id']}").status == 200
        return real(*args)

    monkeypatch.setattr(reminders, "_remind", cancel_first)
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["gone"] == 1
    assert _reminders(env, DEMO[0]) == [] and _outbox() == []


def test_a_run_that_dies_after_the_commit_loses_nothing_and_sends_once(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mail waits in the outbox (attempts 0); the retry leaves it to its writer for a while, then sends it, once."""
    import datetime as dt

    from netclub import clock
    from netclub.services import reminders

    o = _seminar(staff, "経営セミナー", 1)
    _book(member, o)
    real_send = reminders._send
    monkeypatch.setattr(reminders, "_send", lambda mail: "reminded")  # the function dies right after the commit
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["reminded"] == 1
    monkeypatch.setattr(reminders, "_send", real_send)
    assert [m["attempts"]["N"] for m in _outbox()] == ["0"]
    assert env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 0, "failed": 0, "parked": 0}  # its writer may still be sending it
    later = clock.now() + dt.timedelta(minutes=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 1, "failed": 0, "parked": 0}
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["already"] == 1
    assert len(_reminders(env, DEMO[0])) == 1 and _outbox() == []


def test_slots_written_before_the_month_partitions_are_rekeyed_once(env: Env, staff: Portal, member: Portal) -> None:
    """SlotIndexFunction: a slot keyed the old way (per day) or not at all is found again by 前日リマインド
    and the dashboard after one run; a second run changes nothing; no Scan (the stack refuses one)."""
    import boto3
    from netclub.config import get_settings

    o = _seminar(staff, "移行前のセミナー", 1, 3)
    _book(member, o)  # tomorrow
    table = boto3.client("dynamodb", region_name="ap-northeast-1")
    name = str(get_settings().table_name)
    old_day = {"PK": {"S": f"OFFERING#{o['id']}"}, "SK": {"S": f"SLOT#{o['slots'][0]['id']}"}}
    table.update_item(  # the per-day form of session 6
        TableName=name,
        Key=old_day,
        UpdateExpression="SET GSI2PK = :p, GSI2SK = :s",
        ExpressionAttributeValues={":p": {"S": f"SLOTDAY#{day(1)}"}, ":s": {"S": "x"}},
    )
    table.update_item(  # a slot from before the index
        TableName=name,
        Key={"PK": {"S": f"OFFERING#{o['id']}"}, "SK": {"S": f"SLOT#{o['slots'][1]['id']}"}},
        UpdateExpression="REMOVE GSI2PK, GSI2SK",
    )
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["reminded"] == 0  # lost to the index
    board = staff.get("/api/admin/dashboard").body
    assert {u["slot_id"] for u in board["upcoming"]}.isdisjoint({s["id"] for s in o["slots"]})

    first = env.invoke("SlotIndexFunction", SCHEDULED_EVENT)
    assert first["rekeyed"] == 2 and first["changed_meanwhile"] == 0, first
    assert env.invoke("SlotIndexFunction", SCHEDULED_EVENT)["rekeyed"] == 0  # idempotent
    board = staff.get("/api/admin/dashboard").body
    assert {s["id"] for s in o["slots"]} <= {u["slot_id"] for u in board["upcoming"]}
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["reminded"] == 1
    assert len(_reminders(env, DEMO[0])) == 1
