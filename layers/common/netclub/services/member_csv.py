"""The old system's member CSV (会員データ移行): the file as Japanese offices produce it, read into rows.

Pure rules, no AWS: the encoding (UTF-8 with or without BOM, else Shift_JIS as Excel saves it, cp932),
the header (Japanese column names, any order), and each row's values normalised as people type them
(full-width digits and hyphens, 1/0 or 希望する/希望しない, genres by label or id, dates as Excel writes
them). Every value then goes through the same profile rules as My情報 (services.profiles.validate, the
pydantic models): an imported member is as valid as a registered one. A row that breaks a rule is
reported by row and column in Japanese, never imported.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netclub.data import choices
from netclub.errors import FieldError
from netclub.models.common import EMAIL_RE
from netclub.models.profile import GENRE_LABELS

UTF8, UTF8_BOM, CP932 = "UTF-8", "UTF-8 (BOM付き)", "Shift_JIS (cp932)"
MAX_ROWS = 30_000  # the organisation's scale; a larger file is refused before any row is read
MEMBER_NUMBER_MAX = 20


class FileUnreadable(Exception):
    """The file as a whole cannot be read as the migration CSV (encoding, header, size): its Japanese message."""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was detected in: a BOM means UTF-8; else strict UTF-8; else cp932."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), UTF8_BOM
        except UnicodeDecodeError:
            raise FileUnreadable("UTF-8（BOM付き）として読めない文字が含まれています。ファイルを保存し直してください。") from None
    try:
        return data.decode("utf-8"), UTF8
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), CP932
    except UnicodeDecodeError:
        raise FileUnreadable("文字コードを判別できません。UTF-8 または Shift_JIS（Excelの「CSV（コンマ区切り）」）で保存してください。") from None


# --- values as people type them ------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ー－ｰ"), "-")
_SPACES = re.compile(r"\s+")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TRUE = frozenset({"1", "希望する", "はい", "有", "あり", "○", "〇", "true", "yes"})
_FALSE = frozenset({"0", "希望しない", "いいえ", "無", "なし", "×", "false", "no", ""})
_CORPORATE = {"法人": "corporation", "個人事業者": "sole_proprietor", "個人事業主": "sole_proprietor", "創業予定者": "founder"}
_GENRES = {**{label: genre for genre, label in GENRE_LABELS.items()}, **{genre: genre for genre in GENRE_LABELS}}
_HIRAGANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


class BadValue(ValueError):
    pass


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def digits_and_hyphens(value: str) -> str:
    """郵便番号・電話番号: full-width digits and every dash-like character (－, ー, ‐, −…) as ASCII, spaces out,
    「〒」 and the brackets of 03(1234)5678 as Japanese write them."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value).translate(_DASHES)).removeprefix("〒")
    text = re.sub(r"[()]", "-", text).strip("-")
    return re.sub(r"-{2,}", "-", text)


def kana(value: str) -> str:
    """フリガナ: half-width katakana as full-width (NFKC), hiragana as katakana."""
    return _nfkc(value).translate(_HIRAGANA)


