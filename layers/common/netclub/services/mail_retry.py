"""Retry of mails kept in the outbox after a failed send."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from netclub import clock
from netclub.mail.sender import deliver
from netclub.store import outbox


def run(limit: int = 100) -> dict[str, int]:
    sent = failed = 0
    for mail in outbox.pending(limit):
        try:
            deliver(mail["to"], mail["subject"], mail["body"])
        except (ClientError, BotoCoreError) as exc:
            outbox.record_attempt(mail["SK"], type(exc).__name__, clock.iso())
            failed += 1
            continue
        outbox.remove(mail["SK"])
        sent += 1
    return {"sent": sent, "failed": failed}
