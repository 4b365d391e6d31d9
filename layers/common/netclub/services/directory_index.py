"""会員企業検索's index: the published companies, searched in memory (no search cluster).

Each company's searchable text is kept normalised, per weight class (names; tags: processing
categories, equipment names and makers; prose), with the pieces separated by NUL (which request
text can never contain, so a word never matches across two fields). A word is looked for with
`in` (C speed) over every company once, then each further word only in the companies left.
The index is stored already normalised and ordered (dump/load), so a fresh container only splits it;
the cards stay UTF-8 until a page is answered, the other columns are decoded when first read, and a
filter's companies are found in the facets column's text (then kept), so no container builds a
structure of 20,000 entries before its first answer.

Matching is by substring after normalisation: NFKC (full/half width), case folding and
katakana → hiragana, so ぷれす = プレス = ﾌﾟﾚｽ and two-character words such as 金型 work.
Order: the sum over the words of the best class each matched in (names 3, tags 2, prose 1),
then the companies' kana order.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, overload

KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
SEPARATOR = "\x00"
RS = "\x1e"  # between the companies of a stored column
US = "\x1f"  # between one company's facet keys
FORMAT = 2
FACET_CACHE = 1024  # filter keys whose companies a container keeps
_RS_AT = re.compile(RS)
_BETWEEN = (RS, US)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(KATAKANA_TO_HIRAGANA)


def words_of(query: str) -> list[str]:
    """The query's words: separated by half- or full-width spaces (NFKC makes the latter the former)."""
    seen: list[str] = []
    for word in normalize(query).split():
        if word not in seen:
            seen.append(word)
    return seen


@dataclass(frozen=True)
class Company:
    """What the index is built from for one published company: its card (the answer) and its searchable text."""

    card: dict[str, Any]
    names: Sequence[str]  # company name, kana, common name
    tags: Sequence[str]  # processing categories, equipment names and makers
    text: Sequence[str]  # business summary, public info, shipping/sales
    industry: tuple[str, str, str]  # major, middle, minor ("" when absent)
    trade_areas: Sequence[str]
    processing_categories: Sequence[str]


