"""Single-use, 60-minute tokens mailed as links (registration, password reset, e-mail change).

Only the SHA-256 of a token is stored; the token itself exists only in the mailed link. Only the
latest token of a purpose and subject works: a newer link, or using any link, ends the earlier ones.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.aws import error_code, refused_for_now
from netclub.config import get_settings
from netclub.errors import DomainError, InvalidToken
from netclub.store import accounts
from netclub.store.dynamo import TransactOp
from netclub.store.items import OutboxItem, TokenItem

logger = Logger(service="netclub", child=True)


def issue_mailed_unless_refused(purpose: str, subject: str, path: str, to: str, template: str, about: str) -> OutboxItem | None:
    """A new token for `subject` and the mail carrying its link (`template`, given `link`), written to the outbox by
    the token's own transaction: the mail, to send now (mail.send_kept). For the answers that must not tell whether
    an address is registered (reset, registration): if AWS refuses the write (throttled, out), None and a "MAIL
    LOST" log line (never the address) instead of an error only registered (or only new) addresses would get; the
    visitor asks again later. A crash after the commit leaves the mail to the retry: never a token without it."""
    from netclub import mail
    from netclub.store import dynamo, outbox

    link, operations = issue_ops(purpose, subject, path)
    kept = mail.compose(to, template, about=about, link=link)
    try:
        dynamo.transact([*operations, outbox.put_op(kept)])
    except Exception as exc:
        if not refused_for_now(exc):
            raise
        logger.error(
            "MAIL LOST: the link's token could not be stored", extra={"template": template, "about": about, "error": error_code(exc) or type(exc).__name__}
        )
        return None
    return kept


def issue_ops(purpose: str, subject: str, path: str, data: dict[str, Any] | None = None, ttl_seconds: int | None = None) -> tuple[str, list[TransactOp]]:
    """A new token for `subject`, written by the caller's transaction: (the front-end link that carries it,
    transaction items). The link lives `ttl_seconds` (default: the 60 minutes of TOKEN_TTL_MINUTES)."""
    settings = get_settings()
    token = ids.new_secret()
    expires = clock.epoch() + (ttl_seconds if ttl_seconds is not None else settings.token_ttl_minutes * 60)
    operations = accounts.issue_token_ops(ids.digest(token), purpose, subject, expires, data)
    return f"{settings.need('frontend_url')}{path}?token={quote(token)}", operations


def redeem(token: str, purpose: str, invalid: DomainError | None = None) -> tuple[list[TransactOp], TokenItem]:
    """The operations that use a live token of this purpose, and its record; InvalidToken if unknown, used or expired.

    Expiry is checked here as well as by TTL, because TTL deletion is lazy. The operations go into
    the caller's transaction (accounts.consume_token_and / create_member): they fail if the token
    was used meanwhile or a newer one was issued (ConditionFailed), so use is single and latest only.
    """
    digest = ids.digest(token)
    record = accounts.get_token(digest)
    if not record or record.get("purpose") != purpose or record.get("used") or int(record["expires"]) <= clock.epoch():
        raise invalid or InvalidToken()
    return accounts.consume_ops(digest, purpose, str(record["subject"])), record
