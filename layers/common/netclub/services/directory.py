"""会員企業検索: which companies are published, and the only view of them other members get.

A company is in the directory while its member is `active` and its profile says
`publish_company_info: true`. Its public page is built here from an allow-list of fields
(API.md): nothing else of the profile (the contact person, phones, fax, genders, subscriptions,
staff fields, officers, large-company investment, customers, subcontractors, affiliates) is
ever copied into it. 個人事業者・創業予定者 show the prefecture and city, not a street address,
and no representative.
"""

from __future__ import annotations

import re
from typing import Any

from netclub.models.directory import CompanyCard, CompanyPage, EquipmentView, IndustryView, RepresentativeView
from netclub.services import industries
from netclub.services.directory_index import Company, company_from

SUMMARY_LENGTH = 120
_PREFECTURE = re.compile(r"^\s*(東京都|北海道|京都府|大阪府|[^\s都道府県0-9０-９]{2,3}県)")
_CITY = re.compile(r"^(.+?郡.+?[町村]|.+?市.+?区|.+?[市区町村])")


def is_published(member: dict[str, Any]) -> bool:
    return member.get("status") == "active" and member.get("role", "member") == "member" and bool((member.get("profile") or {}).get("publish_company_info"))


def prefecture_and_city(address: str | None) -> tuple[str | None, str | None]:
    """(都道府県, 市区町村) at the start of an address, as far as they can be told."""
    if not address:
        return None, None
    found = _PREFECTURE.match(address)
    if not found:
        return None, None
    rest = address[found.end() :].lstrip()
    city = _CITY.match(rest)
    return found.group(1), city.group(1) if city else None


def _industry(profile: dict[str, Any]) -> IndustryView:
    codes = profile.get("industry") or {}
    major, middle, minor = codes.get("major"), codes.get("middle"), codes.get("minor")
    name = next((industries.name_of(c) for c in (minor and minor[:3], middle, major) if c and industries.name_of(c)), None)
    return IndustryView(major=major, middle=middle, minor=minor, name=name)


def page_of(company_id: str, profile: dict[str, Any]) -> CompanyPage:
    """The public page of a published profile: the allow-listed fields only."""
    individual = profile.get("corporate_type") in ("sole_proprietor", "founder")
    prefecture, city = prefecture_and_city(profile.get("address"))
    representative = profile.get("representative") or {}
    summary = str(profile.get("business_summary") or "")
    return CompanyPage(
        company_id=company_id,
        company_name=str(profile.get("company_name") or ""),
        company_name_kana=profile.get("company_name_kana"),
        common_name=profile.get("common_name"),
        industry=_industry(profile),
        prefecture=prefecture,
        summary=summary[:SUMMARY_LENGTH],
        processing_categories=list(profile.get("processing_categories") or []),
        trade_areas=list(profile.get("trade_areas") or []),
        homepage_url=profile.get("homepage_url"),
        office_name=profile.get("office_name"),
        address=("".join(p for p in (prefecture, city) if p) or None) if individual else profile.get("address"),
        representative=None if individual else RepresentativeView(name=representative.get("name"), title=representative.get("title")),
        capital_thousand_yen=profile.get("capital_thousand_yen"),
        employees_total=(profile.get("employees") or {}).get("total"),
        established_year_month=profile.get("established_year_month"),
        public_info=profile.get("public_info"),
        business_summary=profile.get("business_summary"),
        shipping_sales=profile.get("shipping_sales"),
        equipment=[
            EquipmentView(
                capability_class=e.get("capability_class"),
                name=str(e.get("name") or ""),
                domestic=e.get("domestic"),
                maker=e.get("maker"),
                count=e.get("count"),
            )
            for e in profile.get("equipment") or []
            if e.get("name")
        ],
    )


def card_of(page: CompanyPage) -> CompanyCard:
    return CompanyCard.model_validate(page.model_dump(include=set(CompanyCard.model_fields)))


def index_entry(page: CompanyPage) -> Company:
    """What the search index holds of a company: built from its public page only, so a search can
    never match (or show) what the page does not publish."""
    public = page.model_dump()
    public["industry"] = {k: public["industry"].get(k) for k in ("major", "middle", "minor")}
    return company_from(card_of(page).model_dump(), public)
