"""Migration CSV files as the old system (and Excel) write them: used by the tests and benchmarks/member_import.py."""

from __future__ import annotations

import csv
import io
from typing import Any

HEADER = [
    "会員番号", "入会日", "メールアドレス", "法人・個人区分", "企業名", "企業名カナ", "事業所名", "郵便番号", "住所", "電話番号",
    "代表者氏名", "業種大分類", "業種中分類", "資本金（千円）", "従業員数", "担当者氏名", "担当者氏名カナ", "担当者電話番号",
    "アーガス送付", "ビジネスサポートTOKYO送付", "各種DM送付", "メールマガジン配信", "メールマガジンジャンル", "備考",
]  # fmt: skip


def row(n: int, domain: str = "migrated.example", **over: Any) -> dict[str, str]:
    """A valid 法人 row: full-width digits and hyphens in 郵便番号/電話番号, as Excel users type them."""
    values = {
        "会員番号": f"NC{n:06d}",
        "入会日": f"{2000 + n % 25}/{1 + n % 12}/{1 + n % 28}",
        "メールアドレス": f"member{n:06d}@{domain}",
        "法人・個人区分": "法人",
        "企業名": f"株式会社テスト製作所{n}",
        "企業名カナ": "ｶﾌﾞｼｷｶﾞｲｼｬﾃｽﾄｾｲｻｸｼｮ",  # half-width: normalised
        "事業所名": "本社",
        "郵便番号": "１０１－００２１",
        "住所": f"東京都千代田区外神田1-{n}-1",
        "電話番号": "０３ー１２３４ー５６７８",
        "代表者氏名": "山田 太郎",
        "業種大分類": "E",
        "業種中分類": "9",  # Excel dropped the leading zero of 09
        "資本金（千円）": "10,000",
        "従業員数": "25",
        "担当者氏名": f"担当 花子{n}",
        "担当者氏名カナ": "たんとう はなこ",  # hiragana: as katakana
        "担当者電話番号": "03-1234-5679",
        "アーガス送付": "1",
        "ビジネスサポートTOKYO送付": "0",
        "各種DM送付": "希望しない",
        "メールマガジン配信": "希望する",
        "メールマガジンジャンル": "電子ARGUS・netclub_magazine",
        "備考": f"旧システムから移行\n行{n}, 確認済み",  # a newline and a comma: quoted
    }
    values.update({k: str(v) for k, v in over.items()})
    return values


def csv_bytes(rows: list[dict[str, str]], encoding: str = "cp932", header: list[str] | None = None, bom: bool = False) -> bytes:
    """The rows as a CSV file with CRLF line ends (Excel's), in cp932 or UTF-8 (with a BOM if asked)."""
    names = header or HEADER
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for values in rows:
        writer.writerow([values.get(name, "") for name in names])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
