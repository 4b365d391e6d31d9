"""The accessibility test record behind ウェブアクセシビリティ方針 (/accessibility).

The page publishes frontend/src/accessibility/results.json. That file is written by the browser suite
itself and only by it, and the suite checks it on every run:

- each accessibility test (the axe/320 px walk of one area's screens, each keyboard journey) builds the
  section it measured: the screens and states it visited, the axe version and rules it ran, the success
  criteria those rules test (from axe's own tags), the violations and reflow failures it found, the
  number of focus checks a journey made;
- normally it compares that section with the committed file, every field but the date: any
  difference (a screen added or gone, another axe version, a hand-edited count or criterion, a
  journey that checks more or less) fails the test and says how to record anew. So the page can
  only show what the suite, as committed, measures now; CI runs it on every submission;
- with NETCLUB_A11Y_RECORD=1 the test writes its section instead, dated today (Japan time), and
  then still fails if it found a violation: a record can show a failure, never hide one;
- the date must be a real date, not in the future.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path
from typing import Any

from tests.browser.support import ROOT

RESULTS = ROOT / "frontend" / "src" / "accessibility" / "results.json"
LOCK = ROOT / "artifacts" / "a11y-record.lock"
NOTE = (
    "Written by the browser suite (tests/browser/a11y_record.py): NETCLUB_A11Y_RECORD=1 .venv/bin/pytest tests/browser/test_accessibility.py "
    "tests/browser/test_keyboard.py. Do not edit by hand: the suite fails when a section differs from what it measures."
)
JST = dt.timezone(dt.timedelta(hours=9))


def recording() -> bool:
    return os.environ.get("NETCLUB_A11Y_RECORD") == "1"


def today() -> str:
    return dt.datetime.now(JST).date().isoformat()


def _load(path: Path = RESULTS) -> dict[str, Any]:
    if not path.exists():
        return {"note": NOTE, "sections": {}}
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def settle(name: str, measured: dict[str, Any], *, path: Path = RESULTS) -> None:
    """Record this section (NETCLUB_A11Y_RECORD=1) or check that the committed one is what was measured."""
    if recording():
        LOCK.parent.mkdir(parents=True, exist_ok=True)
        with LOCK.open("w") as lock:  # the tests of one run may record from several workers (pytest -n)
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = _load(path)
            data["note"] = NOTE
            data.setdefault("sections", {})[name] = {**measured, "tested_on": today()}
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_dump(data), encoding="utf-8")
        return
    committed = _load(path).get("sections", {}).get(name)
    how = f"record it anew: NETCLUB_A11Y_RECORD=1 .venv/bin/pytest {os.environ.get('PYTEST_CURRENT_TEST', '').split(' ')[0] or 'tests/browser'}"
    assert committed is not None, f"{_shown(path)} has no section {name!r}: {how}"
    committed = dict(committed)
    tested_on = committed.pop("tested_on", "")
    try:
        date = dt.date.fromisoformat(tested_on)
    except ValueError:
        raise AssertionError(f"{name}: tested_on {tested_on!r} is not a date: {how}") from None
    assert date.isoformat() <= today(), f"{name}: tested_on {tested_on} is in the future: {how}"
    if committed != measured:
        diff = [
            f"  {key}: committed {json.dumps(committed.get(key), ensure_ascii=False)[:400]}\n  {' ' * len(key)}  measured  {json.dumps(measured.get(key), ensure_ascii=False)[:400]}"
            for key in sorted(set(committed) | set(measured))
            if committed.get(key) != measured.get(key)
        ]
        raise AssertionError(f"{_shown(path)} section {name!r} is not what the suite measured now:\n" + "\n".join(diff) + f"\n{how}")


def criteria_of(tags: list[str]) -> list[str]:
    """axe's WCAG criterion tags as numbers: wcag111 → 1.1.1, wcag1410 → 1.4.10 (principle and guideline are one digit each)."""
    found = set()
    for tag in tags:
        digits = tag.removeprefix("wcag")
        if tag.startswith("wcag") and digits.isdigit() and len(digits) >= 3:
            found.add(f"{digits[0]}.{digits[1]}.{digits[2:]}")
    return sorted(found, key=lambda c: tuple(int(p) for p in c.split(".")))
