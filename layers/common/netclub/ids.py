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


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: read out on the phone without doubt


def reference(value: str) -> str:
    """A short number a person can read out (予約番号): 8 Crockford base-32 characters of the value's SHA-256,
    as XXXX-XXXX (40 bits: two reservations of one offering share one with odds of about one in a trillion)."""
    bits = int.from_bytes(hashlib.sha256(value.encode("utf-8")).digest()[:5], "big")
    chars = "".join(_CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"
