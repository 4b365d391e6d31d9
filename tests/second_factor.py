"""The second factor of a staff sign-in, as an authenticator app gives it, for the test clients.

A code works once: the portal refuses a code of a step it has accepted for the account before (or an
older one). So a client signing the same account in again and again takes the next step each time, and
waits (at most one step, 30 s) when the steps now accepted (now ± 1) are used up. `used` is kept per
portal (an in-process portal, or a local stack) and account.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from netclub import totp

DEMO_TOTP_SECRET = "NETCLUBDEMOSTAFFSECRETKEY2345672"  # netclub.config.DEMO_STAFF_TOTP_SECRET (tests/unit/test_totp.py checks)
USED: dict[tuple[str, str], int] = {}  # (portal, secret) → the newest step used
WAITED: list[float] = []  # seconds waited for a fresh step (the suite's total is printed by the browser conftest)


def next_code(portal: str, secret: str, clock: Callable[[], float] = time.time) -> str:
    """The code of the next step the portal accepts for this account (waiting for one if needed).
    `clock`: the portal's time (an in-process portal's tests may move netclub.clock)."""
    for _ in range(3):
        now = clock()
        current = totp.step_at(now)
        # now's step (not the oldest accepted one: a step boundary crossed before the portal checks it keeps it valid)
        step = max(current, USED.get((portal, secret), -(10**9)) + 1)
        if step <= current + totp.WINDOW:
            USED[(portal, secret)] = step
            return totp.hotp(totp._key(secret), step)
        wait = (step - totp.WINDOW) * totp.STEP_SECONDS - now + 0.05
        WAITED.append(wait)
        time.sleep(min(wait, totp.STEP_SECONDS + 1))
    raise AssertionError("no fresh TOTP step: the portal's clock does not move (sign the staff in fewer times per frozen moment)")


def complete(post: Callable[[str, dict[str, Any]], Any], portal: str, challenge: dict[str, Any], secret: str, clock: Callable[[], float] = time.time) -> Any:
    """After a staff password: the code of the next step; the answer of /api/auth/mfa/verify."""
    assert challenge.get("mfa") == "verify", f"the account is not enrolled: {challenge}"
    return post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": next_code(portal, secret, clock)})
