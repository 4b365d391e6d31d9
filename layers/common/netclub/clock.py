"""Time in one place, so rules about expiry can be tested by moving the clock."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "Asia/Tokyo")


def now() -> datetime:
    return datetime.now(UTC)


def epoch() -> int:
    return int(now().timestamp())


def iso(moment: datetime | None = None) -> str:
    """An instant as ISO 8601 with the Tokyo offset (what users see)."""
    return (moment or now()).astimezone(JST).isoformat(timespec="seconds")


def jst_text(moment: datetime | None = None) -> str:
    """An instant as mails show it: 2026年11月24日 15:30."""
    return (moment or now()).astimezone(JST).strftime("%Y年%m月%d日 %H:%M")


WEEKDAYS = "月火水木金土日"


def date_text(day: str) -> str:
    """A date (YYYY-MM-DD) as mails show it, with its weekday: 2026年12月21日（月）."""
    d = date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）"


def today_jst() -> str:
    return now().astimezone(JST).date().isoformat()


def answer_after(started: float, seconds: float) -> None:
    """Wait until `seconds` have passed since `started` (a time.monotonic() reading).

    For answers that must not tell, by their timing, whether an address is registered.
    """
    left = seconds - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)
