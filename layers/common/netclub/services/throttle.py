"""Login throttling per account and per source address.

After N failures within the window, further attempts are refused (429 + Retry-After) until the
window has passed. The lock always ends by itself, so nobody can lock a member out for good;
a successful login clears the account's count.
"""

from __future__ import annotations

from netclub import clock
from netclub.config import get_settings
from netclub.errors import TooManyRequests
from netclub.store import accounts


def _scopes(email: str, ip: str) -> list[tuple[str, str, int]]:
    s = get_settings()
    return [("acct", email.lower(), s.login_max_failures_account), ("ip", ip, s.login_max_failures_ip)]


def check(email: str, ip: str) -> None:
    now = clock.epoch()
    for scope, value, _ in _scopes(email, ip):
        item = accounts.get_throttle(scope, value)
        locked_until = int(item.get("locked_until", 0)) if item else 0
        if locked_until > now:
            raise TooManyRequests(
                locked_until - now, "ログインの失敗が続いたため、一時的にログインを制限しています。しばらく時間をおいてから、もう一度お試しください。"
            )


def failed(email: str, ip: str) -> None:
    s = get_settings()
    now = clock.epoch()
    window = s.login_window_minutes * 60
    for scope, value, limit in _scopes(email, ip):
        item = accounts.record_failure(scope, value, now, window)
        if int(item.get("failures", 0)) >= limit:
            accounts.lock(scope, value, now + window)


def succeeded(email: str) -> None:
    accounts.clear_throttle("acct", email.lower())
