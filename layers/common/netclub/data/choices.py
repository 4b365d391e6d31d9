"""お取引エリア and 加工分類: the one list of each. My情報 offers and accepts only these (models/profile.py, whose
OpenAPI enum gives the front end its lists: src/api/rules.ts), 会員企業検索 searches them, the demo data uses them.

Before the lists the fields were free text, so a stored profile or the old system's CSV may hold 「東京都」,
「プレス加工」 or 「ﾒｯｷ」: `trade_area` / `processing_category` map such a value onto the list (NFKC, width,
case, katakana/hiragana, spaces and 「・」 ignored; a few known synonyms; 「…加工」 as its kind). A value that maps
onto none (「中国」: 中国地方 or China?) is never guessed: `read_back` keeps it as written, for the member to choose
again (the form says so) — nothing is dropped without someone seeing it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

TRADE_AREAS: tuple[str, ...] = ("東京都内", "関東", "北海道", "東北", "中部", "関西", "中国・四国", "九州・沖縄", "全国", "海外")

PROCESSING_CATEGORIES: tuple[str, ...] = (
    "切削",
    "研削",
    "研磨",
    "プレス",
    "板金",
    "溶接",
    "鋳造",
    "鍛造",
    "金型",
    "樹脂成形",
    "塗装",
    "メッキ",
    "熱処理",
    "表面処理",
    "組立",
    "検査",
    "設計",
    "試作",
    "編立",
    "縫製",
    "印刷",
    "電子部品実装",
    "その他",
)

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_IGNORED = str.maketrans("", "", " \u3000・･/／")


def key(value: str) -> str:
    """What two spellings of one value share: NFKC (width), case, hiragana for katakana, no spaces or 「・」."""
    return unicodedata.normalize("NFKC", value).casefold().translate(_KATAKANA_TO_HIRAGANA).translate(_IGNORED)


_AREA_SYNONYMS = {
    "東京": "東京都内",
    "東京都": "東京都内",
    "都内": "東京都内",
    "東京都全域": "東京都内",
    "東京23区": "東京都内",
    "23区": "東京都内",
    "関東地方": "関東",
    "関東一円": "関東",
    "関東全域": "関東",
    "首都圏": "関東",
    "北海道地方": "北海道",
    "東北地方": "東北",
    "中部地方": "中部",
    "東海": "中部",
    "東海地方": "中部",
    "北陸": "中部",
    "北陸地方": "中部",
    "関西地方": "関西",
    "近畿": "関西",
    "近畿地方": "関西",
    "中国地方": "中国・四国",
    "四国": "中国・四国",
    "四国地方": "中国・四国",
    "中四国": "中国・四国",
    "九州": "九州・沖縄",
    "九州地方": "九州・沖縄",
    "沖縄": "九州・沖縄",
    "沖縄県": "九州・沖縄",
    "日本全国": "全国",
    "全国各地": "全国",
    "国内": "全国",
    "国内全域": "全国",
    "日本国内": "全国",
    "国外": "海外",
    "海外全般": "海外",
}
_PROCESSING_SYNONYMS = {
    "めっき": "メッキ",
    "鍍金": "メッキ",
    "射出成形": "樹脂成形",
    "射出成型": "樹脂成形",
    "樹脂成型": "樹脂成形",
    "プラスチック成形": "樹脂成形",
    "プラスチック成型": "樹脂成形",
    "組み立て": "組立",
    "組立て": "組立",
    "編み立て": "編立",
    "編立て": "編立",
    "ニット": "編立",
    "旋盤": "切削",
    "フライス": "切削",
    "マシニング": "切削",
    "金型製作": "金型",
    "金型製造": "金型",
    "プレス板金": "板金",
    "ミシン縫製": "縫製",
    "基板実装": "電子部品実装",
    "実装": "電子部品実装",
}
_SUFFIXES = ("加工業", "加工")


def _table(choices: Iterable[str], synonyms: dict[str, str]) -> dict[str, str]:
    table = {key(written): chosen for written, chosen in synonyms.items()}
    table.update({key(c): c for c in choices})
    return table


_AREAS = _table(TRADE_AREAS, _AREA_SYNONYMS)
_PROCESSING = _table(PROCESSING_CATEGORIES, _PROCESSING_SYNONYMS)


def trade_area(value: str) -> str | None:
    """The お取引エリア a written value means, or None when it maps onto none of the list."""
    return _AREAS.get(key(value))


def processing_category(value: str) -> str | None:
    """The 加工分類 a written value means (「プレス加工」 → プレス), or None when it maps onto none of the list."""
    found = key(value)
    if found in _PROCESSING:
        return _PROCESSING[found]
    for suffix in _SUFFIXES:
        if found.endswith(suffix) and found[: -len(suffix)] in _PROCESSING:
            return _PROCESSING[found[: -len(suffix)]]
    return None


def read_back(values: Iterable[str], mapping: Callable[[str], str | None]) -> list[str]:
    """Stored values as the lists know them: each mapped onto its list value, one that maps onto none kept as
    written (blank ones dropped), each once, in the stored order."""
    seen: list[str] = []
    for value in values:
        if not value.strip():
            continue
        shown = mapping(value) or value
        if shown not in seen:
            seen.append(shown)
    return seen


def unlisted(values: Iterable[str], choices: tuple[str, ...]) -> list[str]:
    """The values that are not in the list as they are (what a form must not send)."""
    return [v for v in values if v not in choices]
