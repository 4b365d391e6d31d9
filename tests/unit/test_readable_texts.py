"""What a person reads out or recognises (issue 27): the 予約番号, dates with their weekday, download names."""

from __future__ import annotations

import urllib.parse

from hypothesis import given
from hypothesis import strategies as st
from netclub import clock, ids
from netclub.api import attachment


@given(st.text(min_size=1, max_size=80))
def test_a_reference_is_eight_unambiguous_characters_and_always_the_same(value: str) -> None:
    number = ids.reference(value)
    assert len(number) == 9 and number[4] == "-"
    assert set(number.replace("-", "")) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")  # no I, L, O, U
    assert ids.reference(value) == number


def test_references_of_many_ids_do_not_collide() -> None:
    numbers = {ids.reference(ids.new_id()) for _ in range(20_000)}
    assert len(numbers) == 20_000  # 40 bits: a clash among 20,000 would be a 1-in-5,000 event


def test_a_date_has_its_weekday() -> None:
    assert clock.date_text("2026-12-21") == "2026年12月21日（月）"
    assert clock.date_text("2027-01-03") == "2027年1月3日（日）"


def test_a_japanese_download_name_is_sent_as_utf8_with_an_ascii_fallback() -> None:
    assert attachment("events.ics") == 'attachment; filename="events.ics"'
    name = "経営セミナー_2026-12-21.ics"
    assert attachment(name) == f"attachment; filename=\"download.ics\"; filename*=UTF-8''{urllib.parse.quote(name)}"
    assert attachment('a"b.csv').startswith('attachment; filename="download.csv"; filename*=UTF-8')
