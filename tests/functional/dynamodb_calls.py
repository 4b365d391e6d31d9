"""Counting DynamoDB requests on the wire in functional tests (botocore's before-call event)."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Calls(collections.Counter[str]):
    def __call__(self, model: Any, **_: Any) -> None:
        self[model.name] += 1


@contextmanager
def dynamodb_calls() -> Iterator[Calls]:
    """DynamoDB requests made while the block runs, by operation name."""
    from netclub.aws import client

    calls = Calls()
    events = client("dynamodb").meta.events
    events.register("before-call.dynamodb", calls)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", calls)
