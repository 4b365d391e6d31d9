"""Identifiers and secrets."""

from __future__ import annotations

import hashlib
import secrets
import time


def new_id() -> str:
    """Time-ordered, random-suffixed id (sorts by creation time, 96 random bits)."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(12)}"


def new_secret() -> str:
    """256-bit URL-safe random token (session, reset, verification)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored at rest for a secret token: its SHA-256."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
