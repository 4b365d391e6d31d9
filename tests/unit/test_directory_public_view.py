"""会員企業検索's public view: an allow-list of the profile, nothing private ever in it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from netclub.services.directory import card_of, index_entry, is_published, page_of, prefecture_and_city
from netclub.services.directory_index import Index

PRIVATE = "秘密"  # every private field below carries it; no public answer may


def _profile(corporate_type: str = "corporation") -> dict[str, Any]:
    return {
        "corporate_type": corporate_type,
        "company_name": "株式会社公開精工",
        "company_name_kana": "コウカイセイコウ",
        "office_name": "本社工場",
        "postal_code": "144-0000",
        "address": "東京都大田区南蒲田1-2-3 公開ビル4F",
        "phone": "03-1111-2222" + PRIVATE,
        "representative": {"name": "公開太郎", "name_kana": "ヒミツ" + PRIVATE, "gender": "male" + PRIVATE, "title": "代表取締役"},
        "industry": {"major": "E", "middle": "24", "minor": "2441"},
        "capital_thousand_yen": 30000,
        "large_company_investment_thousand_yen": "9" + PRIVATE,
        "founded_on": "1970-04-01" + PRIVATE,
        "established_year_month": "1970-04",
        "officers_count": "3" + PRIVATE,
        "employees": {"total": 40, "full_time": "30" + PRIVATE, "part_time": "10" + PRIVATE},
        "homepage_url": "https://koukai.example.jp/",
        "publish_company_info": True,
        "public_info": "試作から量産まで",
        "business_summary": "精密プレス金型" * 30,
        "trade_areas": ["関東"],
        "shipping_sales": "自動車部品メーカー",
        "processing_categories": ["プレス", "金型"],
        "equipment": [{"capability_class": "加工", "name": "プレス機", "domestic": True, "maker": "アマダ", "count": 3, "note": "備考" + PRIVATE}],
        "affiliated_companies": "関連会社" + PRIVATE,
        "main_customers": "主要取引先" + PRIVATE,
        "main_subcontractors": "外注先" + PRIVATE,
        "user": {
            "email": "himitsu@example.jp",
            "name": "担当" + PRIVATE,
            "phone": "03-9999-0000",
            "fax": "03-9999-0001",
            "department": "総務" + PRIVATE,
            "gender": "female" + PRIVATE,
        },
        "subscriptions": {"mail_magazine": True, "mail_magazine_genres": ["e_argus" + PRIVATE]},
        "staff_fields": {"note": "職員メモ" + PRIVATE},
    }


def _answers(profile: dict[str, Any]) -> str:
    page = page_of("c-opaque", profile)
    return json.dumps([page.model_dump(), card_of(page).model_dump()], ensure_ascii=False)


@pytest.mark.parametrize("corporate_type", ["corporation", "sole_proprietor", "founder"])
def test_nothing_private_leaves_the_profile(corporate_type: str) -> None:
    text = _answers(_profile(corporate_type))
    assert PRIVATE not in text
    for private in ("himitsu@example.jp", "03-9999-0000", "03-9999-0001", "03-1111-2222", "144-0000"):
        assert private not in text


def test_a_corporation_shows_its_address_and_representative() -> None:
    page = page_of("c-opaque", _profile())
    assert page.address == "東京都大田区南蒲田1-2-3 公開ビル4F" and page.prefecture == "東京都"
    assert page.representative is not None and page.representative.name == "公開太郎"
    assert page.industry.name and page.employees_total == 40
    assert len(page.summary) == 120 and page.business_summary and len(page.business_summary) > 120
    assert [e.name for e in page.equipment] == ["プレス機"]


@pytest.mark.parametrize("corporate_type", ["sole_proprietor", "founder"])
def test_an_individual_shows_prefecture_and_city_only(corporate_type: str) -> None:
    page = page_of("c-opaque", _profile(corporate_type))
    assert page.address == "東京都大田区" and page.representative is None
    assert "南蒲田" not in _answers(_profile(corporate_type))


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("東京都八王子市明神町1-1", ("東京都", "八王子市")),
        ("神奈川県横浜市港北区新横浜2-3", ("神奈川県", "横浜市港北区")),
        ("北海道札幌市中央区北1条", ("北海道", "札幌市中央区")),
        ("東京都西多摩郡瑞穂町箱根ケ崎", ("東京都", "西多摩郡瑞穂町")),
        ("和歌山県和歌山市", ("和歌山県", "和歌山市")),
        ("大田区蒲田", (None, None)),
        ("", (None, None)),
    ],
)
def test_prefecture_and_city(address: str, expected: tuple[str | None, str | None]) -> None:
    assert prefecture_and_city(address) == expected


def test_only_active_published_members_are_in_the_directory() -> None:
    member = {"status": "active", "role": "member", "profile": _profile()}
    assert is_published(member)
    assert not is_published({**member, "status": "suspended"})
    assert not is_published({**member, "status": "pending_review"})
    assert not is_published({**member, "role": "staff"})
    assert not is_published({**member, "profile": {**_profile(), "publish_company_info": False}})


def test_search_matches_only_what_the_page_publishes() -> None:
    index = Index.build([index_entry(page_of("c-opaque", _profile()))])
    assert index.search("ぷれす") == [0]
    assert index.search("主要取引先") == [] and index.search("外注先") == [] and index.search("担当") == []
