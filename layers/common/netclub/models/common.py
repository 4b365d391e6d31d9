"""Reusable field types with Japanese validation messages."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

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
