"""The iCalendar text (RFC 5545) of the portal's calendars: the few value types they use, escaped and folded.

The `icalendar` package wrote them before; loading it cost ~40 ms of CPU on a calendar function's
first request, for a handful of properties. `tests/functional/test_ical.py` checks this writer against
`icalendar` (kept as a test dependency) property by property on adversarial text, and that icalendar
parses every calendar back to the same thing.

- TEXT values escape backslash, semicolon, comma and line breaks (3.3.11); other control characters,
  which TEXT may not hold, are dropped.
- Date-times: `time` writes local Asia/Tokyo time with its TZID (the VTIMEZONE is `tokyo_vtimezone()`,
  added by `write` when a component uses it); `utc` writes UTC with `Z` (DTSTAMP, LAST-MODIFIED: 3.8.7).
- Lines are folded at 75 octets, never inside a UTF-8 sequence, continuation lines starting with a
  space (3.1); every line ends with CRLF.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # after line breaks are escaped: no CTL but HTAB
_NOT_URI = re.compile(r"[\x00-\x20\x7f]")  # controls and spaces: never in a URI (RFC 3986)
_LIMIT = 75


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return _CONTROL.sub("", value)


def duration(delta: timedelta) -> str:
    """A DURATION (3.3.6) of whole days, hours, minutes and seconds: -P1D, PT15M."""
    seconds = int(delta.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    # dur-time = "T" (dur-hour / dur-minute / dur-second), dur-hour = 1*DIGIT "H" [dur-minute]: between
    # hours and seconds the minutes are written, even 0
    time = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n or (unit == "M" and hours and secs))
    return f"{sign}P{f'{days}D' if days else ''}{f'T{time}' if time else ''}" if days or time else "PT0S"


class Component:
    """BEGIN:NAME, its content lines in the order added, its subcomponents, END:NAME."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self.components: list[Component] = []
        self.uses_tokyo = False

    def raw(self, name: str, value: str) -> Component:
        """A value written as it is (VERSION, METHOD, UTC offset...): the portal's own constants."""
        self.lines.append(f"{name}:{_CONTROL.sub('', value)}")
        return self

    def uri(self, name: str, value: str) -> Component:
        """A URI (validated where it was entered: models.common.check_url); anything that cannot be in one is dropped."""
        return self.raw(name, _NOT_URI.sub("", value))

    def text(self, name: str, value: str) -> Component:
        return self.raw(name, escape_text(value))

    def time(self, name: str, moment: datetime) -> Component:
        """Local time in Asia/Tokyo with its TZID; a naive moment is taken as Tokyo time."""
        local = moment.astimezone(TOKYO) if moment.tzinfo else moment
        self.uses_tokyo = True
        return self.raw(f"{name};TZID=Asia/Tokyo", local.strftime("%Y%m%dT%H%M%S"))

    def utc(self, name: str, moment: datetime) -> Component:
        """UTC with Z; a naive moment is taken as Tokyo time (as `time` does), never as the machine's zone."""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)
        return self.raw(name, aware.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))

    def add(self, component: Component) -> Component:
        self.components.append(component)
        return self

    def content_lines(self) -> list[str]:
        lines = [f"BEGIN:{self.name}", *self.lines]
        for component in self.components:
            lines += component.content_lines()
        return [*lines, f"END:{self.name}"]

    def tokyo_used(self) -> bool:
        return self.uses_tokyo or any(c.tokyo_used() for c in self.components)


def tokyo_vtimezone() -> Component:
    """The VTIMEZONE of Asia/Tokyo: +09:00 all year (Japan has had no summer time since 1951); the
    component icalendar derives from zoneinfo, less its comment that it derived 1970-2038 only."""
    standard = Component("STANDARD").raw("DTSTART", "19700101T000000").text("TZNAME", "JST")
    standard.raw("TZOFFSETFROM", "+0900").raw("TZOFFSETTO", "+0900")
    return Component("VTIMEZONE").text("TZID", "Asia/Tokyo").add(standard)


def fold(line: str) -> str:
    """Physical lines of at most 75 octets; a continuation starts with one space (counted in its 75)."""
    if len(line) <= _LIMIT and line.isascii():
        return line
    out: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > _LIMIT:
            out.append("\r\n ")
            size = 1
        out.append(char)
        size += width
    return "".join(out)


def write(calendar: Component) -> str:
    """The calendar's text, the Asia/Tokyo VTIMEZONE first among its components when a time uses it."""
    lines = calendar.content_lines()
    if calendar.tokyo_used():
        lines[1 + len(calendar.lines) : 1 + len(calendar.lines)] = tokyo_vtimezone().content_lines()
    return "".join(fold(line) + "\r\n" for line in lines)
