"""The one retry policy (netclub/retry.py): jittered exponential waits, never after the last try, within one budget;
and the loops that use it keep what each retries on."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from botocore.exceptions import ClientError
from netclub import retry

POLICY = retry.Policy("test", max_attempts=6, first_wait=0.1, max_wait=0.5, budget=10.0)


class Clock:
    """Monotonic seconds that move only when told to (or when something sleeps)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _run(policy: retry.Policy, clock: Clock, rand: Any, body_seconds: float = 0.0, stop_at: int | None = None) -> list[int]:
    tried = []
    for attempt in policy.attempts(sleep=clock.sleep, rand=rand, clock=clock):
        tried.append(attempt)
        clock.now += body_seconds
        if attempt == stop_at:
            break
    return tried


def test_the_waits_double_up_to_their_cap_and_none_follows_the_last_try() -> None:
    clock = Clock()
    tried = _run(POLICY, clock, rand=lambda: 1.0)  # the longest each wait can be
    assert tried == [0, 1, 2, 3, 4, 5]
    assert clock.slept == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])  # 5 waits for 6 tries


def test_the_waits_are_jittered_between_zero_and_their_cap_reproducibly_with_a_seed() -> None:
    first, second = Clock(), Clock()
    _run(POLICY, first, rand=random.Random(28).random)
    _run(POLICY, second, rand=random.Random(28).random)
    assert first.slept == second.slept
    assert all(0 <= w <= POLICY.cap(n) for n, w in enumerate(first.slept))
    assert len(set(first.slept)) == len(first.slept)  # not one fixed step: collided writers do not collide again in step
    other = Clock()
    _run(POLICY, other, rand=random.Random(29).random)
    assert other.slept != first.slept


def test_a_loop_that_stops_waits_no_more() -> None:
    clock = Clock()
    assert _run(POLICY, clock, rand=lambda: 1.0, stop_at=2) == [0, 1, 2]
    assert clock.slept == pytest.approx([0.1, 0.2])
    assert _run(POLICY, Clock(), rand=lambda: 1.0, stop_at=0) == [0]


def test_the_budget_stops_the_tries_before_a_wait_that_would_end_past_it() -> None:
    """Slow tries (1 s each) spend the budget: no wait starts that would end after it, whatever tries are left."""
    clock = Clock()
    # try 0 ends at 1.0; the 0.1 s wait at 1.1 (<= 2.2); try 1 ends at 2.1; a 0.2 s wait would end at 2.3 > 2.2: no more
    assert _run(replace(POLICY, budget=2.2), clock, rand=lambda: 1.0, body_seconds=1.0) == [0, 1]
    assert clock.slept == pytest.approx([0.1])
    assert clock.now == pytest.approx(102.1)
    # quick tries: the budget never bites, every try is made
    assert _run(replace(POLICY, budget=2.2), Clock(), rand=lambda: 1.0) == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("name", sorted(retry.POLICIES))
def test_each_policy_waits_within_its_budget_so_only_slow_tries_cut_it_short(name: str) -> None:
    policy = retry.policy(name)
    assert policy.name == name and policy.max_attempts >= 2
    assert sum(policy.cap(n) for n in range(policy.max_attempts - 1)) <= policy.budget


def test_a_floor_keeps_each_wait_at_least_its_share_of_the_cap() -> None:
    floored = replace(POLICY, floor=0.5)
    shortest, longest = Clock(), Clock()
    _run(floored, shortest, rand=lambda: 0.0)
    _run(floored, longest, rand=lambda: 1.0)
    assert shortest.slept == pytest.approx([0.05, 0.1, 0.2, 0.25, 0.25]) and longest.slept == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])
    # SES throttling a newsletter: never shorter than the fixed waits it had before the one policy (0.2 s doubling, 3 s at most)
    ses, before = Clock(), [0.2, 0.4, 0.8, 1.6]
    _run(retry.policy("ses.newsletter"), ses, rand=lambda: 0.0)
    assert sum(ses.slept) >= sum(before) * 0.95 and ses.slept[0] >= before[0]


def test_the_jitter_draws_from_the_system_not_from_a_state_a_snapshot_would_copy() -> None:
    """Under SnapStart every environment restored from one snapshot shares what init made: a seeded generator would
    give them the same waits, in step. os.urandom does not."""
    assert isinstance(retry._random, random.SystemRandom)
    clock = Clock()
    _run(POLICY, clock, rand=None)
    assert len(clock.slept) == POLICY.max_attempts - 1 and all(0 <= w <= POLICY.cap(n) for n, w in enumerate(clock.slept))


def test_a_use_without_a_policy_is_an_error() -> None:
    with pytest.raises(KeyError):
        retry.policy("nobody.named.this")


# --- the loops keep what each of them retries on ----------------------------------------------------------


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(retry, "pause", waits.append)
    return waits


def _policy(monkeypatch: pytest.MonkeyPatch, name: str, **changes: Any) -> retry.Policy:
    policy = replace(retry.policy(name), **changes)
    monkeypatch.setitem(retry.POLICIES, name, policy)
    return policy


