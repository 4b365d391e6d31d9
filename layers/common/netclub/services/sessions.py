"""Server-side sessions: 256-bit token in an HttpOnly cookie, SHA-256 at rest, idle and absolute expiry."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.authorizer_context import MEMBER_FIELDS
from netclub.aws import error_code
from netclub.config import get_settings
from netclub.store import accounts
from netclub.store.dynamo import TransactOp
from netclub.store.items import MemberItem

logger = Logger(service="netclub", child=True)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ENDED_STATUSES = frozenset(
    {"disabled", "invited", "withdrawn", "suspended", "erased"}
)  # accounts whose sessions no longer count (staff: 停止, or never activated; 退会; 利用停止)
TOUCH_EVERY_SECONDS = 60


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    max_age: int


@dataclass(frozen=True)
class ActiveSession:
    session_id: str
    member_id: str
    role: str
    csrf_token: str
    member: dict[str, str] | None = None  # the member's MEMBER_FIELDS, read with the session (None: a cookie of the older form)
    departments: tuple[str, ...] = ()  # a staff member's 担当部署 (services/departments.py), as the account has them now


def create(member_id: str, role: str, also: list[TransactOp] | None = None) -> NewSession:
    """A new session; `also`: transaction items written with it (the login's throttle settlement)."""
    settings = get_settings()
    now = clock.epoch()
    # the member id before the secret: the authorizer reads the session and the member in one BatchGetItem.
    # The item's key is the digest of the whole value, so an altered id finds no session.
    token = f"{member_id}.{ids.new_secret()}"
    csrf = secrets.token_urlsafe(24)
    absolute = settings.session_absolute_hours * 3600
    accounts.put_session(
        ids.digest(token),
        {"member_id": member_id, "role": role, "csrf_token": csrf, "created_at": now, "last_seen": now, "ttl_epoch": now + absolute},
        also=also,
    )
    return NewSession(token=token, csrf_token=csrf, max_age=absolute)


def resolve(token: str | None) -> ActiveSession | None:
    """The live session behind a cookie token, or None (unknown, revoked, idle or too old)."""
    if not token or len(token) > 128:
        return None
    settings = get_settings()
    digest = ids.digest(token)
    member_id, dot, _ = token.partition(".")
    member: MemberItem | None = None
    if dot and member_id:
        item, member = accounts.session_and_member(digest, member_id)
    else:  # a session made before the member id was part of the cookie
        item = accounts.get_session(digest)
    if not item:
        return None
    now = clock.epoch()
    idle_limit = settings.session_idle_minutes * 60
    if now - int(item["last_seen"]) > idle_limit or now >= int(item["ttl_epoch"]):
        _tidy(lambda: accounts.delete_session(digest))  # expired either way; TTL removes it if this delete is refused
        return None
    if now - int(item["last_seen"]) >= TOUCH_EVERY_SECONDS:
        _tidy(lambda: accounts.touch_session(digest, now))  # a refused touch only shortens the idle window: the request goes on
    if dot and not (member and member.get("member_id") == item["member_id"]):
        return None  # the account is gone (erased): its sessions end with it
    if member and str(member.get("status", "")) in ENDED_STATUSES:
        return None  # a disabled staff account: its sessions end at once, not only its new logins
    known = {f: str(member.get(f) or "") for f in MEMBER_FIELDS} if member else None
    # the role as the account has it now (a demoted admin is a staff member from the next request on)
    role = str(member.get("role") or item["role"]) if member else str(item["role"])
    departments = tuple(sorted(str(d) for d in (member.get("departments") or ()))) if member else ()
    return ActiveSession(
        session_id=digest[:16], member_id=str(item["member_id"]), role=role, csrf_token=str(item["csrf_token"]), member=known, departments=departments
    )


def _tidy(step: Callable[[], None]) -> None:
    """A write the authorizer can do without: AWS throttling it must not turn a valid session into an error."""
    try:
        step()
    except Exception as exc:
        logger.warning("session bookkeeping skipped", extra={"error": error_code(exc) or type(exc).__name__})


def csrf_ok(session: ActiveSession, method: str, presented: str | None) -> bool:
    if method.upper() not in UNSAFE_METHODS:
        return True
    return bool(presented) and hmac.compare_digest(session.csrf_token, presented or "")


def revoke(token: str) -> None:
    accounts.delete_session(ids.digest(token))


MAX_REVOKED_WITH_CHANGE = 90  # a transaction holds 100 items: the change, its token, and this many sessions


def revoke_ops(member_id: str, keep_session_id: str | None = None) -> tuple[list[TransactOp], list[str]]:
    """Deleting every session of the member (but the one named) as transaction items; the rest (beyond
    MAX_REVOKED_WITH_CHANGE, in practice never) as digests to revoke one by one afterwards."""
    digests = [d for d in accounts.session_digests_of(member_id) if not (keep_session_id and d.startswith(keep_session_id))]
    now, later = digests[:MAX_REVOKED_WITH_CHANGE], digests[MAX_REVOKED_WITH_CHANGE:]
    return [accounts.delete_session_op(d) for d in now], later
