"""My情報 rules that span fields: required fields, the 法人 rule, employee breakdown, industry codes."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from netclub.errors import FieldError
from netclub.models.profile import Profile
from netclub.validation import field_errors_from_pydantic

REQUIRED = "必須項目です。入力してください。"
REQUIRED_FOR_CORPORATION = "法人区分が「法人」の場合は必須です。"

_MAJOR_RE = re.compile(r"^[A-T]$")
_MIDDLE_RE = re.compile(r"^\d{2}$")
_MINOR_RE = re.compile(r"^\d{3,4}$")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def industry_errors(profile: Profile) -> list[FieldError]:
    """Industry code checks (format and hierarchy)."""
    errors: list[FieldError] = []
    ind = profile.industry
    if ind.major and not _MAJOR_RE.match(ind.major):
        errors.append(FieldError("industry.major", "業種(大)の分類コードが正しくありません。"))
    if ind.middle and not _MIDDLE_RE.match(ind.middle):
        errors.append(FieldError("industry.middle", "業種(中)の分類コードが正しくありません。"))
    if ind.minor and (not _MINOR_RE.match(ind.minor) or (ind.middle and not ind.minor.startswith(ind.middle))):
        errors.append(FieldError("industry.minor", "業種(小)の分類コードが正しくありません。"))
    return errors


def rule_errors(profile: Profile) -> list[FieldError]:
    errors: list[FieldError] = []
    if profile.corporate_type is None:
        errors.append(FieldError("corporate_type", "法人区分を選択してください。"))
    if _blank(profile.company_name):
        errors.append(FieldError("company_name", "企業名を入力してください（個人事業者または創業予定者の方は氏名を入力して下さい）。"))
    if _blank(profile.user.name):
        errors.append(FieldError("user.name", "利用者名を入力してください。"))
    if profile.corporate_type == "corporation":
        for name, value in (
            ("industry.major", profile.industry.major),
            ("industry.middle", profile.industry.middle),
            ("capital_thousand_yen", profile.capital_thousand_yen),
            ("employees.total", profile.employees.total),
            ("office_name", profile.office_name),
        ):
            if _blank(value):
                errors.append(FieldError(name, REQUIRED_FOR_CORPORATION))
    e = profile.employees
    parts = [v for v in (e.full_time, e.part_time, e.other) if v is not None]
    if e.total is not None and parts and sum(parts) > e.total:
        errors.append(FieldError("employees.total", "従業員(正社員・パート・その他)の合計が従業員数を超えています。"))
    cap, large = profile.capital_thousand_yen, profile.large_company_investment_thousand_yen
    if cap is not None and large is not None and large > cap:
        errors.append(FieldError("large_company_investment_thousand_yen", "うち大企業からの出資は資本金以下の金額を入力してください。"))
    errors += industry_errors(profile)
    return errors


def validate(raw: Any, prefix: str = "") -> tuple[Profile | None, list[FieldError]]:
    """Parse and check a profile; every break is reported against its own (dotted) field."""

    def named(errors: list[FieldError]) -> list[FieldError]:
        return [FieldError(f"{prefix}.{f.field}" if prefix else f.field, f.message) for f in errors]

    if not isinstance(raw, dict):
        return None, [FieldError(prefix or "body", "項目の形式が正しくありません。")]
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        return None, named(field_errors_from_pydantic(exc.errors(), strip_root=False))  # type: ignore[arg-type]
    errors = rule_errors(profile)
    return (None if errors else profile), named(errors)


def to_item(profile: Profile) -> dict[str, Any]:
    return profile.model_dump(mode="json", exclude_none=True)
