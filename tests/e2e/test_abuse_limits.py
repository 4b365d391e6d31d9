"""Limits that hold in parallel, through the running local stack (real HTTP, threads, moto server).

- 20 parallel wrong passwords for one account: at most 5 are evaluated (401), the rest 429; a second
  burst with the right password among them does not log in.
- 20 parallel reset requests (or registrations) for one address: at most 3 mails, every answer 202
  with the same text.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.conftest import register_member
from tests.stackutil import Browserish, LocalStack, new_source

pytestmark = pytest.mark.e2e

PASSWORD = "Abuse#2026pass"
BURST = 20


def _member(stack: LocalStack, staff: Browserish, email: str) -> None:
    register_member(stack, staff, email, PASSWORD, "攻撃耐性テスト", "耐性太郎")


def _burst(stack: LocalStack, action: Any, source: str | None = None) -> list[Any]:
    """BURST requests at once, from one attacker's address (`source`), or each from an address of its own."""
    barrier = threading.Barrier(BURST)

    def go(n: int) -> Any:
        barrier.wait()
        return action(n, stack.client(source) if source else stack.client())

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(go, range(BURST)))


def test_a_parallel_burst_of_wrong_passwords_evaluates_at_most_five(local_stack: LocalStack, staff: Browserish) -> None:
    email = f"burst-{uuid.uuid4().hex[:8]}@example.jp"
    _member(local_stack, staff, email)
    attacker = new_source()
    first = _burst(local_stack, lambda n, c: c.post("/api/auth/login", {"email": email, "password": f"Wrong#{n:02d}pass"}), attacker)
    statuses = Counter(a.status for a in first)
    print(f"burst of {BURST} wrong passwords: {dict(statuses)}")
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[401] <= 5, f"{statuses[401]} failures were evaluated"
    for answer in first:
        if answer.status == 429:
            assert int(answer.headers["Retry-After"]) >= 1
            assert answer.body["error"]["code"] == "too_many_requests"
    # the right password, sent 16th of a second burst, is not evaluated either
    second = _burst(local_stack, lambda n, c: c.post("/api/auth/login", {"email": email, "password": PASSWORD if n == 15 else f"Wrong#{n:02d}x"}), attacker)
    assert Counter(a.status for a in second)[200] == 0
    assert Counter(a.status for a in second)[401] == 0


def test_a_parallel_burst_from_twenty_addresses_evaluates_five_and_then_waits(local_stack: LocalStack, staff: Browserish) -> None:
    email = f"spread-{uuid.uuid4().hex[:8]}@example.jp"
    _member(local_stack, staff, email)
    answers = _burst(local_stack, lambda n, c: c.post("/api/auth/login", {"email": email, "password": f"Wrong#{n:02d}pass"}))
    statuses = Counter(a.status for a in answers)
    print(f"burst of {BURST} wrong passwords from {BURST} addresses: {dict(statuses)}")
    # five free attempts for the account, then one each time the doubling delay (0.25 s, 0.5 s, …) has passed
    assert statuses[401] <= 7, statuses
    assert all(1 <= int(a.headers["Retry-After"]) <= 300 for a in answers if a.status == 429)


def _mails_after_burst(local_stack: LocalStack, path: str, email: str, subject: str) -> tuple[int, set[Any]]:
    answers = _burst(local_stack, lambda n, c: c.post(path, {"email": email, "email_confirm": email}))
    assert {a.status for a in answers} == {202}
    bodies = {str(a.body) for a in answers}
    return sum(1 for m in local_stack.mails(email) if subject in m["subject"]), bodies


def test_a_parallel_burst_of_reset_requests_mails_at_most_three(local_stack: LocalStack, staff: Browserish) -> None:
    email = f"bomb-{uuid.uuid4().hex[:8]}@example.jp"
    _member(local_stack, staff, email)
    sent, bodies = _mails_after_burst(local_stack, "/api/password-reset", email, "パスワード再設定")
    print(f"burst of {BURST} reset requests: {sent} mails")
    assert len(bodies) == 1
    registration_mails = 1  # the member's own registration link went to this address this hour too
    assert 1 <= sent + registration_mails <= 3


def test_a_parallel_burst_of_registrations_for_a_third_party_mails_at_most_three(local_stack: LocalStack) -> None:
    email = f"victim-{uuid.uuid4().hex[:8]}@example.jp"
    sent, bodies = _mails_after_burst(local_stack, "/api/registrations", email, "会員登録のご案内")
    print(f"burst of {BURST} registrations: {sent} mails")
    assert len(bodies) == 1
    assert 1 <= sent <= 3
