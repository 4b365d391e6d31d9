"""JSIC data and the industry code rules of My情報."""

from __future__ import annotations

import pytest
from netclub.services import industries, profiles


def test_classification_has_all_majors_and_middles() -> None:
    jsic = industries.classification()
    assert [m.code for m in jsic.majors] == list("ABCDEFGHIJKLMNOPQRST")
    assert len(jsic.major_of_middle) == 99
    assert sorted(jsic.major_of_middle) == [f"{n:02d}" for n in range(1, 100)]
    assert len(jsic.majors) == 20
    assert len(jsic.middle_of_minor) == 530  # 小分類 of Rev. 13 (Rev. 14 has 536)
    assert industries.name_of("E") == "製造業"
    assert industries.name_of("24") == "金属製品製造業"
    assert industries.name_of("115") == "綱・網・レース・繊維粗製品製造業"
    for minor, middle in jsic.middle_of_minor.items():
        assert minor.startswith(middle)


def test_political_and_religious_organizations_have_no_administrative_minor_class() -> None:
    # Rev. 13 has no 930 / 940 管理，補助的経済活動を行う事業所 (and neither has Rev. 14); 920 and 950 exist.
    jsic = industries.classification()
    assert "930" not in jsic.middle_of_minor
    assert "940" not in jsic.middle_of_minor
    middles = {m.code: m for major in jsic.majors for m in major.children}
    assert [c.code for c in middles["93"].children] == ["931", "932", "933", "934", "939"]
    assert [c.code for c in middles["94"].children] == ["941", "942", "943", "949"]
    assert jsic.middle_of_minor["920"] == "92"
    assert jsic.middle_of_minor["950"] == "95"
    assert {e.field for e in industries.check("R", "93", "930")} == {"industry.minor"}
    assert {e.field for e in industries.check("R", "94", "9400")} == {"industry.minor"}
    assert industries.check("R", "93", "931") == []


@pytest.mark.parametrize(
    ("major", "middle", "minor"),
    [("E", "11", "1151"), ("E", "24", "2441"), ("E", "24", "244"), ("E", None, None), (None, None, None), ("T", "99", "999"), ("A", "01", "010")],
)
def test_valid_codes(major: str | None, middle: str | None, minor: str | None) -> None:
    assert industries.check(major, middle, minor) == []


@pytest.mark.parametrize(
    ("major", "middle", "minor", "field"),
    [
        ("U", None, None, "industry.major"),
        ("e", None, None, "industry.major"),
        ("E", "01", None, "industry.middle"),  # 01 農業 is under A
        ("E", "1", None, "industry.middle"),
        ("E", "11", "241", "industry.minor"),  # 241 is under 24
        ("E", "11", "116x", "industry.minor"),
        ("E", "11", "11", "industry.minor"),
        ("E", "11", "11511", "industry.minor"),
        ("E", "11", "1181", None),  # a detail code of a known minor class is fine
        (None, "11", None, "industry.major"),
        ("E", None, "115", "industry.middle"),
    ],
)
def test_invalid_codes(major: str | None, middle: str | None, minor: str | None, field: str | None) -> None:
    fields = {e.field for e in industries.check(major, middle, minor)}
    assert fields == ({field} if field else set())


def test_profile_reports_industry_errors_with_prefix() -> None:
    raw = {"corporate_type": "sole_proprietor", "company_name": "A", "user": {"name": "A"}, "industry": {"major": "A", "middle": "24"}}
    _, errors = profiles.validate(raw, prefix="profile")
    assert {e.field for e in errors} == {"profile.industry.middle"}


def test_large_company_investment_not_above_capital() -> None:
    raw = {"corporate_type": "founder", "company_name": "A", "user": {"name": "A"}, "capital_thousand_yen": 100, "large_company_investment_thousand_yen": 101}
    _, errors = profiles.validate(raw)
    assert {e.field for e in errors} == {"large_company_investment_thousand_yen"}


def test_equipment_needs_a_name_and_genres_are_limited() -> None:
    raw = {
        "corporate_type": "founder",
        "company_name": "A",
        "user": {"name": "A"},
        "equipment": [{"maker": "X"}],
        "subscriptions": {"mail_magazine_genres": ["spam"]},
        "homepage_url": "ftp://example.com",
    }
    _, errors = profiles.validate(raw)
    assert {"equipment.0.name", "subscriptions.mail_magazine_genres.0", "homepage_url"} <= {e.field for e in errors}
