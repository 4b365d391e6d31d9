"""会員企業検索's answers (docs/product.md "会員企業検索"): what other members may see of a published company, and nothing else."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from netclub.models.common import MULTI_LINE, AnswerModel, RequestModel


class IndustryView(AnswerModel):
    major: str | None = None
    middle: str | None = None
    minor: str | None = None
    name: str | None = Field(None, description="the most specific class's Japanese name")


class CompanyCard(AnswerModel):
    company_id: str = Field(description="opaque; not the member id")
    company_name: str
    company_name_kana: str | None = None
    common_name: str | None = None
    industry: IndustryView = Field(default_factory=IndustryView)
    prefecture: str | None = None
    summary: str = Field("", description="the start of business_summary (at most 120 characters)")
    processing_categories: list[str] = Field(default_factory=list)
    trade_areas: list[str] = Field(default_factory=list)
    homepage_url: str | None = None


class RepresentativeView(AnswerModel):
    name: str | None = None
    title: str | None = None


class EquipmentView(AnswerModel):
    capability_class: str | None = None
    name: str
    domestic: bool | None = None
    maker: str | None = None
    count: int | None = None


class CompanyPage(CompanyCard):
    office_name: str | None = None
    address: str | None = Field(None, description="for 個人事業者・創業予定者, the prefecture and city only")
    representative: RepresentativeView | None = Field(None, description="absent for 個人事業者・創業予定者")
    capital_thousand_yen: int | None = None
    employees_total: int | None = None
    established_year_month: str | None = None
    public_info: str | None = None
    business_summary: str | None = None
    shipping_sales: str | None = None
    equipment: list[EquipmentView] = Field(default_factory=list)


class CompanyList(AnswerModel):
    items: list[CompanyCard]
    total: int = Field(description="how many companies match")
    next_cursor: str | None = None


class PublicView(AnswerModel):
    """GET /api/profile/public-view: what other members see of the member's own company (My情報 「公開される情報」)."""

    published: bool = Field(description="企業情報の発信: true while other members can find the company")
    page: CompanyPage = Field(description="the company's page exactly as GET /api/directory/{company_id} answers it when published")


class ContactRequest(RequestModel):
    """商談申込: relayed by mail to the company; the sender never learns the recipient's address."""

    subject: Annotated[str, Field(min_length=1, max_length=100, description="件名 (1..100 characters, one line)")]
    message: Annotated[str, Field(min_length=1, max_length=2000, description="内容 (1..2000 characters, line breaks allowed)"), MULTI_LINE]


class ContactAccepted(AnswerModel):
    id: str = Field(description="the 商談申込's id (ref_id of both members' 利用履歴 rows)")
