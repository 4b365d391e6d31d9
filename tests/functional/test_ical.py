"""netclub.ical against the `icalendar` package (which wrote the calendars before, and stays the reference
in the tests): the same values, escaped and folded as RFC 5545 asks, parsed back to the same thing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from icalendar import Alarm, Calendar, Event, vDuration
from netclub import ical
from netclub.ical import TOKYO, Component

NASTY = [
    "",
    "a,b;c\\d",
    "改行\nあり\r\nCRLF\rCR",
    "中小企業のためのデジタルトランスフォーメーション実践セミナー〜生成AIとクラウドで変わる受発注・在庫管理・資金繰りの最前線〜（第3回）",
    "x" * 74,
    "x" * 75,
    "x" * 200,
    "é" * 80,
    "👨‍👩‍👧" * 20,
    "tab\tkept",
    'quote " colon : semicolon ; comma ,',
]


def _unfolded(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line  # RFC 5545 3.1
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def _ours(text: str, when: dt.datetime, stamp: dt.datetime, url: str) -> bytes:
    cal = Component("VCALENDAR").text("PRODID", "-//Net Club My Portal//企業Myポータル//JA").raw("VERSION", "2.0")
    event = Component("VEVENT").text("UID", "event-1@netclub.example").utc("DTSTAMP", stamp)
    event.time("DTSTART", when).time("DTEND", when + dt.timedelta(hours=2)).text("SUMMARY", text).text("LOCATION", text)
    event.text("DESCRIPTION", text).raw("URL", url).utc("LAST-MODIFIED", stamp)
    event.add(Component("VALARM").raw("ACTION", "DISPLAY").text("DESCRIPTION", text).raw("TRIGGER", ical.duration(dt.timedelta(days=-1))))
    return ical.write(cal.add(event)).encode("utf-8")


def _reference(text: str, when: dt.datetime, stamp: dt.datetime, url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Net Club My Portal//企業Myポータル//JA")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", "event-1@netclub.example")
    event.add("dtstamp", stamp)
    event.add("dtstart", when.astimezone(TOKYO))
    event.add("dtend", (when + dt.timedelta(hours=2)).astimezone(TOKYO))
    for name in ("summary", "location", "description"):
        event.add(name, text)
    event.add("url", url)
    event.add("last-modified", stamp)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", dt.timedelta(days=-1))
    event.add_component(alarm)
    cal.add_component(event)
    cal.add_missing_timezones()
    (zone,) = cal.walk("VTIMEZONE")
    del zone["COMMENT"]  # icalendar notes that it derived the zone for 1970-2038 only
    return cal.to_ical()


def _components(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Each component's name and its own content lines, sorted (the order of properties carries no meaning)."""
    stack: list[tuple[str, list[str]]] = []
    done = []
    for line in lines:
        if line.startswith("BEGIN:"):
            stack.append((line[6:], []))
        elif line.startswith("END:"):
            name, own = stack.pop()
            done.append((name, sorted(own)))
        else:
            stack[-1][1].append(line)
    return sorted(done)


def _same(text: str, when: dt.datetime, stamp: dt.datetime, url: str = "https://portal.netclub.example/reservations/a,b;c") -> None:
    ours, reference = _ours(text, when, stamp, url), _reference(text, when, stamp, url)
    assert _components(_unfolded(ours)) == _components(_unfolded(reference))
    assert Calendar.from_ical(ours) == Calendar.from_ical(reference)
    lines = _unfolded(ours)
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")  # the zone before the times that name it


@pytest.mark.parametrize("text", NASTY)
def test_text_dates_alarm_and_zone_as_icalendar_writes_them(text: str) -> None:
    when = dt.datetime(2027, 7, 1, 14, 0, tzinfo=TOKYO)  # summer: Japan keeps +09:00
    stamp = dt.datetime(2026, 12, 5, 17, 15, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=9)))  # clock.iso(): the Tokyo offset
    _same(text, when, stamp)
    _same(text, when.astimezone(dt.UTC), stamp.astimezone(dt.UTC))  # an instant given in UTC is written in Tokyo time


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('\n\r\t,;\\:"'), max_size=300))
def test_any_text_is_what_icalendar_writes(text: str) -> None:
    assume("\\N" not in text)  # icalendar writes a literal backslash-N as a line break (its quirk: see below)
    _same(text, dt.datetime(2026, 12, 20, 9, 30, tzinfo=TOKYO), dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC))


def test_a_literal_backslash_n_stays_a_backslash_n() -> None:
    """icalendar's writer turns the two characters \\N into a line break before escaping (found by the property
    above); RFC 5545 escapes the backslash, so a reader gets the text back. Ours does, read by icalendar's parser."""
    assert ical.escape_text("a\\Nb") == "a\\\\Nb"
    ours = _ours("a\\Nb", dt.datetime(2026, 12, 20, 9, 30, tzinfo=TOKYO), dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC), "https://x.example/")
    (alarm,) = Calendar.from_ical(ours).walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == "a\\Nb"


def test_control_characters_text_may_not_hold_are_dropped() -> None:
    assert ical.escape_text("a\x00b\x1bc\x7fd\te\nf") == "abcd\te\\nf"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(days=-1), "-P1D"),
        (dt.timedelta(minutes=-15), "-PT15M"),
        (dt.timedelta(days=1, hours=2, seconds=3), "P1DT2H0M3S"),
        (dt.timedelta(hours=1), "PT1H"),
        (dt.timedelta(minutes=1, seconds=5), "PT1M5S"),
        (dt.timedelta(0), "PT0S"),
    ],
)
def test_durations(delta: dt.timedelta, text: str) -> None:
    assert ical.duration(delta) == text
    assert vDuration.from_ical(text) == delta  # what icalendar reads it as


def test_uris_naive_times_and_writing_twice() -> None:
    event = Component("VEVENT").uri("URL", "https://a.example/x\x00y z\r\n").utc("DTSTAMP", dt.datetime(2026, 12, 5, 9, 0))
    event.time("DTSTART", dt.datetime(2026, 12, 5, 9, 0))
    cal = Component("VCALENDAR").raw("VERSION", "2.0\r\nX-EVIL:1").add(event)
    once = ical.write(cal)
    assert "URL:https://a.example/xyz\r\n" in once  # nothing that cannot be in a URI
    assert "DTSTAMP:20261205T000000Z\r\n" in once  # a naive moment is Tokyo time, not the machine's
    assert "X-EVIL" not in once.replace("VERSION:2.0X-EVIL:1", "")  # no line of its own
    assert ical.write(cal) == once and once.count("BEGIN:VTIMEZONE") == 1


def test_no_time_no_zone() -> None:
    assert "VTIMEZONE" not in ical.write(Component("VCALENDAR").raw("VERSION", "2.0"))
