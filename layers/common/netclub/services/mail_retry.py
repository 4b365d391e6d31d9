"""Retry of mails kept in the outbox after a failed send (scheduled every 5 minutes).

One mail's trouble never ends the run for the others, and the run itself never fails: the
schedule comes again in 5 minutes. When SES throttles or is out (after the SDK's own retries),
the run stops there and leaves the rest for the next one instead of hammering SES. A mail sent
whose outbox entry could not be removed stays listed and may be sent once more: a duplicate
mail is better than a lost one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from netclub import clock
from netclub.aws import refused_for_now
from netclub.mail.sender import ACCOUNT_REFUSALS, deliver, failure_name
from netclub.store import outbox
from netclub.store.items import OutboxItem

logger = Logger(service="netclub", child=True)


# A mail written to the outbox with its cause and not yet tried (attempts 0: every mail of an action, written
# in its transaction and sent after the commit) is its writer's for this long: longer than a request function
# lives (10 s; the lottery 60 s) and than a worker takes between a commit and its send (前日リマインド sends each
# mail right after its own commit; the import sends a chunk's invitations at INVITATION_SEND_RATE).
FIRST_SEND_SECONDS = 120


def _first_send_pending(mail: OutboxItem, now: datetime) -> bool:
    """A mail written to the outbox before its first send (attempts 0), so recently that its writer is still
    sending it: not retried yet, or it would go out twice. A writer that died meanwhile (a crash between the
    commit and the send), or that did not try it after SES refused an earlier mail, leaves it to a later run."""
    created = datetime.fromisoformat(str(mail.get("created_at", "")))
    return int(str(mail.get("attempts", 1))) == 0 and created > now - timedelta(seconds=FIRST_SEND_SECONDS)


MAX_ATTEMPTS = 12  # every 5 minutes: an hour of SES refusing one mail, then it is parked for staff
# SES refuses this mail itself (its address, its content): sending it again cannot help
PERMANENT = frozenset({"MessageRejected", "BadRequestException", "InvalidParameterValue", "NotFoundException"})


def run(limit: int = 100) -> dict[str, int]:
    """Retry the oldest `limit` mails. A mail SES refuses for itself (PERMANENT), or after MAX_ATTEMPTS, is
    parked (`MAIL PARKED`: alarmed, listed for staff), so that no mail at the head of the queue holds back
    the newer ones for more than an hour."""
    sent = failed = parked = outages = 0
    now = clock.now()
    try:
        waiting = outbox.pending(limit)
    except Exception as exc:
        logger.warning("mail retry: outbox not readable", extra={"error": failure_name(exc)})
        return {"sent": 0, "failed": 0, "parked": 0}
    for mail in waiting:
        if _first_send_pending(mail, now):
            continue
        try:
            deliver(mail["to"], mail["subject"], mail["body"], mail.get("reply_to"))
        except Exception as exc:
            error = failure_name(exc)
            if error in ACCOUNT_REFUSALS:  # the whole account: stop the run, count nothing against the mails
                logger.error("MAIL PAUSED: SES refuses every mail of the account; retried later", extra={"error": error})
                break
            failed += 1
            attempts = int(str(mail.get("attempts", 0))) + 1
            if error in PERMANENT or attempts >= MAX_ATTEMPTS:
                parked += _park(mail, error if error in PERMANENT else f"{attempts} attempts, last {error}")
                continue
            _record_failure(mail, error)
            outages = outages + 1 if refused_for_now(exc) else 0
            if outages >= 2:
                break  # SES throttled or out (two mails in a row, so not one mail's trouble): the rest wait for the next run
            continue
        outages = 0
        sent += 1
        try:
            outbox.remove(mail["SK"])
        except Exception as exc:
            logger.warning("mail retry: sent but still listed", extra={"mail_id": mail.get("id"), "error": failure_name(exc)})
    return {"sent": sent, "failed": failed, "parked": parked}


def _park(mail: OutboxItem, reason: str) -> int:
    try:
        outbox.park(mail, reason, clock.iso())
    except Exception as exc:
        _record_failure(mail, reason)
        logger.warning("mail retry: not parked", extra={"mail_id": mail.get("id"), "error": failure_name(exc)})
        return 0
    logger.error(
        "MAIL PARKED: given up after SES refused it; listed for staff",
        extra={"mail_id": mail.get("id"), "template": mail.get("template"), "about": mail.get("about"), "reason": reason},
    )
    return 1


def _record_failure(mail: OutboxItem, error: str) -> None:
    try:
        outbox.record_attempt(str(mail["SK"]), error, clock.iso())
    except Exception as exc:
        logger.warning("mail retry: attempt not recorded", extra={"mail_id": mail.get("id"), "error": failure_name(exc)})
