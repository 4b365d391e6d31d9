"""The company profile (My情報) of docs/product.md "My情報管理", with format checks and Japanese messages.

Type and format rules live on the fields; rules that span fields (required fields, the 法人
rule, JSIC codes, employee breakdown) are in services.profiles so that every break is reported
against its own field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo

from netclub.data import choices
from netclub.models.common import EMAIL_RE, MULTI_LINE, AnswerModel, DocumentedAs, JsonObject, RequestModel, SchemaPattern, WebUrl

CorporateType = Literal["corporation", "sole_proprietor", "founder"]
Gender = Literal["male", "female", "other", "unspecified"]
Genre = Literal["netclub_magazine", "e_argus"]
GENRE_LABELS: dict[str, str] = {"netclub_magazine": "TOKYOネットクラブまがじん", "e_argus": "電子ARGUS"}  # as the form labels them

_KANA_RE = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FB\u3000 ・ー]*$")
_POSTAL_RE = re.compile(r"^\d{3}-?\d{4}$")


def _phone_pattern() -> str:
    """電話番号・FAX: "0" and 9–10 more digits (10–11 in all), in up to three groups split by hyphens
    (市外局番 2–5 digits with the 0, then 1–4, then 3–4), or blank.

    One regular expression without look-ahead, so that JSON Schema tools can generate from it: the
    OpenAPI document carries it as the field's `pattern` and the front end checks with that same one.
    """
    shapes: set[tuple[int, ...]] = set()
    for a in range(2, 6):
        for b in range(1, 5):
            for c in (3, 4):
                if a + b + c in (10, 11):
                    shapes |= {(a, b, c), (a + b, c), (a, b + c), (a + b + c,)}
    firsts: dict[tuple[int, ...], list[int]] = {}
    for shape in sorted(shapes):
        firsts.setdefault(shape[1:], []).append(shape[0])
    alternatives = []
    for rest, lengths in sorted(firsts.items()):
        low, high = min(lengths) - 1, max(lengths) - 1  # contiguous: checked by tests/unit/test_profile_rules.py
        first = f"\\d{{{low}}}" if low == high else f"\\d{{{low},{high}}}"
        alternatives.append("0" + first + "".join(f"-\\d{{{n}}}" for n in rest))
    return "^(?:" + "|".join(alternatives) + ")?$"


PHONE_PATTERN = _phone_pattern()
_PHONE_RE = re.compile(PHONE_PATTERN)
_YM_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _kana(value: str) -> str:
    if not _KANA_RE.match(value):
        raise ValueError("全角カタカナで入力してください。")
    return value


def _postal(value: str) -> str:
    if value and not _POSTAL_RE.match(value):
        raise ValueError("郵便番号は「123-4567」の形式で入力してください。")
    return value


def _phone(value: str) -> str:
    if not _PHONE_RE.match(value):
        raise ValueError("電話番号は「03-1234-5678」の形式で入力してください。")
    return value


def _email(value: str) -> str:
    value = value.strip()
    if value and not EMAIL_RE.match(value):
        raise ValueError("メールアドレスの形式が正しくありません。")
    return value.lower()


def _year_month(value: str) -> str:
    if value and not _YM_RE.match(value):
        raise ValueError("設立年(月)は「YYYY-MM」の形式で入力してください。")
    return value


Text50 = Annotated[str, Field(max_length=50)]


def _chosen(label: str, listed: tuple[str, ...], mapping: Callable[[str], str | None]) -> AfterValidator:
    """お取引エリア / 加工分類: a request sends values of the list only (each once); a stored profile read back
    (context {"stored": True}) shows a value from before the list as the list value it means, or as written."""

    def check(values: list[str], info: ValidationInfo) -> list[str]:
        if isinstance(info.context, dict) and info.context.get("stored"):
            return choices.read_back(values, mapping)
        wrong = choices.unlisted(values, listed)
        if wrong:
            raise ValueError(f"{label}は選択肢の中から選んでください（「{wrong[0]}」は選択肢にありません）。")
        return list(dict.fromkeys(values))

    return AfterValidator(check)


TradeAreas = Annotated[
    list[Annotated[str, Field(max_length=50, json_schema_extra={"enum": list(choices.TRADE_AREAS)})]],
    Field(max_length=50),
    _chosen("お取引エリア", choices.TRADE_AREAS, choices.trade_area),
]
ProcessingCategories = Annotated[
    list[Annotated[str, Field(max_length=50, json_schema_extra={"enum": list(choices.PROCESSING_CATEGORIES)})]],
    Field(max_length=50),
    _chosen("加工分類", choices.PROCESSING_CATEGORIES, choices.processing_category),
]
StoredChoices = Annotated[list[Text50], Field(max_length=50)]
Text100 = Annotated[str, Field(max_length=100)]
Text200 = Annotated[str, Field(max_length=200)]
Text2000 = Annotated[str, Field(max_length=2000), MULTI_LINE]
Kana = Annotated[str, Field(max_length=100), AfterValidator(_kana)]
Postal = Annotated[str, Field(max_length=8), AfterValidator(_postal)]
Phone = Annotated[str, Field(max_length=20), AfterValidator(_phone), SchemaPattern(PHONE_PATTERN)]
Url = Annotated[str, Field(max_length=500), WebUrl]
OptEmail = Annotated[str, Field(max_length=254), AfterValidator(_email)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Money = Annotated[int, Field(ge=0, le=100_000_000_000)]


class Part(RequestModel):
    """The profile's models build their validators on first use (defer_build): a function validates or
    answers one or two of Profile, ProfileUpdate and ProfileView, and building all of them at import
    cost ~0.06 s of every cold start that imports this module."""

    model_config = ConfigDict(defer_build=True)


class Representative(Part):
    name: Text50 | None = None
    name_kana: Kana | None = None
    gender: Gender | None = None
    title: Text50 | None = None


class Industry(Part):
    major: Annotated[str, Field(max_length=1)] | None = None
    middle: Annotated[str, Field(max_length=2)] | None = None
    minor: Annotated[str, Field(max_length=4)] | None = None


class Employees(Part):
    total: Count | None = None
    full_time: Count | None = None
    part_time: Count | None = None
    other: Count | None = None


class Equipment(Part):
    capability_class: Text50 | None = None
    name: Text100
    domestic: bool | None = None
    maker: Text100 | None = None
    count: Count | None = None
    note: Text200 | None = None


class User(Part):
    email: OptEmail | None = None
    name: Text50 | None = None
    name_kana: Kana | None = None
    gender: Gender | None = None
    department: Text100 | None = None
    phone: Phone | None = None
    extension: Annotated[str, Field(max_length=10)] | None = None
    fax: Phone | None = None


class Subscriptions(Part):
    argus: bool = False
    business_support_tokyo: bool = False
    direct_mail: bool = False
    mail_magazine: bool = False
    mail_magazine_genres: Annotated[list[Genre], Field(max_length=2)] = Field(default_factory=list)


class Profile(Part):
    """Everything the member may edit. staff_fields are separate and read-only for members."""

    corporate_type: CorporateType | None = None
    company_name: Text100 | None = None
    company_name_kana: Kana | None = None
    common_name: Text100 | None = None
    office_name: Text100 | None = None
    postal_code: Postal | None = None
    address: Text200 | None = None
    phone: Phone | None = None
    representative: Representative = Field(default_factory=Representative)
    industry: Industry = Field(default_factory=Industry)
    capital_thousand_yen: Money | None = None
    large_company_investment_thousand_yen: Money | None = None
    founded_on: date | None = None
    established_year_month: Annotated[str, Field(max_length=7), AfterValidator(_year_month)] | None = None
    officers_count: Count | None = None
    employees: Employees = Field(default_factory=Employees)
    homepage_url: Url | None = None
    publish_company_info: bool = False
    public_info: Text2000 | None = None
    business_summary: Text2000 | None = None
    trade_areas: TradeAreas = Field(default_factory=list, description="values of the list only (the enum), each once")
    shipping_sales: Text2000 | None = None
    processing_categories: ProcessingCategories = Field(default_factory=list, description="values of the list only (the enum), each once")
    equipment: Annotated[list[Equipment], Field(max_length=100)] = Field(default_factory=list)
    affiliated_companies: Text2000 | None = None
    main_customers: Text2000 | None = None
    main_subcontractors: Text2000 | None = None
    user: User = Field(default_factory=User)
    subscriptions: Subscriptions = Field(default_factory=Subscriptions)


class StaffFields(Part):
    """Fields the organisation registers (会員番号, membership dates, notes): read-only for members."""

    member_number: Annotated[str, Field(max_length=20)] | None = None
    joined_on: date | None = None
    withdrawn_on: date | None = None
    member_rank: Text50 | None = None
    note: Text2000 | None = None


class ProfileUpdate(Profile):
    """PUT /api/admin/members/{id}/profile: a Profile plus the staff-registered fields (omitted: unchanged)."""

    staff_fields: StaffFields | None = None


ProfileBody = Annotated[JsonObject, DocumentedAs(Profile)]
"""A Profile in a request: validated by services.profiles.validate (all breaks reported per field)."""

StaffProfileBody = Annotated[JsonObject, DocumentedAs(ProfileUpdate)]


class StoredProfile(Profile):
    """A profile as stored, read back: お取引エリア and 加工分類 from before their lists show as the list value
    they mean (「東京都」 → 東京都内), or as written when they mean none, for the member to choose again."""

    trade_areas: Annotated[StoredChoices, AfterValidator(lambda v: choices.read_back(v, choices.trade_area))] = Field(
        default_factory=list, description="the list's values; a value from before the list that maps onto none, as written (to choose again)"
    )
    processing_categories: Annotated[StoredChoices, AfterValidator(lambda v: choices.read_back(v, choices.processing_category))] = Field(
        default_factory=list, description="the list's values; a value from before the list that maps onto none, as written (to choose again)"
    )


class ProfileView(StoredProfile):
    """What GET /api/profile answers: the profile plus the staff-registered fields (read-only)."""

    staff_fields: dict[str, Any] = Field(default_factory=dict, description="registered by the organisation; read-only for members")
    pending_email: str | None = Field(
        default=None, description="set after a PUT that changed user.email: the new address, effective once the link mailed to it is followed"
    )
    company_id: str | None = Field(
        default=None, description="read-only: the member's own company in 会員企業検索 (set once the company was first published); ignored in a PUT"
    )


class EmailConfirm(RequestModel):
    token: Annotated[str, Field(min_length=1, max_length=512)]


class EmailChanged(AnswerModel):
    email: str


class AdminMemberSummary(AnswerModel):
    member_id: str
    email: str
    company_name: str
    user_name: str
    status: str
    created_at: str
    updated_at: str | None = None
    password_set: bool = Field(default=True, description="false: a migrated member who has not set a password yet (ご利用開始のご案内 can be sent)")


class AdminMemberDetail(AnswerModel):
    """GET /api/admin/members/{id}: the member, the whole profile and the staff-registered fields."""

    model_config = ConfigDict(defer_build=True)

    member: AdminMemberSummary
    profile: StoredProfile
    staff_fields: dict[str, Any] = Field(default_factory=dict)


class IndustryNode(AnswerModel):
    code: str
    name: str
    children: list[IndustryNode] = Field(default_factory=list)


class IndustryList(AnswerModel):
    revision: str = Field(description="JSIC revision (第13回改定)")
    items: list[IndustryNode]
