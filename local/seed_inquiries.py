"""Demo content of the local stack: the inquiry kinds (お問い合わせの種類)."""

from __future__ import annotations

from netclub import clock, ids
from netclub.store import inquiries

KINDS = [
    ("経営相談", "経営全般、資金繰り、事業計画などのご相談"),
    ("助成金制度", "公社の助成金・補助金制度の内容や申請に関するお問い合わせ"),
    ("販路開拓", "取引先の開拓、展示会出展、ビジネスマッチングのご相談"),
    ("知的財産", "特許・商標・意匠などの知的財産に関するご相談"),
    ("事業承継", "後継者への引継ぎ、M&A などのご相談"),
    ("海外展開", "海外への販路拡大・進出に関するご相談"),
    ("IT・デジタル化", "IT 導入、DX、情報セキュリティのご相談"),
    ("その他", "上記以外のお問い合わせ"),
]


def step(created: dict[str, str]) -> None:
    now = clock.iso()
    for order, (name, description) in enumerate(KINDS, start=1):
        inquiries.put_kind(
            {"id": ids.new_id(), "name": name, "description": description, "sort_order": order * 10, "active": True, "created_at": now, "updated_at": now}
        )
