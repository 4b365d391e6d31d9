"""Limits against guessing and mail-bombing, designed so that nobody can lock a member out.

Login (OWASP Authentication cheat sheet: per account and per source, with no hard lock of the
account). An attempt is allowed, and counted, before its password is evaluated, in one
DynamoDB transaction whose conditions are the limits, so no concurrency evaluates more:
- per (account, source address): at most `login_max_failures_account` attempts a window;
- per source address, whatever the account: at most `login_max_failures_ip` a window;
- per account, from browsers it never logged in from: `login_free_failures` attempts, then a
  delay before each further one that doubles (0.5 s, 1 s, 2 s, …) up to `login_delay_cap_seconds`,
  never a lock; the streak ends after a quiet window or a successful login from such a browser;
- from a browser that logged in to this account before (the device cookie, as OWASP's "device
  cookies" proposal), only the per (account, device) limit: an attacker elsewhere cannot delay
  the member's own browser.
A successful login gives its attempt back to the source's count, ends its own count and, on a
new browser, the account's streak, and marks the browser as known.

Mail (OWASP Forgot Password cheat sheet): mails to an address the caller chooses are capped per
address and per source address. A refused mail is simply not sent: the answer is the same.
Every count is keyed by a hash of the account, address or source, by fixed window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.aws import error_code, refused_for_now
from netclub.config import get_settings
from netclub.errors import Busy, TooManyRequests
from netclub.store import limits
from netclub.store.dynamo import TransactOp

logger = Logger(service="netclub", child=True)

LOCKED_MESSAGE = "ログインの失敗が続いたため、一時的にログインを制限しています。しばらく時間をおいてから、もう一度お試しください。"
DEVICE_COOKIE = "netclub_device"


@dataclass(frozen=True)
class Attempt:
    """A login attempt allowed and counted by begin(); success_ops() settles it."""

    account: str
    source: str
    window: int
    known_device: str | None  # the digest of a device cookie this account was given, when one came with the attempt


def _account(email: str) -> str:
    return email.strip().lower()


def begin(email: str, source: str, device_token: str | None = None) -> Attempt:
    """Allow and count one login attempt, or TooManyRequests (429 with Retry-After). One transaction;
    two when a device cookie came that is not this account's."""
    s = get_settings()
    account = _account(email)
    now_ms = int(clock.now().timestamp() * 1000)
    now = now_ms // 1000
    window_seconds = s.login_window_minutes * 60
    window = now // window_seconds
    window_left = (window + 1) * window_seconds - now
    expires = (window + 2) * window_seconds
    if device_token and len(device_token) <= 128:
        digest = ids.digest(device_token)
        try:
            limits.transact(
                [
                    limits.device_check_op(digest, account, now),
                    limits.take_op("login-device", f"{account}|{digest}", window, s.login_max_failures_account, expires),
                ]
            )
            return Attempt(account, source, window, digest)
        except limits.ConditionFailed as exc:
            if exc.reasons[1:2] == ["ConditionalCheckFailed"]:
                raise TooManyRequests(window_left, LOCKED_MESSAGE) from None
            # not a device this account knows (another account's, expired, forged): an unknown browser
    quiet_ms = window_seconds * 1000
    cap_ms = s.login_delay_cap_seconds * 1000
    streak_expires = now + window_seconds + s.login_delay_cap_seconds
    operations = [
        limits.take_op("login-source", f"{account}|{source}", window, s.login_max_failures_account, expires),
        limits.take_op("login-ip", source, window, s.login_max_failures_ip, expires),
        limits.streak_grow_op(account, now_ms, s.login_free_failures, s.login_first_delay_ms, cap_ms, quiet_ms, streak_expires),
    ]
    for _ in range(2):
        try:
            limits.transact(operations)  # other attempts on these counters at the same moment are retried: 409 busy at worst
            return Attempt(account, source, window, None)
        except limits.ConditionFailed as exc:
            if "ConditionalCheckFailed" in exc.reasons[:2]:
                raise TooManyRequests(window_left, LOCKED_MESSAGE) from None
            streak = exc.items[2] if len(exc.items) > 2 else None
            if not streak:
                break
            if int(streak["last_at"]) <= now_ms - quiet_ms:
                operations[2] = limits.streak_restart_op(account, now_ms, s.login_first_delay_ms, quiet_ms, streak_expires)
            elif int(streak["step"]) >= cap_ms and (int(streak["n"]) < s.login_free_failures or int(streak["next_at"]) <= now_ms):
                operations[2] = limits.streak_capped_op(account, now_ms, s.login_free_failures, cap_ms, quiet_ms, streak_expires)
            else:
                raise TooManyRequests(math.ceil((int(streak["next_at"]) - now_ms) / 1000), LOCKED_MESSAGE) from None
    raise TooManyRequests(1, LOCKED_MESSAGE)  # the streak moved under us: an attempt at the same moment


def success_ops(attempt: Attempt, member_id: str) -> tuple[list[TransactOp], str | None]:
    """What a successful login writes with its session, and the new device cookie's value (None when the
    browser is known already)."""
    if attempt.known_device:
        return [limits.clear_op("login-device", f"{attempt.account}|{attempt.known_device}", attempt.window)], None
    s = get_settings()
    device_token = ids.new_secret()
    now = clock.epoch()
    return [
        limits.clear_op("login-source", f"{attempt.account}|{attempt.source}", attempt.window),
        limits.give_back_op("login-ip", attempt.source, attempt.window),
        limits.streak_clear_op(attempt.account),
        limits.device_put_op(ids.digest(device_token), attempt.account, member_id, now, now + s.device_days * 86400),
    ], device_token


def mail_allowed(address: str, source: str | None, template: str) -> bool:
    """Count one mail to `address` (and from `source`); False when a cap is reached or AWS refuses the
    count: then the caller sends nothing and answers exactly as if it had sent."""
    s = get_settings()
    window_seconds = s.mail_window_minutes * 60
    window = clock.epoch() // window_seconds
    expires = (window + 2) * window_seconds
    operations = [limits.take_op("mail-to", address, window, s.mail_max_per_address, expires)]
    if source:
        operations.append(limits.take_op("mail-from", source, window, s.mail_max_per_source, expires))
    try:
        limits.transact(operations)
        return True
    except (limits.ConditionFailed, Busy):
        logger.info("mail not sent: cap reached", extra={"template": template})
        return False
    except Exception as exc:
        if not refused_for_now(exc):
            raise
        logger.error("MAIL LOST: the mail cap could not be counted", extra={"template": template, "error": error_code(exc) or type(exc).__name__})
        return False
