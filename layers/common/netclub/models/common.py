"""Reusable field types with Japanese validation messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, GetJsonSchemaHandler
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
"""A password as typed: its rules are checked by services.passwords, not here."""

Token = Annotated[str, Field(min_length=1, max_length=512)]
ShortText = Annotated[str, Field(max_length=100)]
LongText = Annotated[str, Field(max_length=2000)]


class ErrorField(BaseModel):
    """One field that failed validation: its dotted name and a Japanese message."""

    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable: validation_error, unauthenticated, not_found, slot_full, …")
    message: str = Field(description="Japanese text for the user")
    fields: list[ErrorField] = Field(default_factory=list, description="only for validation errors: one entry per field")


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer (API.md, Conventions: Errors)."""

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
