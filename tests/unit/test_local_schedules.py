"""The local stack reads template.yaml's EventBridge schedules (local/schedules.py)."""

from __future__ import annotations

import threading
from typing import Any

from local import cfn, schedules


def test_the_template_schedules_are_found_with_their_periods() -> None:
    found = {s.function: s for s in schedules.schedules(cfn.load())}
    assert found["DirectoryIndexFunction"].expression == "rate(15 minutes)"
    assert found["DirectoryIndexFunction"].period_seconds == 900
    assert found["MailRetryFunction"].period_seconds == 300
    assert schedules.Schedule("F", "R", "cron(0 12 * * ? *)").period_seconds is None


def test_schedules_have_the_short_names_of_the_api() -> None:
    found = {s.name: s for s in schedules.schedules(cfn.load())}
    assert found["reminders"].function == "RemindersFunction" and found["reminders"].expression == "cron(0 0 * * ? *)"
    assert found["mail-retry"].function == "MailRetryFunction" and found["directory-index"].function == "DirectoryIndexFunction"


def test_the_event_is_eventbridges_scheduled_event() -> None:
    event = schedules.scheduled_event(schedules.Schedule("F", "Every", "rate(1 minute)"), "ap-northeast-1", "123456789012")
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events" and event["detail"] == {}
    assert event["resources"] == ["arn:aws:events:ap-northeast-1:123456789012:rule/F-Every"]


def test_a_timer_invokes_every_period_and_stops(monkeypatch: Any) -> None:
    calls: list[str] = []
    monkeypatch.setattr(schedules, "invoke", lambda schedule, *_: calls.append(schedule.function))
    monkeypatch.setattr(schedules.Schedule, "period_seconds", property(lambda self: 0.01))  # type: ignore[arg-type]
    stopping = threading.Event()
    threads = schedules.start_timers([schedules.Schedule("F", "R", "rate(1 minute)")], {}, "r", "a", stopping)
    while len(calls) < 3:
        threading.Event().wait(0.01)
    stopping.set()
    for thread in threads:
        thread.join(1)
    assert not any(t.is_alive() for t in threads) and set(calls) == {"F"}
