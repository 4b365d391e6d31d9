"""会員企業検索's index: the published companies, searched in memory (no search cluster).

Each company's searchable text is kept normalised, per weight class (names; tags: processing
categories, equipment names and makers; prose), with the pieces separated by NUL (which request
text can never contain, so a word never matches across two fields). A word is looked for with
`in` (C speed) over every company once, then each further word only in the companies left.
The index is stored already normalised and ordered (dump/load), so a fresh container only parses it.

Matching is by substring after normalisation: NFKC (full/half width), case folding and
katakana → hiragana, so ぷれす = プレス = ﾌﾟﾚｽ and two-character words such as 金型 work.
Order: the sum over the words of the best class each matched in (names 3, tags 2, prose 1),
then the companies' kana order.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
SEPARATOR = "\x00"
FORMAT = 1


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


class Index:
    """The companies in kana order (positions are their numbers), their normalised text, and the filters' sets."""

    def __init__(self, cards: list[dict[str, Any]], names: list[str], tags: list[str], text: list[str], facets: list[list[str]]) -> None:
        self.cards = cards
        self._names = names
        self._tags = tags
        self._all = [f"{a}{SEPARATOR}{b}{SEPARATOR}{c}" for a, b, c in zip(names, tags, text, strict=True)]
        self._text = text
        self._facets = facets  # per company: ["i:E", "i:24", "i:244", "i:2441", "a:<area>", "p:<category>", ...]
        self._by_facet: dict[str, list[int]] = {}
        for n, keys in enumerate(facets):
            for key in keys:
                self._by_facet.setdefault(key, []).append(n)

    @classmethod
    def build(cls, companies: Iterable[Company]) -> Index:
        return cls._of_rows(_row(c) for c in companies)

    @classmethod
    def _of_rows(cls, rows: Iterable[_Row]) -> Index:
        ordered = sorted(rows, key=lambda r: r.order)
        return cls([r.card for r in ordered], [r.names for r in ordered], [r.tags for r in ordered], [r.text for r in ordered], [r.facets for r in ordered])

    def updated(self, upserts: Iterable[Company], removed: Iterable[str]) -> Index:
        """This index with `upserts` added or replacing the company of the same id and the companies
        `removed` (ids) taken out: the same index as a build from the changed list of companies."""
        new_rows = [_row(c) for c in upserts]
        gone = {*removed, *(str(r.card.get("company_id", "")) for r in new_rows)}
        kept = (
            _Row(card, names, tags, text, facets)
            for card, names, tags, text, facets in zip(self.cards, self._names, self._tags, self._text, self._facets, strict=True)
            if str(card.get("company_id", "")) not in gone
        )
        return Index._of_rows([*kept, *new_rows])

    def company_ids(self) -> list[str]:
        return [str(card.get("company_id", "")) for card in self.cards]

    def dump(self) -> bytes:
        """The index as stored (gzip JSON, already normalised and ordered)."""
        body = {"format": FORMAT, "cards": self.cards, "names": self._names, "tags": self._tags, "text": self._text, "facets": self._facets}
        return gzip.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compresslevel=6)

    @classmethod
    def load(cls, blob: bytes) -> Index:
        body = json.loads(gzip.decompress(blob))
        if body.get("format") != FORMAT:
            raise ValueError(f"directory index format {body.get('format')!r}, expected {FORMAT}")
        return cls(body["cards"], body["names"], body["tags"], body["text"], body["facets"])

    def __len__(self) -> int:
        return len(self.cards)

    def search(self, query: str = "", industry: str = "", area: str = "", processing: str = "") -> list[int]:
        """The matching companies (their numbers), best first."""
        pool = self._filtered(industry, area, processing)
        words = words_of(query)
        if not words:
            return list(range(len(self.cards))) if pool is None else pool
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
        sets = sorted((self._by_facet.get(k, []) for k in keys), key=len)
        if len(sets) == 1:
            return list(sets[0])
        others = [set(s) for s in sets[1:]]
        return [n for n in sets[0] if all(n in o for o in others)]


@dataclass(frozen=True)
class _Row:
    """One company as the index stores it (normalised)."""

    card: dict[str, Any]
    names: str
    tags: str
    text: str
    facets: list[str]

    @property
    def order(self) -> tuple[str, str]:
        """Kana order (else the name's), then the id: computed from the card, so that a stored row
        sorts as the company it was built from did."""
        return normalize(str(self.card.get("company_name_kana") or self.card.get("company_name") or "")), str(self.card.get("company_id", ""))


def _joined(texts: Iterable[str]) -> str:
    return SEPARATOR.join(normalize(t) for t in texts if t)


def _row(c: Company) -> _Row:
    major, middle, minor = c.industry
    keys = {f"i:{code}" for code in (major, middle, minor[:3], minor) if code}
    keys |= {f"a:{normalize(a)}" for a in c.trade_areas} | {f"p:{normalize(p)}" for p in c.processing_categories}
    return _Row(c.card, _joined(c.names), _joined(c.tags), _joined(c.text), sorted(keys))


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