def flag(value: str) -> bool:
    text = _nfkc(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("「1」か「0」（または「希望する」「希望しない」）で入力してください。")


def integer(value: str) -> int | None:
    text = _nfkc(value).replace(",", "").replace("，", "")
    if not text:
        return None
    if not re.fullmatch(r"\d{1,15}", text):
        raise BadValue("0以上の整数で入力してください（カンマ区切り可）。")
    return int(text)


def day(value: str) -> str | None:
    text = _nfkc(value)
    if not text:
        return None
    found = _DATE_RE.match(text)
    try:
        if not found:
            raise ValueError(text)
        return date(int(found[1]), int(found[2]), int(found[3])).isoformat()
    except ValueError:
        raise BadValue("日付は「2015/04/01」の形式で入力してください。") from None


def corporate_type(value: str) -> str | None:
    text = _nfkc(value)
    if not text:
        return None
    if text not in _CORPORATE:
        raise BadValue("「法人」「個人事業者」「創業予定者」のいずれかを入力してください。")
    return _CORPORATE[text]


def genres(value: str) -> list[str]:
    found: list[str] = []
    for part in re.split(r"[・;；,、/／\n]", value):
        text = part.strip()
        if not text:
            continue
        genre = _GENRES.get(text) or _GENRES.get(_nfkc(text))
        if not genre:
            raise BadValue(f"メールマガジンジャンル「{text}」は選べません（{'、'.join(GENRE_LABELS.values())}）。")
        if genre not in found:
            found.append(genre)
    return found


def _chosen(label: str, listed: tuple[str, ...], mapping: Callable[[str], str | None]) -> Callable[[str], list[str]]:
    """お取引エリア・加工分類: several values in one cell (「、」「,」「;」「/」 or a line break between them; not 「・」, which
    「中国・四国」 holds), each as the list value it means (「東京都」 → 東京都内, 「プレス加工」 → プレス); one that means
    none is refused by name, never dropped."""

    def read(value: str) -> list[str]:
        found: list[str] = []
        for raw in re.split(r"[、,，;；/／\r\n]", value):
            part = raw.strip()  # spaces, tabs, a CR of a CRLF break inside the quoted cell
            if not part:
                continue
            chosen = mapping(part)
            if chosen is None:
                raise BadValue(f"{label}「{part}」は選択肢にありません（{'、'.join(listed)}）。")
            if chosen not in found:
                found.append(chosen)
        return found

    return read


def read_back_choices(profile: dict[str, Any]) -> dict[str, Any]:
    """A stored profile whose お取引エリア・加工分類 predate the lists: the values as the lists know them (one that
    maps onto none stays, and the profile rules then name it against its column)."""
    out = dict(profile)
    for name, mapping in (("trade_areas", choices.trade_area), ("processing_categories", choices.processing_category)):
        if out.get(name):
            out[name] = choices.read_back(map(str, out[name]), mapping)
    return out


def text(value: str) -> str | None:
    stripped = value.strip()
    return stripped or None


def industry_major(value: str) -> str | None:
    return _nfkc(value).upper() or None


def industry_middle(value: str) -> str | None:
    code = _nfkc(value)
    return code.zfill(2) if code.isdigit() and len(code) == 1 else (code or None)  # Excel drops the leading zero of 05


# --- the columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    path: str  # where the value goes: "profile.<dotted>", "member_number", "email", "joined_on", "note"
    read: Callable[[str], Any]
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("会員番号", "member_number", lambda v: _nfkc(v) or None, required=True),
    Column("入会日", "joined_on", day),
    Column("メールアドレス", "email", lambda v: _nfkc(v).lower() or None, required=True),
    Column("法人・個人区分", "profile.corporate_type", corporate_type, required=True),
    Column("企業名", "profile.company_name", text, required=True),
    Column("企業名カナ", "profile.company_name_kana", lambda v: kana(v) or None),
    Column("事業所名", "profile.office_name", text),
    Column("郵便番号", "profile.postal_code", lambda v: digits_and_hyphens(v) or None),
    Column("住所", "profile.address", text),
    Column("電話番号", "profile.phone", lambda v: digits_and_hyphens(v) or None),
    Column("代表者氏名", "profile.representative.name", text),
    Column("代表者氏名カナ", "profile.representative.name_kana", lambda v: kana(v) or None),
    Column("業種大分類", "profile.industry.major", industry_major),
    Column("業種中分類", "profile.industry.middle", industry_middle),
    Column("資本金（千円）", "profile.capital_thousand_yen", integer),
    Column("従業員数", "profile.employees.total", integer),
    Column("担当者氏名", "profile.user.name", text),
    Column("担当者氏名カナ", "profile.user.name_kana", lambda v: kana(v) or None),
    Column("担当者電話番号", "profile.user.phone", lambda v: digits_and_hyphens(v) or None),
    Column("アーガス送付", "profile.subscriptions.argus", flag),
    Column("ビジネスサポートTOKYO送付", "profile.subscriptions.business_support_tokyo", flag),
    Column("各種DM送付", "profile.subscriptions.direct_mail", flag),
    Column("メールマガジン配信", "profile.subscriptions.mail_magazine", flag),
    Column("メールマガジンジャンル", "profile.subscriptions.mail_magazine_genres", genres),
    Column("お取引エリア", "profile.trade_areas", _chosen("お取引エリア", choices.TRADE_AREAS, choices.trade_area)),
    Column("加工分類", "profile.processing_categories", _chosen("加工分類", choices.PROCESSING_CATEGORIES, choices.processing_category)),
    Column("備考", "note", lambda v: v.strip() or None),
)
_BY_HEADER = {_nfkc(c.header): c for c in COLUMNS}
# a profile rule's field → the column that carries it (the longest matching path wins)
_COLUMN_OF_FIELD = {c.path.removeprefix("profile."): c.header for c in COLUMNS if c.path.startswith("profile.")}
_COLUMN_OF_FIELD["user.email"] = "メールアドレス"


