"""Pydantic validation errors → field errors with Japanese messages (one place for all forms)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from netclub.errors import FieldError, ValidationFailed

_MESSAGES: dict[str, str] = {
    "missing": "必須項目です。入力してください。",
    "string_type": "文字列で入力してください。",
    "int_type": "整数で入力してください。",
    "int_parsing": "整数で入力してください。",
    "int_from_float": "整数で入力してください。",
    "float_type": "数値で入力してください。",
    "float_parsing": "数値で入力してください。",
    "bool_type": "はい／いいえで指定してください。",
    "bool_parsing": "はい／いいえで指定してください。",
    "list_type": "一覧の形式で指定してください。",
    "dict_type": "項目の形式が正しくありません。",
    "model_type": "項目の形式が正しくありません。",
    "model_attributes_type": "項目の形式が正しくありません。",
    "literal_error": "選択肢の中から選んでください。",
    "enum": "選択肢の中から選んでください。",
    "date_type": "日付を YYYY-MM-DD の形式で入力してください。",
    "date_parsing": "日付を YYYY-MM-DD の形式で入力してください。",
    "date_from_datetime_parsing": "日付を YYYY-MM-DD の形式で入力してください。",
    "extra_forbidden": "この項目は指定できません。",
    "json_invalid": "リクエストの形式が正しくありません（JSON）。",
    "json_type": "リクエストの形式が正しくありません（JSON）。",
    "string_pattern_mismatch": "入力形式が正しくありません。",
    "too_long": "指定できる件数を超えています。",
    "too_short": "必須項目です。選択してください。",
    "uuid_parsing": "IDの形式が正しくありません。",
    "uuid_type": "IDの形式が正しくありません。",
    "unsupported_content_type": "リクエストの形式が正しくありません（JSONで送信してください）。",
}

_SOURCES = {"body", "query", "path", "header", "cookie"}


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        text = str(error.get("msg", ""))
        return text.removeprefix("Value error, ") or "入力内容が正しくありません。"
    if kind == "string_too_long":
        return f"{ctx.get('max_length')}文字以内で入力してください。"
    if kind == "string_too_short":
        minimum = ctx.get("min_length", 1)
        return "必須項目です。入力してください。" if minimum == 1 else f"{minimum}文字以上で入力してください。"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{ctx.get('ge', ctx.get('gt'))}{'以上' if kind == 'greater_than_equal' else 'より大きい'}の数値を入力してください。"
    if kind in ("less_than_equal", "less_than"):
        return f"{ctx.get('le', ctx.get('lt'))}{'以下' if kind == 'less_than_equal' else '未満'}の数値を入力してください。"
    if kind == "too_long":
        return f"{ctx.get('max_length')}件以内で指定してください。"
    return _MESSAGES.get(kind, "入力内容が正しくありません。")


def _field_name(loc: Sequence[Any], strip_root: bool) -> str:
    parts = list(loc)
    if strip_root and parts and parts[0] in _SOURCES:
        parts = parts[1:] if len(parts) > 1 else parts
    if parts and parts[-1] in ("function-after", "function-before"):
        parts = parts[:-1]
    return ".".join(str(p) for p in parts if not str(p).startswith("function-")) or "body"


def field_errors_from_pydantic(errors: Iterable[dict[str, Any]], strip_root: bool = True) -> list[FieldError]:
    seen: set[str] = set()
    result: list[FieldError] = []
    for error in errors:
        loc = error.get("loc") or ("body",)
        if error.get("type") == "json_invalid":
            loc = ("body",)
        name = _field_name(loc, strip_root)
        if name in seen:
            continue
        seen.add(name)
        result.append(FieldError(name, _message(error)))
    return result


def validation_failed(exc: ValidationError, prefix: str = "") -> ValidationFailed:
    fields = field_errors_from_pydantic(exc.errors(), strip_root=False)  # type: ignore[arg-type]
    if prefix:
        fields = [FieldError(f"{prefix}.{f.field}" if f.field != "body" else prefix, f.message) for f in fields]
    return ValidationFailed(fields)
