"""What a person reads out or recognises (issue 27): the 予約番号, dates with their weekday, download names."""

from __future__ import annotations

import re
import urllib.parse

from hypothesis import given
from hypothesis import strategies as st
from netclub import clock, ids
from netclub.content_disposition import attachment


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
    assert attachment(name) == f"attachment; filename=\"download.ics\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"
    assert attachment("見積書.pdf", fallback="file") == "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf"


def test_quotes_semicolons_and_separators_never_reach_the_header_raw() -> None:
    assert attachment('a"b.csv') == "attachment; filename=\"download.csv\"; filename*=UTF-8''a%22b.csv"
    assert attachment("a;b.csv") == "attachment; filename=\"download.csv\"; filename*=UTF-8''a%3Bb.csv"
    assert attachment("a,b\\c%20.csv") == "attachment; filename=\"download.csv\"; filename*=UTF-8''a%2Cb%5Cc%2520.csv"
    assert attachment("dir/x.txt") == "attachment; filename=\"download.txt\"; filename*=UTF-8''dir%2Fx.txt"
    assert attachment("資料.日本語") == "attachment; filename=\"download\"; filename*=UTF-8''" + urllib.parse.quote(
        "資料.日本語", safe=""
    )  # no non-ASCII fallback
    assert attachment("report\r\n Set-Cookie x=1.csv") == 'attachment; filename="report Set-Cookie x=1.csv"'  # CR/LF dropped: one header
    assert attachment("\n") == 'attachment; filename="download"'


@given(st.text(max_size=60))
def test_any_name_gives_one_header_line_that_parses_back_to_the_name(name: str) -> None:
    header = attachment(name)
    assert header.isascii() and not any(c in header for c in "\r\n\x00")
    cleaned = "".join(c for c in name if not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029")).strip()
    plain = re.fullmatch(r'attachment; filename="([^"\\;,%]*)"', header)
    encoded = re.fullmatch(r"attachment; filename=\"[A-Za-z0-9.]+\"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)", header)
    assert plain or encoded, header
    assert (plain[1] if plain else urllib.parse.unquote(encoded[1])) == (cleaned or "download")  # type: ignore[index]
