"""SQS, the one adapter: messages sent in batches of 10, the ones SQS did not take sent again."""

from __future__ import annotations

import time

from netclub.aws import client

BATCH = 10  # SendMessageBatch's limit
ATTEMPTS = 6


class NotQueued(RuntimeError):
    """SQS did not take every message after ATTEMPTS tries."""


def send_all(queue_url: str, bodies: list[str]) -> int:
    """Every body as a message of the queue; the SendMessageBatch calls it took."""
    calls = 0
    for start in range(0, len(bodies), BATCH):
        pending = {str(n): body for n, body in enumerate(bodies[start : start + BATCH])}
        for attempt in range(ATTEMPTS):
            answer = client("sqs").send_message_batch(QueueUrl=queue_url, Entries=[{"Id": k, "MessageBody": v} for k, v in pending.items()])
            calls += 1
            failed = {f["Id"] for f in answer.get("Failed") or []}
            pending = {k: v for k, v in pending.items() if k in failed}
            if not pending:
                break
            time.sleep(0.05 * 2**attempt)
        else:
            raise NotQueued("SQS did not take every message")
    return calls
