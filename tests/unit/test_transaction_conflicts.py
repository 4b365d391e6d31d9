"""DynamoDB cancels transactions that meet on the same item (TransactionConflict): run again, then 409 busy."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from netclub import retry
from netclub.errors import Busy
from netclub.store import dynamo

ATTEMPTS = retry.policy("dynamo.transaction").max_attempts


def _cancelled(*codes: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}, "CancellationReasons": [{"Code": c} for c in codes]},
        "TransactWriteItems",
    )


class _Dynamo:
    def __init__(self, answers: list[ClientError | None]) -> None:
        self.answers = answers
        self.calls = 0

    def transact_write_items(self, **_: Any) -> None:
        self.calls += 1
        answer = self.answers.pop(0)
        if answer:
            raise answer


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(answers: list[ClientError | None]) -> _Dynamo:
        db = _Dynamo(answers)
        monkeypatch.setattr(dynamo, "client", lambda name: db)
        return db

    return install


def test_a_conflict_is_run_again_until_it_passes(fake: Any) -> None:
    db = fake([_cancelled("None", "TransactionConflict"), _cancelled("TransactionConflict", "None"), None])
    dynamo.transact([{"ConditionCheck": {}}, {"ConditionCheck": {}}])
    assert db.calls == 3


def test_a_failed_condition_is_never_run_again(fake: Any) -> None:
    db = fake([_cancelled("ConditionalCheckFailed", "TransactionConflict")])
    with pytest.raises(dynamo.ConditionFailed) as caught:
        dynamo.transact([{"ConditionCheck": {}}, {"ConditionCheck": {}}])
    assert caught.value.reasons == ["ConditionalCheckFailed", "TransactionConflict"] and db.calls == 1


def test_lasting_contention_is_409_busy_not_a_5xx(fake: Any) -> None:
    db = fake([_cancelled("TransactionConflict")] * ATTEMPTS)
    with pytest.raises(Busy) as caught:
        dynamo.transact([{"ConditionCheck": {}}])
    assert caught.value.status == 409 and caught.value.code == "busy" and db.calls == ATTEMPTS


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded"])
def test_a_throttled_transaction_is_run_again_until_it_passes(fake: Any, reason: str) -> None:
    db = fake([_cancelled(reason, "None"), None])
    dynamo.transact([{"ConditionCheck": {}}, {"ConditionCheck": {}}])
    assert db.calls == 2


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded"])
def test_lasting_throttling_is_503_unavailable_with_retry_after(fake: Any, reason: str) -> None:
    from netclub.errors import Unavailable

    db = fake([_cancelled("None", reason)] * ATTEMPTS)
    with pytest.raises(Unavailable) as caught:
        dynamo.transact([{"ConditionCheck": {}}, {"ConditionCheck": {}}])
    assert caught.value.status == 503 and caught.value.retry_after >= 1 and db.calls == ATTEMPTS


def test_other_cancellations_are_not_hidden(fake: Any) -> None:
    fake([_cancelled("ValidationError")])
    with pytest.raises(ClientError):
        dynamo.transact([{"ConditionCheck": {}}])
