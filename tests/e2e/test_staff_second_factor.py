"""The second factor of staff sign-ins under real concurrency (the running local stack: HTTP, threads, moto
server), and the first administrator's command.

- one code sent 20 times at once on the account's live mfa_token: exactly one session, 19 refused (401 once the
  token is used, 429 past its 5 counted attempts); the same code on a new sign-in refused;
- 20 wrong codes at once on one mfa_token: exactly 5 evaluated (401), 15 answered 429 with Retry-After;
- `make first-admin LOCAL=…` on a stack that has an admin: refused.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from netclub import totp

from ops import first_admin
from tests.stackutil import Browserish, LocalStack

pytestmark = pytest.mark.e2e
BURST = 20
PASSWORD = "Staff#2026burst"


def _enrolled_staff(stack: LocalStack, admin: Browserish) -> tuple[str, str]:
    """A new staff account, invited by the admin, its password set and its second factor enrolled: (email, secret)."""
    email = f"staff-{uuid.uuid4().hex[:8]}@netclub.example"
    assert admin.post("/api/admin/staff", {"email": email, "name": "並行試験", "role": "staff", "departments": []}).status == 201
    link = stack.link_in(stack.wait_for_mail(email, "職員アカウントへのご招待"))
    token = link.split("token=", 1)[1]
    assert stack.client().post("/api/staff-invitations/confirm", {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}).status == 204
    client = stack.client()
    challenge = client.post("/api/auth/login", {"email": email, "password": PASSWORD}).body
    secret = client.post("/api/auth/mfa/enrol", {"mfa_token": challenge["mfa_token"]}).body["secret"]
    done = client.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": totp.code_at(secret, time.time())})
    assert done.status == 200 and len(done.body["recovery_codes"]) == 10, done.body
    return email, str(secret)


def _at_once(action: Any) -> list[Any]:
    barrier = threading.Barrier(BURST)

    def go(n: int) -> Any:
        barrier.wait()
        return action(n)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(go, range(BURST)))


def test_one_code_sent_by_twenty_sign_ins_at_once_gives_one_session(local_stack: LocalStack, staff: Browserish) -> None:
    email, secret = _enrolled_staff(local_stack, staff)
    clients = [local_stack.client() for _ in range(BURST)]
    tokens = [c.post("/api/auth/login", {"email": email, "password": PASSWORD}).body["mfa_token"] for c in clients]
    # only the newest mfa_token of an account works: 20 clients send the one code on it at once (and the
    # older tokens, each a sign-in of its own, are refused as no longer the latest)
    code = totp.code_at(secret, time.time() + totp.STEP_SECONDS)  # the next step: the enrolment used this one
    answers = _at_once(lambda n: clients[n].post("/api/auth/mfa/verify", {"mfa_token": tokens[-1], "code": code}))
    statuses = Counter(a.status for a in answers)
    # one session; the rest refused: the token used meanwhile (401) or, past its 5 counted attempts, 429
    assert statuses[200] == 1 and statuses[401] + statuses[429] == BURST - 1, statuses
    # and on a new sign-in (a new mfa_token) the same code is still refused: a code works once
    again = local_stack.client()
    challenge = again.post("/api/auth/login", {"email": email, "password": PASSWORD}).body
    replay = again.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": code})
    assert replay.status == 401 and replay.body["error"]["code"] == "invalid_code"
    print(f"\nreplay burst: {dict(statuses)}; the same code on a new sign-in: {replay.status}")


def test_twenty_wrong_codes_at_once_evaluate_five(local_stack: LocalStack, staff: Browserish) -> None:
    email, secret = _enrolled_staff(local_stack, staff)
    client = local_stack.client()
    token = client.post("/api/auth/login", {"email": email, "password": PASSWORD}).body["mfa_token"]
    right = totp.code_at(secret, time.time() + totp.STEP_SECONDS)
    wrong = [f"{(int(right) + 1 + n) % 1_000_000:06d}" for n in range(BURST)]
    answers = _at_once(lambda n: client.post("/api/auth/mfa/verify", {"mfa_token": token, "code": wrong[n]}))
    statuses = Counter(a.status for a in answers)
    assert statuses[401] == 5 and statuses[429] == BURST - 5, statuses
    assert all(int(a.headers["Retry-After"]) >= 1 for a in answers if a.status == 429)
    late = client.post("/api/auth/mfa/verify", {"mfa_token": token, "code": right})
    assert late.status == 429  # even the right code, once the guesses are spent: sign in again
    print(f"\nguessing burst: {dict(statuses)}; then the right code: {late.status}")


def test_the_first_admin_command_is_refused_once_an_admin_exists(local_stack: LocalStack) -> None:
    assert first_admin.main(["--local", local_stack.url, "--email", f"late-{uuid.uuid4().hex[:6]}@example.jp"]) == 1
