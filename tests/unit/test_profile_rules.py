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
