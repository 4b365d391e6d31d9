"""The password rule (docs/product.md "Passwords"), common-password refusal, and argon2id hashing."""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from netclub.config import get_settings
from netclub.errors import FieldError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SYMBOLS = frozenset("`~!@#$%^&*()_-+={}[]\\|:;\"'<>,.?/¥")
LETTERS = frozenset(string.ascii_letters)
DIGITS = frozenset(string.digits)
ALLOWED = SYMBOLS | LETTERS | DIGITS
MIN_LENGTH = 8
MAX_LENGTH = 128

RULES_TEXT = "パスワードは8文字以上で、英字・数字・記号をそれぞれ1文字以上使用してください。"


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    text = resources.files("netclub.data").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def problems(password: str, *, email: str | None = None) -> list[str]:
    """Every way the password breaks the rule, in Japanese (empty when it is acceptable)."""
    found: list[str] = []
    if len(password) < MIN_LENGTH:
        found.append("パスワードは8文字以上で入力してください。")
    if len(password) > MAX_LENGTH:
        found.append("パスワードは128文字以内で入力してください。")
    bad = sorted({c for c in password if c not in ALLOWED})
    if bad:
        found.append(
            "パスワードに使用できない文字が含まれています（使用できるのは英字、数字、記号 ` ~ ! @ # $ % ^ & * ( ) _ - + = { } [ ] ¥ | : ; \" ' < > , . ? / です）。"
        )
    if not any(c in LETTERS for c in password):
        found.append("英字を1文字以上使用してください。")
    if not any(c in DIGITS for c in password):
        found.append("数字を1文字以上使用してください。")
    if not any(c in SYMBOLS for c in password):
        found.append("記号を1文字以上使用してください。")
    if email and password.lower() == email.strip().lower():
        found.append("メールアドレスと同じパスワードは使用できません。")
    if not found and password.lower() in _common():
        found.append("このパスワードは推測されやすいため使用できません。別のパスワードを設定してください。")
    return found


def check_new(
    password: str,
    confirm: str,
    *,
    email: str | None,
    field: str = "new_password",
    confirm_field: str = "new_password_confirm",
) -> list[FieldError]:
    found = problems(password, email=email)
    errors = [FieldError(field, " ".join(found))] if found else []
    if password != confirm:
        errors.append(FieldError(confirm_field, "確認のため入力したパスワードが一致しません。"))
    return errors


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # on first use: the rule checks and most functions need no argon2

    s = get_settings()
    return PasswordHasher(time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib, parallelism=s.argon2_parallelism)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return hash_password("decoy-password-1!")


def burn_time(password: str) -> None:
    """Spend the time a verification would, so an unknown e-mail answers as slowly as a known one."""
    verify(_decoy_hash(), password)
