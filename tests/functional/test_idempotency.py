"""netclub.idempotency.once against the idempotency table built from template.yaml (moto)."""

from __future__ import annotations

from typing import Any

import pytest
from netclub import idempotency
from netclub.errors import Conflict, ValidationFailed


def _counter() -> tuple[list[int], Any]:
    calls: list[int] = []

    def run() -> dict[str, Any]:
        calls.append(1)
        return {"id": f"r{len(calls)}", "n": len(calls)}

    return calls, run


def test_repeat_with_same_key_returns_first_result_and_runs_nothing(aws: None) -> None:
    calls, run = _counter()
    first = idempotency.once("m1", "key-1", {"slot": "a"}, run)
    again = idempotency.once("m1", "key-1", {"slot": "a"}, run)
    assert first == again == {"id": "r1", "n": 1}
    assert len(calls) == 1


def test_no_key_just_runs(aws: None) -> None:
    calls, run = _counter()
    idempotency.once("m1", None, {"slot": "a"}, run)
    idempotency.once("m1", "", {"slot": "a"}, run)
    assert len(calls) == 2


def test_keys_are_per_member(aws: None) -> None:
    calls, run = _counter()
    a = idempotency.once("m1", "same", {"slot": "a"}, run)
    b = idempotency.once("m2", "same", {"slot": "a"}, run)
    assert a != b
    assert len(calls) == 2


def test_reused_key_with_other_payload_is_conflict(aws: None) -> None:
    _, run = _counter()
    idempotency.once("m1", "key-2", {"slot": "a"}, run)
    with pytest.raises(Conflict) as caught:
        idempotency.once("m1", "key-2", {"slot": "b"}, run)
    assert caught.value.code == "idempotency_key_reused"


def test_failed_run_is_not_remembered(aws: None) -> None:
    attempts: list[int] = []

    def flaky() -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) == 1:
            raise Conflict("full", code="slot_full")
        return {"ok": True}

    with pytest.raises(Conflict):
        idempotency.once("m1", "key-3", {"slot": "a"}, flaky)
    assert idempotency.once("m1", "key-3", {"slot": "a"}, flaky) == {"ok": True}


def test_overlong_key_is_400(aws: None) -> None:
    _, run = _counter()
    with pytest.raises(ValidationFailed) as caught:
        idempotency.once("m1", "k" * 129, {}, run)
    assert caught.value.fields[0].field == "Idempotency-Key"
