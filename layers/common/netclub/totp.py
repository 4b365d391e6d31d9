"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): SHA-1, 6 digits, 30-second steps.

The few lines of the RFCs, on the standard library (hmac): no package on the staff's sign-in path.
`tests/unit/test_totp.py` checks them against RFC 6238's test vectors and against pyotp (a
differential test on generated secrets and times).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of now (RFC 6238 section 5.2: one step of clock drift)
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA-1


def new_secret() -> str:
    """A random secret as authenticator apps take it: base32, without padding."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret_b32: str) -> bytes:
    cleaned = secret_b32.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226 section 5.3: HMAC of the 8-byte counter, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, algorithm)).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(epoch_seconds: float) -> int:
    return int(epoch_seconds // STEP_SECONDS)


def code_at(secret_b32: str, epoch_seconds: float) -> str:
    return hotp(_key(secret_b32), step_at(epoch_seconds))


def matching_step(secret_b32: str, code: str, epoch_seconds: float) -> int | None:
    """The step (now ± WINDOW) whose code this is, or None. Every candidate is compared in constant time."""
    code = code.strip()
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    key = _key(secret_b32)
    now = step_at(epoch_seconds)
    found = None
    for step in range(max(0, now - WINDOW), now + WINDOW + 1):
        if hmac.compare_digest(hotp(key, step), code) and found is None:
            found = step
    return found


def otpauth_uri(secret_b32: str, account: str, issuer: str) -> str:
    """The key URI authenticator apps read from a QR code (Google Authenticator's Key Uri Format)."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode({"secret": secret_b32, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"