def column_of(field_name: str) -> str:
    """The CSV column of a profile rule's (dotted) field, or "" when no column carries it."""
    parts = field_name.split(".")
    for end in range(len(parts), 0, -1):
        found = _COLUMN_OF_FIELD.get(".".join(parts[:end]))
        if found:
            return found
    return ""


@dataclass
class Row:
    """One data row, read: its values by path (only the file's columns), or its errors by column."""

    number: int  # 1 = the first data row
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def member_number(self) -> str:
        return str(self.values.get("member_number") or "")

    @property
    def email(self) -> str:
        return str(self.values.get("email") or "")


@dataclass
class Sheet:
    encoding: str
    columns: list[Column]
    header_errors: list[str]  # the header's problems (row 0)
    rows: Iterator[Row]


def _header(names: list[str]) -> tuple[list[Column], list[str]]:
    columns: list[Column] = []
    errors: list[str] = []
    for name in names:
        key = _nfkc(name).removesuffix("※").strip()
        column = _BY_HEADER.get(key)
        if column is None:
            errors.append(f"列「{name.strip()}」は取り込めません（列名が正しいか確認してください）。")
        elif column in columns:
            errors.append(f"列「{column.header}」が2回あります。")
        else:
            columns.append(column)
    for column in COLUMNS:
        if column.required and column not in columns:
            errors.append(f"必須の列「{column.header}」がありません。")
    return columns, errors


def read(data: bytes) -> Sheet:
    """The file's encoding, header and rows (read lazily, one record at a time; quoted commas and newlines kept)."""
    content, encoding = decode(data)
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        names = next(reader)
    except StopIteration:
        raise FileUnreadable("ファイルが空です。1行目に列名、2行目から会員のデータを入れてください。") from None
    except csv.Error:
        raise FileUnreadable("CSVの形式が正しくありません（1行目）。") from None
    columns, header_errors = _header(names)

    def rows() -> Iterator[Row]:
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                number += 1
                yield Row(number, errors=[("", 'CSVの形式が正しくありません（引用符「"」の対応を確認してください）。')])
                return
            if not any(cell.strip() for cell in record):
                continue  # a blank line (Excel leaves them at the end)
            number += 1
            if number > MAX_ROWS:
                raise FileUnreadable(f"1回に取り込めるのは{MAX_ROWS:,}行までです。ファイルを分けてください。")
            yield parse_row(number, columns, record)

    return Sheet(encoding, columns, header_errors, rows())


def parse_row(number: int, columns: list[Column], record: list[str]) -> Row:
    row = Row(number)
    if len(record) > len(columns):
        extra = [cell for cell in record[len(columns) :] if cell.strip()]
        if extra:
            row.errors.append(("", f"列の数が見出し行（{len(columns)}列）より多くなっています。"))
    for index, column in enumerate(columns):
        raw = record[index] if index < len(record) else ""
        try:
            value = column.read(raw)
        except BadValue as exc:
            row.errors.append((column.header, str(exc)))
            continue
        if column.required and value in (None, ""):
            row.errors.append((column.header, "必須項目です。入力してください。"))
            continue
        row.values[column.path] = value
    if row.email and not EMAIL_RE.match(row.email):
        row.errors.append(("メールアドレス", "メールアドレスの形式が正しくありません。"))
    if len(row.member_number) > MEMBER_NUMBER_MAX:
        row.errors.append(("会員番号", f"会員番号は{MEMBER_NUMBER_MAX}文字以内で入力してください。"))
    return row


def overlay(profile: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`profile` (a stored one, or {} for a new member) with the row's profile columns written over it: a
    blank cell clears its field, a column the file does not have leaves it as it is."""
    merged: dict[str, Any] = _copy(profile)
    for path, value in values.items():
        if not path.startswith("profile."):
            continue
        *parents, leaf = path.removeprefix("profile.").split(".")
        node = merged
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return merged


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def rule_errors(errors: list[FieldError]) -> list[tuple[str, str]]:
    """The profile rules' errors (dotted fields) as (column, message) of the CSV."""
    return [(column_of(e.field), e.message) for e in errors]
