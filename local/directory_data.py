"""Published companies for 会員企業検索, generated (seeded, reproducible): realistic Japanese names
with their kana, JSIC codes of the organisation's manufacturing-heavy membership, summaries,
processing categories, trade areas and equipment. For the directory benchmark (benchmarks/directory_search.py)
and the local stack's demo companies (local/seed_directory.py).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from netclub.data.choices import PROCESSING_CATEGORIES, TRADE_AREAS
from netclub.services.industries import classification

# (kanji, kana) parts of company names
STEMS = [
    ("東和", "トウワ"),
    ("大和", "ヤマト"),
    ("三協", "サンキョウ"),
    ("日進", "ニッシン"),
    ("明和", "メイワ"),
    ("昭和", "ショウワ"),
    ("富士", "フジ"),
    ("協和", "キョウワ"),
    ("光陽", "コウヨウ"),
    ("丸山", "マルヤマ"),
    ("中村", "ナカムラ"),
    ("高橋", "タカハシ"),
    ("山田", "ヤマダ"),
    ("城南", "ジョウナン"),
    ("京浜", "ケイヒン"),
    ("武蔵", "ムサシ"),
    ("多摩", "タマ"),
    ("墨田", "スミダ"),
    ("大田", "オオタ"),
    ("板橋", "イタバシ"),
    ("北辰", "ホクシン"),
    ("旭", "アサヒ"),
    ("新栄", "シンエイ"),
    ("千代田", "チヨダ"),
    ("青葉", "アオバ"),
    ("桜井", "サクライ"),
    ("松本", "マツモト"),
    ("岡本", "オカモト"),
    ("石川", "イシカワ"),
    ("太陽", "タイヨウ"),
]
TRADES = [
    ("精工", "セイコウ"),
    ("製作所", "セイサクショ"),
    ("金属工業", "キンゾクコウギョウ"),
    ("工業", "コウギョウ"),
    ("技研", "ギケン"),
    ("電機", "デンキ"),
    ("プレス工業", "プレスコウギョウ"),
    ("化成", "カセイ"),
    ("金型製作所", "カナガタセイサクショ"),
    ("溶接工業", "ヨウセツコウギョウ"),
    ("精密", "セイミツ"),
    ("産業", "サンギョウ"),
    ("商事", "ショウジ"),
    ("塗装", "トソウ"),
    ("鍍金工業", "メッキコウギョウ"),
    ("エンジニアリング", "エンジニアリング"),
]
FORMS = [("株式会社", "カブシキガイシャ"), ("有限会社", "ユウゲンガイシャ"), ("合同会社", "ゴウドウガイシャ")]
PROCESSING = [c for c in PROCESSING_CATEGORIES if c not in ("編立", "縫製", "印刷", "電子部品実装", "その他")]  # the metalworking kinds
MATERIALS = ["ステンレス", "アルミ", "チタン", "鉄", "銅", "真鍮", "樹脂", "マグネシウム"]
PRODUCTS = ["自動車部品", "医療機器部品", "半導体製造装置部品", "精密機械部品", "電子部品", "航空機部品", "住宅設備", "治具", "試作品"]
STRENGTHS = ["短納期対応", "小ロット対応", "一貫生産", "高精度加工", "品質管理体制（ISO9001認証）", "多品種少量生産", "試作から量産まで"]
AREAS = list(TRADE_AREAS)
EQUIPMENT = [
    ("マシニングセンタ", "オークマ"),
    ("NC旋盤", "DMG森精機"),
    ("プレス機", "アマダ"),
    ("ベンディングマシン", "アマダ"),
    ("ファイバーレーザー加工機", "トルンプ"),
    ("ワイヤー放電加工機", "ソディック"),
    ("平面研削盤", "岡本工作機械"),
    ("三次元測定機", "ミツトヨ"),
    ("射出成形機", "ファナック"),
    ("TIG溶接機", "ダイヘン"),
    ("5軸加工機", "ヤマザキマザック"),
    ("CNC円筒研削盤", "ジェイテクト"),
]
CAPABILITY = ["加工", "成形", "測定", "溶接", "表面処理"]
MANUFACTURING = ["24", "25", "26", "27", "28", "29", "31", "32", "18", "22"]
OTHER = ["44", "52", "53", "72", "74", "39"]


def _jsic() -> dict[str, list[str]]:
    """小分類 (3 digits) by 中分類."""
    minors: dict[str, list[str]] = {}
    for minor, middle in classification().middle_of_minor.items():
        minors.setdefault(middle, []).append(minor)
    return minors


def _major_of(middle: str) -> str:
    return classification().major_of_middle[middle]


def companies(count: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """`count` published profiles (dicts as the profile stores them), the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not a secret)
    minors = _jsic()
    majors = {m: _major_of(m) for m in MANUFACTURING + OTHER}
    for n in range(count):
        stem, stem_kana = rng.choice(STEMS)
        trade, trade_kana = rng.choice(TRADES)
        form, _ = rng.choice(FORMS)
        name = f"{form}{stem}{trade}" if rng.random() < 0.7 else f"{stem}{trade}{form}"
        middle = rng.choice(MANUFACTURING if rng.random() < 0.8 else OTHER)
        minor = rng.choice(minors.get(middle) or [middle + "1"])
        processing = rng.sample(PROCESSING, rng.randint(1, 4))
        equipment = [
            {"capability_class": rng.choice(CAPABILITY), "name": e, "domestic": rng.random() < 0.7, "maker": m, "count": rng.randint(1, 8)}
            for e, m in rng.sample(EQUIPMENT, rng.randint(0, 5))
        ]
        summary = (
            f"{rng.choice(MATERIALS)}・{rng.choice(MATERIALS)}の{'・'.join(processing)}を中心に、{rng.choice(PRODUCTS)}を手掛けています。"
            f"{rng.choice(STRENGTHS)}と{rng.choice(STRENGTHS)}が強みです。"
        )
        yield {
            "corporate_type": "corporation",
            "company_name": name,
            "company_name_kana": f"{stem_kana}{trade_kana}",
            "common_name": f"{stem}{trade}" if rng.random() < 0.3 else None,
            "office_name": "本社",
            "address": f"東京都{rng.choice(['大田区', '墨田区', '板橋区', '八王子市', '府中市', '江東区'])}{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
            "industry": {"major": majors[middle], "middle": middle, "minor": f"{minor}{rng.randint(1, 9)}"},
            "capital_thousand_yen": rng.choice([3000, 10000, 20000, 30000, 50000, 100000]),
            "employees": {"total": rng.randint(1, 300)},
            "established_year_month": f"{rng.randint(1950, 2022)}-{rng.randint(1, 12):02d}",
            "publish_company_info": True,
            "public_info": f"{rng.choice(PRODUCTS)}の{rng.choice(processing)}なら当社にお任せください。" if rng.random() < 0.6 else None,
            "business_summary": summary,
            "trade_areas": rng.sample(AREAS, rng.randint(1, 3)),
            "shipping_sales": f"主な出荷先: {rng.choice(PRODUCTS)}メーカー" if rng.random() < 0.5 else None,
            "processing_categories": processing,
            "equipment": equipment,
            "representative": {"name": "代表太郎", "title": "代表取締役"},
            "homepage_url": f"https://example-{n}.jp/" if rng.random() < 0.4 else None,
        }
