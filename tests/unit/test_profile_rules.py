from __future__ import annotations

from netclub.services import profiles


def _fields(raw: dict) -> dict[str, str]:
    _, errors = profiles.validate(raw)
    return {e.field: e.message for e in errors}


def test_sole_proprietor_needs_only_type_name_and_user() -> None:
    assert _fields({"corporate_type": "sole_proprietor", "company_name": "山田太郎", "user": {"name": "山田太郎"}}) == {}


def test_corporation_needs_the_five_extra_fields() -> None:
    fields = _fields({"corporate_type": "corporation", "company_name": "株式会社A", "user": {"name": "A"}})
    assert set(fields) == {"industry.major", "industry.middle", "capital_thousand_yen", "employees.total", "office_name"}
    assert all("法人" in m for m in fields.values())


def test_required_fields_named_in_japanese() -> None:
    fields = _fields({})
    assert set(fields) == {"corporate_type", "company_name", "user.name"}


def test_formats_and_numbers() -> None:
    fields = _fields(
        {
            "corporate_type": "founder",
            "company_name": "B",
            "user": {"name": "B", "email": "bad", "phone": "12345"},
            "postal_code": "12-34567",
            "homepage_url": "javascript:alert(1)",
            "capital_thousand_yen": -1,
            "company_name_kana": "かな",
        }
    )
    assert {"user.email", "user.phone", "postal_code", "homepage_url", "capital_thousand_yen", "company_name_kana"} <= set(fields)


def test_employee_breakdown_not_above_total() -> None:
    fields = _fields({"corporate_type": "founder", "company_name": "C", "user": {"name": "C"}, "employees": {"total": 3, "full_time": 2, "part_time": 2}})
    assert "employees.total" in fields


def test_phone_pattern_is_the_rule_it_replaced() -> None:
    """PHONE_PATTERN (one regex, exported to the OpenAPI document and used by the front end) accepts
    exactly what the rule did before: 0, then groups of 1–4, 1–4, 3–4 digits, 10 or 11 digits in all."""
    import itertools
    import re

    from netclub.models.profile import PHONE_PATTERN

    before = re.compile(r"^0\d{1,4}-?\d{1,4}-?\d{3,4}$")
    now = re.compile(PHONE_PATTERN)
    assert now.match("")
    differ = []
    for length in range(1, 13):
        for chars in itertools.product("07-", repeat=length):
            value = "".join(chars)
            expected = bool(before.match(value)) and len(value.replace("-", "")) in (10, 11)
            if bool(now.match(value)) != expected:
                differ.append(value)
    assert differ == []
    for good in ("03-1234-5678", "090-1234-5678", "0312345678", "09012345678", "0120-123-456", "04992-1-2345"):
        assert now.match(good), good
    for bad in ("3-1234-5678", "03-1234-567", "090-1234-56789", "03--12345678", "03-1234-5678-", "+81-3-1234-5678"):
        assert not now.match(bad), bad


def test_phone_message_is_unchanged() -> None:
    from netclub.models.profile import User
    from pydantic import ValidationError

    try:
        User.model_validate({"phone": "03-1234-567"})
    except ValidationError as exc:
        assert exc.errors()[0]["msg"] == "Value error, 電話番号は「03-1234-5678」の形式で入力してください。"
    else:
        raise AssertionError("accepted")
