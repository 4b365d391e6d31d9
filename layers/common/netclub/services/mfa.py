"""The second factor of every staff sign-in (2段階認証: TOTP, RFC 6238), and its recovery codes.

A staff account's right password gives no session: it gives an `mfa_token` (5 minutes, single use;
only the newest of the account works) with the step that comes next, `enrol` (2段階認証の設定: a new
secret, confirmed by its first code) or `verify`. The session is written in the transaction that uses
the token and accepts the code, on conditions that make each code work once (the account's newest
accepted step must be older than the code's: two requests with one code, in parallel or not, get one
session) and each recovery code once (removed from the account's set).

Guessing (OWASP MFA cheat sheet): each attempt is counted before its code is evaluated, in one
transaction whose conditions are the limits: 5 per mfa_token (then the password is asked again), 5 a
window per (account, source address), and `mfa_max_per_account` a window per account from every source
(a password holder spread over many addresses gets no more than that; nobody else can reach the step).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from netclub import clock, ids, totp
from netclub.access import STAFF_ROLES
from netclub.config import get_settings
from netclub.errors import DomainError, InvalidCode, InvalidRecoveryCode, MfaTokenInvalid, TooManyRequests
from netclub.models.staff import MfaEnrolment
from netclub.services import sessions, tokens
from netclub.store import accounts, limits
from netclub.store import staff as store
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import MemberItem, TokenItem

PURPOSE = "mfa"
TOKEN_SECONDS = 300
ISSUER = "企業Myポータル"
RECOVERY_CODES = 10
MAX_PER_TOKEN = 5
GUESSES_MESSAGE = "確認コードの誤りが続いたため、一時的に確認を制限しています。しばらく時間をおいてから、もう一度ログインしてください。"


@dataclass(frozen=True)
class Challenge:
    state: str  # enrol | verify
    token: str
    operations: list[TransactOp]  # the token, written with the login's own transaction


def challenge(member: MemberItem) -> Challenge:
    """After a staff account's right password: the token of the second step (the caller commits it)."""
    token = ids.new_secret()
    state = "verify" if member.get("mfa_enrolled") else "enrol"
    expires = clock.epoch() + TOKEN_SECONDS
    operations = accounts.issue_token_ops(ids.digest(token), PURPOSE, str(member["member_id"]), expires, {"state": state})
    return Challenge(state=state, token=token, operations=operations)


def _live_token(mfa_token: str) -> tuple[list[TransactOp], TokenItem]:
    """The operations that use the token (in the session's transaction), and its record (subject: the account)."""
    return tokens.redeem(mfa_token, PURPOSE, MfaTokenInvalid())


def _staff_of(record: TokenItem) -> MemberItem:
    member = accounts.get_member(str(record["subject"]), consistent=True)
    if not member or member.get("role") not in STAFF_ROLES or member.get("status") != "active":
        raise MfaTokenInvalid()
    return member


def enrol(mfa_token: str) -> MfaEnrolment:
    """2段階認証の設定: a new secret for the account (shown once, as a QR code and as text)."""
    _, record = _live_token(mfa_token)
    member = _staff_of(record)
    if member.get("mfa_enrolled") or (record.get("data") or {}).get("state") != "enrol":
        raise MfaTokenInvalid()
    secret = totp.new_secret()
    try:
        store.set_pending_secret(str(member["member_id"]), secret, clock.iso())
    except ConditionFailed:
        raise MfaTokenInvalid() from None
    return MfaEnrolment(secret=secret, otpauth_uri=totp.otpauth_uri(secret, str(member["email"]), ISSUER))


def _count_attempt(digest: str, account: str, source: str) -> tuple[int, str]:
    """Allow and count one attempt (before its code is evaluated), or TooManyRequests. The window and the
    (account, source) value, to give the count back on success."""
    s = get_settings()
    window_seconds = s.login_window_minutes * 60
    now = clock.epoch()
    window = now // window_seconds
    expires = (window + 2) * window_seconds
    per_source = f"{account}|{source}"
    try:
        limits.transact(
            [
                limits.take_op("mfa-token", digest, 0, MAX_PER_TOKEN, now + TOKEN_SECONDS + 60),
                limits.take_op("mfa-source", per_source, window, s.login_max_failures_account, expires),
                limits.take_op("mfa-account", account, window, s.mfa_max_per_account, expires),
            ]
        )
    except limits.ConditionFailed as exc:
        retry = TOKEN_SECONDS if exc.reasons[:1] == ["ConditionalCheckFailed"] else (window + 1) * window_seconds - now
        raise TooManyRequests(retry, GUESSES_MESSAGE) from None
    return window, per_source


def normalise_recovery_code(code: str) -> str:
    return "".join(c for c in code.strip().lower() if c.isascii() and c.isalnum())


def _recovery_hash(code: str) -> str:
    return ids.digest("recovery:" + normalise_recovery_code(code))


def new_recovery_codes() -> list[str]:
    """Ten codes of 10 base32 characters (50 bits each), shown as xxxxx-xxxxx."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


@dataclass(frozen=True)
class Verified:
    member: MemberItem
    session: sessions.NewSession
    recovery_codes: list[str] | None


def verify(mfa_token: str, code: str | None, recovery_code: str | None, source: str) -> Verified:
    """The second step: a code (or a recovery code) → the session. See the module's text for the rules."""
    if not (code or "").strip() and not (recovery_code or "").strip():
        raise InvalidCode("確認コードを入力してください。")
    consume, record = _live_token(mfa_token)
    member_id = str(record["subject"])
    window, per_source = _count_attempt(ids.digest(mfa_token), member_id, source)
    member = _staff_of(record)
    state = str((record.get("data") or {}).get("state", "verify"))
    now_iso = clock.iso()
    recovery_codes: list[str] | None = None
    if (code or "").strip():
        secret = member.get("mfa_pending_secret") if state == "enrol" else member.get("mfa_secret")
        if state == "enrol" and member.get("mfa_enrolled"):
            raise MfaTokenInvalid()
        step = totp.matching_step(str(secret), code or "", clock.now().timestamp()) if secret else None
        if step is None:
            raise InvalidCode()
        if state == "enrol":
            recovery_codes = new_recovery_codes()
            accept = store.accept_code_op(member_id, step, now_iso, enrolled_secret=str(secret), recovery_hashes={_recovery_hash(c) for c in recovery_codes})
        else:
            accept = store.accept_code_op(member_id, step, now_iso)
        refused: DomainError = InvalidCode()
    else:
        if state != "verify" or not member.get("mfa_enrolled"):
            raise InvalidRecoveryCode()
        hashed = _recovery_hash(recovery_code or "")
        known = {str(h) for h in (member.get("mfa_recovery") or set())}
        if not any(hmac.compare_digest(hashed, h) for h in known):
            raise InvalidRecoveryCode()
        accept = store.use_recovery_code_op(member_id, hashed, now_iso)
        refused = InvalidRecoveryCode()
    settle = [limits.clear_op("mfa-source", per_source, window)]
    try:
        # the session first, then: the token used (2 items), the code accepted, the source's count cleared
        new_session = sessions.create(member_id, str(member["role"]), also=[*consume, accept, *settle])
    except ConditionFailed as exc:
        if "ConditionalCheckFailed" in exc.reasons[1:3]:
            raise MfaTokenInvalid() from None
        raise refused from None  # the code (or recovery code) was accepted meanwhile: never twice
    return Verified(member=member, session=new_session, recovery_codes=recovery_codes)