def test_batch_get_asks_for_unprocessed_keys_again_then_answers_503(monkeypatch: pytest.MonkeyPatch, slept: list[float]) -> None:
    from netclub.errors import Unavailable
    from netclub.store import dynamo

    asked: list[int] = []

    class Db:
        def __init__(self, unprocessed: int) -> None:
            self.unprocessed = unprocessed

        def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
            keys = RequestItems["t"]["Keys"]
            asked.append(len(keys))
            if self.unprocessed:
                self.unprocessed -= 1
                return {"Responses": {"t": [keys[0]]}, "UnprocessedKeys": {"t": {**RequestItems["t"], "Keys": keys[1:]}}}
            return {"Responses": {"t": keys}}

    monkeypatch.setattr(dynamo, "table", lambda: "t")
    db = Db(2)
    monkeypatch.setattr(dynamo, "client", lambda _name: db)
    found = dynamo.batch_get([("A", "1"), ("B", "2"), ("C", "3")])
    assert sorted(i["PK"] for i in found) == ["A", "B", "C"] and asked == [3, 2, 1] and len(slept) == 2

    policy = _policy(monkeypatch, "dynamo.batch_get", max_attempts=3)
    asked.clear()
    slept.clear()
    db = Db(99)
    with pytest.raises(Unavailable):
        dynamo.batch_get([("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")])
    assert len(asked) == policy.max_attempts and len(slept) == policy.max_attempts - 1


def test_send_all_sends_what_sqs_refused_again_then_not_queued(monkeypatch: pytest.MonkeyPatch, slept: list[float]) -> None:
    from netclub import queue

    sent: list[list[str]] = []

    class Sqs:
        def __init__(self, refusals: int) -> None:
            self.refusals = refusals

        def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
            sent.append([e["MessageBody"] for e in Entries])
            if self.refusals:
                self.refusals -= 1
                return {"Failed": [{"Id": Entries[-1]["Id"], "Code": "InternalError", "SenderFault": False}]}
            return {"Successful": [{"Id": e["Id"]} for e in Entries]}

    sqs = Sqs(2)
    monkeypatch.setattr(queue, "client", lambda _name: sqs)
    assert queue.send_all("q", [str(n) for n in range(12)]) == 4  # 10 (the last refused twice), then 2
    assert sent == [[str(n) for n in range(10)], ["9"], ["9"], ["10", "11"]] and len(slept) == 2

    policy = _policy(monkeypatch, "sqs.send", max_attempts=3)
    sent.clear()
    sqs.refusals = 99
    with pytest.raises(queue.NotQueued):
        queue.send_all("q", ["a", "b"])
    assert sent == [["a", "b"], ["b"], ["b"]] and len(sent) == policy.max_attempts


def _ses_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}}, "SendEmail")


def test_a_newsletter_mail_ses_throttles_is_sent_again_and_other_refusals_are_not(monkeypatch: pytest.MonkeyPatch, slept: list[float]) -> None:
    from netclub.services import newsletters

    policy = retry.policy("ses.newsletter")
    answers: list[ClientError | None] = [_ses_error("TooManyRequestsException"), _ses_error("Throttling"), None]

    def send() -> None:
        answer = answers.pop(0)
        if answer:
            raise answer

    newsletters._send_with_retries(send)
    assert answers == [] and len(slept) == 2

    answers[:] = [_ses_error("TooManyRequestsException")] * policy.max_attempts
    with pytest.raises(newsletters.Throttled):  # the message goes back to the queue
        newsletters._send_with_retries(send)
    assert answers == []

    answers[:] = [_ses_error("MessageRejected"), None]
    with pytest.raises(ClientError):  # refused for good: counted failed by the caller, never sent again
        newsletters._send_with_retries(send)
    assert answers == [None]


def test_a_waitlist_step_that_met_a_changed_list_runs_again_read_consistently_then_409_busy(slept: list[float]) -> None:
    from netclub.errors import Busy
    from netclub.services import reservations

    reads: list[bool] = []

    def step(consistent: bool) -> str:
        reads.append(consistent)
        if len(reads) < 3:
            raise reservations._Again()
        return "done"

    assert reservations._repeat(step) == "done" and reads == [False, True, True] and len(slept) == 2

    def never(consistent: bool) -> str:
        reads.append(consistent)
        raise reservations._Again()

    reads.clear()
    with pytest.raises(Busy):
        reservations._repeat(never)
    assert len(reads) == reservations.WAITLIST_ATTEMPTS == retry.policy("reservations.waitlist").max_attempts


def test_an_index_another_writer_replaced_is_read_and_changed_again(monkeypatch: pytest.MonkeyPatch, slept: list[float]) -> None:
    from netclub.services import directory
    from netclub.store import directory as directory_store

    class Written:
        def dump(self) -> bytes:
            return b"index"

        def __len__(self) -> int:
            return 1

    changes: list[object] = []
    refusals = {"left": 2}

    def put(blob: bytes, if_match: str | None, key: str = "") -> None:
        if refusals["left"]:
            refusals["left"] -= 1
            raise directory_store.IndexChanged()

    monkeypatch.setattr(directory_store, "fetch_index", lambda etag, key="": ("missing", b"", None))
    monkeypatch.setattr(directory_store, "put_index", put)
    assert directory._write(lambda index: changes.append(index) or Written()) == {"companies": 1, "bytes": 5}
    assert len(changes) == 3 and len(slept) == 2

    refusals["left"] = 99
    changes.clear()
    with pytest.raises(RuntimeError):  # the event source retries the batch
        directory._write(lambda index: changes.append(index) or Written())
    assert len(changes) == retry.policy("s3.index_write").max_attempts
