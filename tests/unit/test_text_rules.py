"""Every text field of every request body refuses control, bidi and invisible format characters
(issue 10, finding 5), accepts ordinary Japanese text, and keeps line breaks only where it is multi-line.

The request models are found from the committed OpenAPI document (every request body and every model
it refers to), so a new route or field is covered without being listed here.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = "使用できない文字（制御文字など）が含まれています。"
LINE_BREAK = "この項目には改行やタブを入力できません。"

CLASSES: dict[str, list[str]] = {
    "C0": [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"],
    "DEL": ["\x7f"],
    "C1": [chr(c) for c in range(0x80, 0xA0)],
    "bidi": [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)],
    "invisible": ["\ufeff", "\u200b"],
}
LINE_BREAKS = ["\n", "\t", "\r\n", "\u2028", "\u2029"]
"""Refused in single-line fields only."""

MULTI_LINE = {
    ("InquiryRequest", "content"),
    ("ReplyRequest", "body"),
    ("InquiryKindInput", "description"),
    ("EventIn", "description"),
    ("VideoIn", "description"),
    ("NoticeIn", "body"),
    ("OfferingIn", "description"),
    ("ReservationCreate", "note"),
    ("ReservationChange", "note"),
    ("StaffFields", "note"),
    ("ContactRequest", "message"),
    ("NewsletterIn", "body"),
    ("WithdrawalRequest", "reason"),
    ("StaffWithdrawalRequest", "reason"),
    *(
        (model, name)
        for model in ("Profile", "ProfileUpdate", "StoredProfile")  # StoredProfile: Profile's fields (a body's keys find both)
        for name in ("public_info", "business_summary", "shipping_sales", "affiliated_companies", "main_customers", "main_subcontractors")
    ),
}

JAPANESE = "漢字かなカナ「全角記号」・ー〜！？（）：＠０１２ｱｲｳ"
SAMPLES = [JAPANESE, "テスト", "https://example.jp/", "a@example.jp", "03-1234-5678", "123-4567", "2024-01", "10:00", "Secret#2026pass"]


def _models() -> dict[str, type[BaseModel]]:
    import netclub.models as package

    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"netclub.models.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                found[value.__name__] = value
    return found


@cache
def request_models() -> tuple[type[BaseModel], ...]:
    document = json.loads((ROOT / "frontend/src/api/openapi.json").read_text())
    schemas = document["components"]["schemas"]
    models = _models()
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in names:
                    names.add(name)
                    walk(schemas[name])
            if "properties" in node and "$ref" not in node and node.get("title") == "Body":  # a DocumentedAs body
                keys = set(node["properties"])
                names.update(n for n, m in models.items() if set(m.model_json_schema().get("properties", {})) == keys)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                walk(operation["requestBody"])
    return tuple(models[n] for n in sorted(names) if n in models)


def _string_schema(schema: dict[str, Any]) -> tuple[dict[str, Any], bool] | None:
    """The field's string schema and whether it is a list of strings (None: not free text)."""
    options = schema.get("anyOf", [schema])
    for option in options:
        if option.get("type") == "string" and "enum" not in option and "format" not in option:
            return option, False
        items = option.get("items") if option.get("type") == "array" else None
        if isinstance(items, dict) and items.get("type") == "string" and "enum" not in items and "format" not in items:
            return items, True
    return None


def _errors(model: type[BaseModel], name: str, value: str, is_list: bool) -> list[str]:
    try:
        model.model_validate({name: [value] if is_list else value})
    except ValidationError as exc:
        return [str(e["msg"]).removeprefix("Value error, ") for e in exc.errors() if e["loc"] and e["loc"][0] == name]
    return []


@cache
def text_fields() -> tuple[tuple[type[BaseModel], str, bool, int, str], ...]:
    """(model, field, is_list, max_length, a value the field accepts) for every text field."""
    found = []
    for model in request_models():
        for name, schema in model.model_json_schema().get("properties", {}).items():
            string = _string_schema(schema)
            if string is None:
                continue
            text_schema, is_list = string
            longest = int(text_schema.get("maxLength", 100))
            base = next((s[:longest] for s in SAMPLES if not _errors(model, name, s[:longest], is_list)), None)
            assert base is not None, f"{model.__name__}.{name} accepts none of the sample values"
            found.append((model, name, is_list, longest, base))
    return tuple(found)


