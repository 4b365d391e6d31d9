"""The one retry policy: jittered exponential backoff within one budget, named per use.

Every loop of the portal that tries something again after a refusal for now (a transaction cancelled by
another, DynamoDB's unprocessed keys, SES's throttling, messages SQS did not take, an S3 index another
writer replaced, a waiting list that changed under a step) goes through `policy(name).attempts()`:

    for attempt in retry.policy("dynamo.transaction").attempts():
        try:
            ...
            return
        except Refused as exc:
            if not retryable(exc):
                raise
    raise Busy()  # the budget is spent

The caller keeps deciding what is worth trying again (that is its rule); the policy only decides how
long to wait and when to stop. Between two tries it waits a random time between `floor` times and the whole of
min(max_wait, first_wait * 2**n) (floor 0, "full jitter": writers that collided do not collide again in step;
a floor keeps a use that waits for a rate to recover, not for another writer, from spending its tries sooner),
never after the last try, and it stops early rather than start a wait that would end more than `budget`
seconds after the first try (a request or a worker gives up in time, whatever the tries themselves took).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    name: str
    max_attempts: int  # tries in all, the first included
    first_wait: float  # the cap of the first wait (seconds); each further wait's cap doubles...
    max_wait: float  # ...up to this
    budget: float  # no wait ends later than this many seconds after the first try
    floor: float = 0.0  # the least share of its cap a wait takes (0: anything from nothing to the cap)

    def cap(self, wait: int) -> float:
        """The longest the `wait`-th wait (0 = the one after the first try) can be."""
        return min(self.max_wait, self.first_wait * 2**wait)

    def attempts(
        self,
        *,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> Iterator[int]:
        """The attempt numbers 0, 1, … for the caller's loop, waiting before each but the first; a loop that
        breaks or returns ends it. The loop runs to its end (its `else`) when the tries or the budget are spent.
        `sleep`, `rand` (in [0, 1)) and `clock` (monotonic seconds) are injected by tests."""
        sleep = sleep or pause
        rand = rand or _random.random
        clock = clock or time.monotonic
        started = clock()
        for attempt in range(self.max_attempts):
            if attempt:
                wait = (self.floor + (1 - self.floor) * rand()) * self.cap(attempt - 1)
                if clock() + wait - started > self.budget:
                    return
                sleep(wait)
            yield attempt


def pause(seconds: float) -> None:
    """The one place the portal waits to try again (the fault-injection tests record it instead)."""
    time.sleep(seconds)


# each draw from os.urandom: no generator state made at init, which a SnapStart snapshot would give every
# environment restored from it (the same waits in step: the collisions jitter is there to break up)
_random = random.SystemRandom()

# Each budget holds its longest waits (tests/unit/test_retry.py) with room for the tries themselves: the request
# paths' (API functions time out at 10 s) stay well under it, the workers' (60-300 s) under theirs.
POLICIES = {
    p.name: p
    for p in (
        # a transaction cancelled only by others' on the same items (TransactionConflict) or by throttling: run again,
        # then 409 busy / 503 (store/dynamo.py)
        Policy("dynamo.transaction", max_attempts=5, first_wait=0.025, max_wait=0.2, budget=2.0),
        # BatchGetItem's UnprocessedKeys (throttled reads): asked again, then 503 (store/dynamo.py)
        Policy("dynamo.batch_get", max_attempts=8, first_wait=0.05, max_wait=3.2, budget=8.0),
        # a step of a waiting list that changed between its read and its commit: read and run again, then 409 busy
        # (services/reservations.py); its waits under 1 s in all
        Policy("reservations.waitlist", max_attempts=8, first_wait=0.01, max_wait=0.2, budget=5.0),
        # SES throttling a newsletter's mail: sent again, then the message goes back to the queue (services/newsletters.py).
        # A rate that recovers, not a collision: half of each cap always (at least 0.2, 0.4, 0.8, 1.5 s, as the fixed
        # waits before the one policy: sustained throttling does not spend the tries sooner), the rest jittered
        Policy("ses.newsletter", max_attempts=5, first_wait=0.4, max_wait=3.0, budget=10.0, floor=0.5),
        # entries of a SendMessageBatch SQS did not take: sent again, then NotQueued (queue.py)
        Policy("sqs.send", max_attempts=6, first_wait=0.05, max_wait=1.6, budget=5.0),
        # an S3 index object another writer replaced since it was read: read, changed and written again, then the
        # event source retries the batch (services/directory.py, services/member_search.py)
        Policy("s3.index_write", max_attempts=8, first_wait=0.05, max_wait=3.2, budget=20.0),
    )
}


def policy(name: str) -> Policy:
    """The policy of one use (KeyError for a name nobody defined: each use is named here, in POLICIES)."""
    return POLICIES[name]
