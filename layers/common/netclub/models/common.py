"""Reusable field types with Japanese validation messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetJsonSchemaHandler, ValidationInfo, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def _email(value: str) -> str:
    value = value.strip()
    if not EMAIL_RE.match(value) or len(value) > 254:
        raise ValueError("メールアドレスの形式が正しくありません。")
    return value.lower()


Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
"""An e-mail address (the member ID), normalised to lower case."""

Secret = Annotated[str, Field(min_length=1, max_length=1024)]
"""A password as typed: its rules are checked by services.passwords, not here (control characters are
refused like in every request field, with a message that never quotes the value)."""

Token = Annotated[str, Field(min_length=1, max_length=512)]


# --- text that may be stored ----------------------------------------------------------------
#
# Every request model derives from RequestModel, whose one validator checks every str value of every
# field (in lists and dicts too) before anything is stored or shown: no field can forget it. A field
# is single-line unless its type carries MULTI_LINE (a textarea: 相談内容, 本文, 説明, メモ…).

FORBIDDEN_CHARS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 controls (tab, LF and CR are judged per field below)
    "\x7f-\x9f"  # DEL and the C1 controls
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi controls (ALM, LRM/RLM, embeddings, overrides, isolates)
    "\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"  # invisible format characters (zero width space, BOM, …)
    "\ud800-\udfff\ufffe\uffff"  # lone surrogates (a JSON \\ud800) and noncharacters
)
"""Refused in every text field of the API. ZWJ/ZWNJ and variation selectors stay (絵文字, 異体字)."""

_FORBIDDEN_ANYWHERE = re.compile(f"[{FORBIDDEN_CHARS}]|\r(?!\n)")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
FORBIDDEN_MESSAGE = "使用できない文字（制御文字など）が含まれています。"
LINE_BREAK_MESSAGE = "この項目には改行やタブを入力できません。"


def check_text(value: str, multi_line: bool = False) -> str:
    """`value` unchanged, or a ValueError with the Japanese message (never quoting the value: passwords)."""
    if _FORBIDDEN_ANYWHERE.search(value):
        raise ValueError(FORBIDDEN_MESSAGE)
    if not multi_line and _LINE_BREAKS.search(value):
        raise ValueError(LINE_BREAK_MESSAGE)
    return value


@dataclass(frozen=True)
class _MultiLine:
    """Marks a str type whose values may hold line breaks and tabs (a textarea)."""


MULTI_LINE = _MultiLine()


def _declares_multi_line(annotation: Any) -> bool:
    if isinstance(annotation, _MultiLine):
        return True
    if get_origin(annotation) is Annotated:
        return any(_declares_multi_line(part) for part in get_args(annotation))
    return any(_declares_multi_line(part) for part in get_args(annotation))


def _check_value(value: Any, multi_line: bool) -> None:
    if isinstance(value, str):
        check_text(value, multi_line)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check_value(item, multi_line)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key, False)
            _check_value(item, multi_line)
    # a nested RequestModel has checked its own fields


class AnswerModel(BaseModel):
    """The base of every answer body: its validator and serializer are built on first use (defer_build).
    A function imports model modules of ten or so models and answers with one or two: building every one
    at import was most of a module's import time."""

    model_config = ConfigDict(defer_build=True)


class RequestModel(BaseModel):
    """The base of every request body (and its parts): unknown keys ignored, every text value checked.

    Validating stored data for an answer (a profile read back) passes `context={"stored": True}`,
    so what was accepted before a rule existed is still shown rather than failing the read.
    """

    model_config = ConfigDict(extra="ignore", defer_build=True)
    _multi_line_fields: ClassVar[frozenset[str]] = frozenset()
    _checked_elsewhere: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.model_fields.items()
        cls._multi_line_fields = frozenset(
            name for name, info in fields if _declares_multi_line(info.annotation) or any(isinstance(m, _MultiLine) for m in info.metadata)
        )
        # a DocumentedAs field is a raw object its service validates as its model (with these rules)
        cls._checked_elsewhere = frozenset(name for name, info in fields if any(isinstance(m, DocumentedAs) for m in info.metadata))

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_unsafe_characters(cls, value: Any, info: ValidationInfo) -> Any:
        stored = isinstance(info.context, dict) and info.context.get("stored")
        if not stored and info.field_name not in cls._checked_elsewhere:
            _check_value(value, info.field_name in cls._multi_line_fields)
        return value


# --- URLs ---------------------------------------------------------------------------------

URL_MESSAGE = "URLは http:// または https:// で始まる形式で入力してください。"
LINK_MESSAGE = "URLは https:// で始まる形式（またはサイト内の / で始まるパス）で入力してください。"
_URL_BREAKERS = re.compile(r"[\s\\\x00-\x1f\x7f]")  # whitespace, backslash, control characters


def _absolute_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port  # a port that is not a number raises ValueError
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and value.lower().startswith(parts.scheme + "://") and bool(host) and "@" not in parts.netloc


def check_url(value: str, site_paths: bool) -> str:
    """The one URL rule (events, videos, ホームページ): blank, or an absolute http(s) URL with a host and
    no credentials, or (site_paths) a same-site path: "/" then anything but "/" or "\\" (browsers
    read "//host" and "/\\host" as another site). No whitespace, backslash or control character anywhere,
    nothing trimmed."""
    if not value:
        return value
    message = LINK_MESSAGE if site_paths else URL_MESSAGE
    if _URL_BREAKERS.search(value):
        raise ValueError(message)
    if site_paths and value.startswith("/"):
        if value[1:2] in ("/", "\\"):
            raise ValueError(message)
        return value
    if not _absolute_url(value):
        raise ValueError(message)
    return value


def _web_url(value: str) -> str:
    return check_url(value, site_paths=False)


def _link_url(value: str) -> str:
    return check_url(value, site_paths=True)


WebUrl = AfterValidator(_web_url)
"""Annotated metadata: an absolute http(s) URL (or blank)."""
LinkUrl = AfterValidator(_link_url)
"""Annotated metadata: an absolute http(s) URL or a same-site path (or blank)."""


class ErrorField(AnswerModel):
    """One field that failed validation: its dotted name and a Japanese message."""

    field: str
    message: str


class ErrorDetail(AnswerModel):
    code: str = Field(description="machine-readable: validation_error, unauthenticated, not_found, slot_full, …")
    message: str = Field(description="Japanese text for the user")
    fields: list[ErrorField] = Field(default_factory=list, description="only for validation errors: one entry per field")


class ErrorResponse(AnswerModel):
    """The body of every 4xx/5xx answer (docs/architecture.md: the one error map)."""

    error: ErrorDetail


@dataclass(frozen=True)
class DocumentedAs:
    """`Annotated[dict[str, Any], DocumentedAs(Model)]`: the OpenAPI document shows `Model`'s schema,
    while the value arrives as the raw JSON object for a service that validates it as `Model` itself
    (the profile forms report type errors and cross-field rules together, field by field)."""

    model: type[BaseModel]

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return handler(self.model.__pydantic_core_schema__)


JsonObject = dict[str, Any]


@dataclass(frozen=True)
class SchemaPattern:
    """A `pattern` in the field's JSON schema for a rule a validator checks with its own Japanese message
    (Field(pattern=...) would answer pydantic's generic one)."""

    pattern: str

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        return {**schema, "pattern": self.pattern}