def _insert(base: str, char: str, longest: int) -> str:
    """`char` inside `base` (after its first character), within the field's maximum length."""
    value = base[:1] + char + base[1:]
    return value if len(value) <= longest else (base[: max(longest - len(char), 0)] + char)[:longest]


def test_request_models_are_found() -> None:
    names = {m.__name__ for m in request_models()}
    assert {"InquiryRequest", "AttachmentRequest", "EventIn", "VideoIn", "NoticeIn", "OfferingIn", "SlotIn", "ProfileUpdate", "Profile"} <= names
    assert {"LoginRequest", "PasswordChangeRequest", "RegistrationConfirm", "Representative", "Equipment", "User", "StaffFields"} <= names
    assert len(text_fields()) > 50


def test_every_request_model_checks_its_text() -> None:
    from netclub.models.common import RequestModel

    assert [m.__name__ for m in request_models() if not issubclass(m, RequestModel)] == []


@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_every_text_field_refuses_each_forbidden_class(kind: str) -> None:
    accepted = []
    for model, name, is_list, longest, base in text_fields():
        for char in CLASSES[kind]:
            value = _insert(base, char, longest)
            messages = _errors(model, name, value, is_list)
            if not messages:
                accepted.append(f"{model.__name__}.{name} U+{ord(char):04X}")
            elif base == JAPANESE[: len(base)] and FORBIDDEN not in messages:
                accepted.append(f"{model.__name__}.{name}: {messages}")
    assert accepted == []


def test_line_breaks_only_in_multi_line_fields() -> None:
    wrong = []
    for model, name, is_list, longest, base in text_fields():
        multi = (model.__name__, name) in MULTI_LINE
        for char in LINE_BREAKS:
            value = _insert(base, char, longest)
            messages = _errors(model, name, value, is_list)
            if multi and messages:
                wrong.append(f"{model.__name__}.{name} refuses {char!r}: {messages}")
            if not multi and not messages:
                wrong.append(f"{model.__name__}.{name} accepts {char!r}")
            if not multi and base == JAPANESE[: len(base)] and messages and not {LINE_BREAK, FORBIDDEN} & set(messages):
                wrong.append(f"{model.__name__}.{name}: {messages}")
    assert wrong == []


def test_a_lone_carriage_return_is_refused_even_in_multi_line_text() -> None:
    from netclub.models.inquiries import InquiryRequest

    assert _errors(InquiryRequest, "content", "一行目\r二行目", False) == [FORBIDDEN]
    assert _errors(InquiryRequest, "content", "一行目\r\n二行目", False) == []


FORBIDDEN_CHARS = [c for chars in CLASSES.values() for c in chars]
_japanese = st.text(
    alphabet=st.sampled_from("漢字仮名交じり文東京都千代田区あいうえおがぱアイウエオヴー〜「」『』【】・、。！？（）＆＠＃０１９ＡＺａｚ　々〆"),
    min_size=1,
    max_size=30,
)


def _free_text_fields() -> list[tuple[type[BaseModel], str, bool, int, str]]:
    return [f for f in text_fields() if f[4] == JAPANESE[: len(f[4])]]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_japanese_text_is_accepted_and_any_forbidden_character_refused(data: st.DataObject) -> None:
    model, name, is_list, longest, _ = data.draw(st.sampled_from(_free_text_fields()), label="field")
    multi = (model.__name__, name) in MULTI_LINE
    lines = data.draw(st.lists(_japanese, min_size=1, max_size=3 if multi else 1))
    text = ("\n".join(lines))[:longest]
    assume(text.strip())  # only blanks (a lone full-width space) is no text: a required field may refuse it as empty
    assert _errors(model, name, text, is_list) == [], (model.__name__, name, text)
    char = data.draw(st.sampled_from(FORBIDDEN_CHARS + ([] if multi else LINE_BREAKS)), label="char")
    at = data.draw(st.integers(min_value=0, max_value=len(text)), label="at")
    bad = (text[:at] + char + text[at:])[: max(longest, at + len(char))]
    assert _errors(model, name, bad, is_list), (model.__name__, name, bad)
