"""Single-use, 60-minute tokens mailed as links (registration, password reset, e-mail change).

Only the SHA-256 of a token is stored; the token itself exists only in the mailed link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from netclub import clock, ids
from netclub.config import get_settings
from netclub.errors import InvalidToken
from netclub.store import accounts
from netclub.store.dynamo import Item


def issue(purpose: str, subject: str, path: str, data: dict[str, Any] | None = None) -> str:
    """Store a new token for `subject` and answer the front-end link that carries it."""
    settings = get_settings()
    token = ids.new_secret()
    accounts.put_token(ids.digest(token), purpose, subject, clock.epoch() + settings.token_ttl_minutes * 60, data)
    return f"{settings.frontend_url}{path}?token={quote(token)}"


def issue_op(purpose: str, subject: str, path: str, data: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """As issue, but the token is written by the caller's transaction: (link, transaction item)."""
    settings = get_settings()
    token = ids.new_secret()
    operation = accounts.put_token_op(ids.digest(token), purpose, subject, clock.epoch() + settings.token_ttl_minutes * 60, data)
    return f"{settings.frontend_url}{path}?token={quote(token)}", operation


def redeem(token: str, purpose: str) -> tuple[str, Item]:
    """The digest and record of a live token of this purpose; InvalidToken if unknown, used or expired.

    Expiry is checked here as well as by TTL, because TTL deletion is lazy. The token is consumed
    by the caller's transaction (accounts.consume_token_and / create_member), so use is single.
    """
    digest = ids.digest(token)
    record = accounts.get_token(digest)
    if not record or record.get("purpose") != purpose or record.get("used") or int(record["expires"]) <= clock.epoch():
        raise InvalidToken()
    return digest, record