class Cards(Sequence[dict[str, Any]]):
    """The companies' cards, kept as their JSON text and parsed only when asked for: a search answers
    one page of them, so a fresh container need not build 20,000 dicts to answer its first search."""

    def __init__(self, raw: list[str] | list[bytes] | list[str | bytes]) -> None:
        self.raw = raw

    @overload
    def __getitem__(self, n: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, n: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, n: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(n, slice):
            return [json.loads(r) for r in self.raw[n]]
        card: dict[str, Any] = json.loads(self.raw[n])
        return card

    def __len__(self) -> int:
        return len(self.raw)

    def __eq__(self, other: object) -> bool:
        return list(self) == (list(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]


class Index:
    """The companies in kana order (positions are their numbers), their normalised text, and the filters' sets."""

    COLUMNS = ("ids", "order", "cards", "names", "tags", "text", "facets")

    def __init__(self, columns: Mapping[str, list[str]], cards: Sequence[str | bytes] | None = None) -> None:
        """`columns`: per company, in kana order: id, order key, card (JSON text), names, tags, text and
        facet keys (joined by US). What a fresh container builds here is what its first search waits for:
        the joined text each word is looked for in. The cards (`cards`: their stored UTF-8, parsed one page
        at a time), the other columns and the facets' sets (the first filtered search) wait until asked for."""
        self._columns = columns
        self.cards = Cards(list(cards) if cards is not None else columns["cards"])
        self._names = columns["names"]
        self._tags = columns["tags"]
        self._all = [f"{a}{SEPARATOR}{b}{SEPARATOR}{c}" for a, b, c in zip(columns["names"], columns["tags"], columns["text"], strict=True)]
        self._facet_text: tuple[str, list[int]] | None = None
        self._with_facet: dict[str, list[int]] = {}

    def _companies_with(self, key: str) -> list[int]:
        """The companies (in order) with this facet key: found in the facets column as one text (RS between
        companies, US between keys) by a regular expression, C speed, the first filtered search included;
        each key's answer kept (at most FACET_CACHE keys)."""
        found = self._with_facet.get(key)
        if found is None:
            if self._facet_text is None:
                text = self._columns.text_of("facets") if isinstance(self._columns, _StoredColumns) else RS.join(self._columns["facets"])
                self._facet_text = text, [0, *(m.end() for m in _RS_AT.finditer(text))]
            text, starts = self._facet_text
            pattern = re.compile(f"{re.escape(key)}(?![^{RS}{US}])")  # a literal first: the engine's fast search
            at = [m.start() for m in pattern.finditer(text)]
            found = [bisect_right(starts, a) - 1 for a in at if a == 0 or text[a - 1] in _BETWEEN]
            if len(self._with_facet) >= FACET_CACHE:
                self._with_facet.clear()
            self._with_facet[key] = found
        return found

    @property
    def _rows(self) -> list[_Row]:
        c = self._columns
        return [_Row(*values) for values in zip(*(c[k] for k in self.COLUMNS), strict=True)]

    @classmethod
    def build(cls, companies: Iterable[Company]) -> Index:
        return cls._of_rows(_row(c) for c in companies)

    @classmethod
    def _of_rows(cls, rows: Iterable[_Row]) -> Index:
        ordered = sorted(rows, key=lambda r: (r.order, r.company_id))
        return cls({k: [getattr(r, f) for r in ordered] for k, f in zip(cls.COLUMNS, _Row.FIELDS, strict=True)})

    def updated(self, upserts: Iterable[Company], removed: Iterable[str]) -> Index:
        """This index with `upserts` added or replacing the company of the same id and the companies
        `removed` (ids) taken out: the same index as a build from the changed list of companies."""
        new_rows = [_row(c) for c in upserts]
        gone = {*removed, *(r.company_id for r in new_rows)}
        return Index._of_rows([*(r for r in self._rows if r.company_id not in gone), *new_rows])

    def company_ids(self) -> list[str]:
        return list(self._columns["ids"])

    def dump(self) -> bytes:
        """The index as stored (gzip): a header line (JSON: the format and each column's length in bytes),
        then the columns as UTF-8, each the companies' strings joined by RS (a control character no stored
        text holds; cards are JSON, which escapes it). Loading is then a split per column, no parsing."""
        blocks = [RS.join(self._columns[k]).encode("utf-8") for k in self.COLUMNS]
        header = {"format": FORMAT, "count": len(self._all), "columns": [[k, len(b)] for k, b in zip(self.COLUMNS, blocks, strict=True)]}
        return gzip.compress(json.dumps(header).encode("ascii") + b"\n" + b"".join(blocks), compresslevel=6)

    @classmethod
    def load(cls, blob: bytes) -> Index:
        raw = gzip.decompress(blob)
        if raw[:1] == b"{" and raw.find(b"\n") < 0:  # format 1 (one JSON document), as a deployment before wrote it
            return cls._load_format_1(json.loads(raw))
        end = raw.index(b"\n")
        header = json.loads(raw[:end])
        if header.get("format") != FORMAT:
            raise ValueError(f"directory index format {header.get('format')!r}, expected {FORMAT}")
        count, at, blocks = int(header["count"]), end + 1, {}
        for name, size in header["columns"]:
            blocks[name] = raw[at : at + size]
            at += size
        if set(blocks) != set(cls.COLUMNS) or at != len(raw):
            raise ValueError("directory index columns do not match the header")
        cards = blocks["cards"].split(RS.encode()) if count else []  # JSON is parsed as bytes, one card when asked for
        if len(cards) != count:
            raise ValueError(f"directory index column cards: {len(cards)} entries, expected {count}")
        return cls(_StoredColumns(blocks, count), cards)

    @classmethod
    def _load_format_1(cls, body: dict[str, Any]) -> Index:
        if body.get("format") != 1:
            raise ValueError(f"directory index format {body.get('format')!r}, expected {FORMAT}")
        return cls._of_rows(
            _Row(str(c.get("company_id", "")), _order(c), json.dumps(c, ensure_ascii=False, separators=(",", ":")), n, t, x, US.join(f))
            for c, n, t, x, f in zip(body["cards"], body["names"], body["tags"], body["text"], body["facets"], strict=True)
        )

    def __len__(self) -> int:
        return len(self._all)

    def search(self, query: str = "", industry: str = "", area: str = "", processing: str = "") -> list[int]:
        """The matching companies (their numbers), best first."""
        pool = self._filtered(industry, area, processing)
        words = words_of(query)
        if not words:
            return list(range(len(self._all))) if pool is None else pool
        everything = self._all
        candidates = range(len(everything)) if pool is None else pool
        for word in words:
            candidates = [n for n in candidates if word in everything[n]]
            if not candidates:
                return []
        names, tags = self._names, self._tags
        score = {n: sum(3 if w in names[n] else 2 if w in tags[n] else 1 for w in words) for n in candidates}
        return sorted(candidates, key=lambda n: (-score[n], n))

    def _filtered(self, industry: str, area: str, processing: str) -> list[int] | None:
        keys = [
            k
            for k in (f"i:{industry.upper()}" if industry else "", f"a:{normalize(area)}" if area else "", f"p:{normalize(processing)}" if processing else "")
            if k
        ]
        if not keys:
            return None
        sets = sorted((self._companies_with(k) for k in keys), key=len)
        if len(sets) == 1:
            return list(sets[0])
        others = [set(s) for s in sets[1:]]
        return [n for n in sets[0] if all(n in o for o in others)]


class _StoredColumns(Mapping[str, list[str]]):
    """The columns of a loaded index: each block of UTF-8 is decoded and split the first time it is read."""

    def __init__(self, blocks: dict[str, bytes], count: int) -> None:
        self._blocks = blocks
        self._count = count
        self._read: dict[str, list[str]] = {}

    def __getitem__(self, name: str) -> list[str]:
        if name not in self._read:
            values = self._blocks[name].decode("utf-8").split(RS) if self._count else []
            if len(values) != self._count:
                raise ValueError(f"directory index column {name}: {len(values)} entries, expected {self._count}")
            self._read[name] = values
        return self._read[name]

    def text_of(self, name: str) -> str:
        """A column as one text (its companies joined by RS, as stored)."""
        return self._blocks[name].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._blocks)

    def __len__(self) -> int:
        return len(self._blocks)


@dataclass(frozen=True)
class _Row:
    """One company as the index stores it: its id, its place in kana order, its card (JSON text) and
    its normalised text and facet keys (joined by US)."""

    company_id: str
    order: str  # the normalised kana (else name): the index's order
    card: str
    names: str
    tags: str
    text: str
    facets: str

    FIELDS: ClassVar[tuple[str, ...]] = ("company_id", "order", "card", "names", "tags", "text", "facets")


def _joined(texts: Iterable[str]) -> str:
    return _clean(SEPARATOR.join(normalize(t) for t in texts if t))


def _row(c: Company) -> _Row:
    major, middle, minor = c.industry
    keys = {f"i:{code}" for code in (major, middle, minor[:3], minor) if code}
    keys |= {f"a:{normalize(a)}" for a in c.trade_areas} | {f"p:{normalize(p)}" for p in c.processing_categories}
    card = json.dumps(c.card, ensure_ascii=False, separators=(",", ":"))  # JSON escapes RS and US
    return _Row(
        str(c.card.get("company_id", "")), _order(c.card), card, _joined(c.names), _joined(c.tags), _joined(c.text), US.join(sorted(_clean(k) for k in keys))
    )


def _order(card: Mapping[str, Any]) -> str:
    return _clean(normalize(str(card.get("company_name_kana") or card.get("company_name") or "")))


def _clean(text: str) -> str:
    """Request text never holds control characters (models/common.py); data written otherwise cannot
    break the stored columns either."""
    return text.replace(RS, " ").replace(US, " ")


def company_from(card: Mapping[str, Any], profile: Mapping[str, Any]) -> Company:
    """The index's view of a published company: its card and the published fields a search reads."""
    industry = profile.get("industry") or {}
    equipment = profile.get("equipment") or []
    return Company(
        card=dict(card),
        names=[str(profile.get(k) or "") for k in ("company_name", "company_name_kana", "common_name")],
        tags=[*map(str, profile.get("processing_categories") or []), *(str(e.get(k) or "") for e in equipment for k in ("name", "maker"))],
        text=[str(profile.get(k) or "") for k in ("business_summary", "public_info", "shipping_sales")],
        industry=(str(industry.get("major") or ""), str(industry.get("middle") or ""), str(industry.get("minor") or "")),
        trade_areas=list(profile.get("trade_areas") or []),
        processing_categories=list(profile.get("processing_categories") or []),
    )
