"""SQS, the one adapter: messages sent in batches of 10 (the ones SQS did not take sent again: retry policy
"sqs.send"), and what moving messages out of a dead-letter queue takes (receive, send, delete, make visible)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from netclub import retry
from netclub.aws import client
from netclub.log import logger

BATCH = 10  # SendMessageBatch's limit (and ReceiveMessage's, DeleteMessageBatch's, ChangeMessageVisibilityBatch's)


class NotQueued(RuntimeError):
    """SQS did not take every message within the retry policy."""


def each_message(event: Mapping[str, Any], handle: Callable[[Any], str], what: str) -> dict[str, list[dict[str, str]]]:
    """A worker's SQS event: each record's JSON body handed to `handle` (its outcome logged); a record whose
    handling raised is reported (ReportBatchItemFailures: SQS delivers it again after the visibility timeout, then
    its DLQ) while the others go on."""
    failures = []
    for record in event.get("Records") or []:
        try:
            outcome = handle(json.loads(record["body"]))
            logger.info(f"{what} message", extra={"message_id": record.get("messageId"), "outcome": outcome})
        except Exception:
            logger.exception(f"{what} message failed; SQS delivers it again", extra={"message_id": record.get("messageId")})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def send_all(queue_url: str, bodies: list[str]) -> int:
    """Every body as a message of the queue; the SendMessageBatch calls it took."""
    calls = 0
    for start in range(0, len(bodies), BATCH):
        pending = {str(n): body for n, body in enumerate(bodies[start : start + BATCH])}
        for _attempt in retry.policy("sqs.send").attempts():
            taken = send_batch(queue_url, pending)
            calls += 1
            pending = {k: v for k, v in pending.items() if k not in taken}
            if not pending:
                break
        else:
            raise NotQueued("SQS did not take every message")
    return calls


def send_batch(queue_url: str, bodies: dict[str, str]) -> set[str]:
    """One SendMessageBatch of at most BATCH {id: body}: the ids SQS took (the others it refused, not sent)."""
    answer = client("sqs").send_message_batch(QueueUrl=queue_url, Entries=[{"Id": k, "MessageBody": v} for k, v in bodies.items()])
    return set(bodies) - {str(f["Id"]) for f in answer.get("Failed") or []}


@dataclass(frozen=True)
class Received:
    message_id: str
    body: str
    receipt: str  # the ReceiptHandle: what deletes it or makes it visible again


def receive(queue_url: str, visibility_timeout: int) -> list[Received]:
    """Up to BATCH messages, at once (no long poll), hidden from other readers for `visibility_timeout` s."""
    answer = client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=BATCH, VisibilityTimeout=visibility_timeout, WaitTimeSeconds=0)
    return [Received(str(m["MessageId"]), str(m["Body"]), str(m["ReceiptHandle"])) for m in answer.get("Messages") or []]


def delete(queue_url: str, receipts: list[str]) -> None:
    """The messages received with these handles, off the queue (BATCH a call)."""
    for start in range(0, len(receipts), BATCH):
        entries = [{"Id": str(n), "ReceiptHandle": r} for n, r in enumerate(receipts[start : start + BATCH])]
        client("sqs").delete_message_batch(QueueUrl=queue_url, Entries=entries)


def release(queue_url: str, receipts: list[str]) -> None:
    """The messages received with these handles, visible again now (BATCH a call)."""
    for start in range(0, len(receipts), BATCH):
        entries = [{"Id": str(n), "ReceiptHandle": r, "VisibilityTimeout": 0} for n, r in enumerate(receipts[start : start + BATCH])]
        client("sqs").change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)
