"""The `Idempotency-Key` header: its check and how long a key holds.

Apart from netclub.idempotency (Powertools Idempotency, which loads boto3) so that the use case that
keeps its key's record in its own transaction (POST /api/reservations) and the functions that merely
share its service module (lists, offerings, usage history, staff screens) load neither.
"""

from __future__ import annotations

from netclub.errors import invalid

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 128
EXPIRES_AFTER_SECONDS = 24 * 3600


def check_key(key: str | None) -> str | None:
    """The header's value, validated: empty → None; longer than 128 characters → 400."""
    if key is None or not key.strip():
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise invalid(HEADER, f"{HEADER} は{MAX_KEY_LENGTH}文字以内の英数字・記号で指定してください。")
    return key
