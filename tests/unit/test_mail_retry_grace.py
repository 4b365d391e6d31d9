"""mail_retry and the mails written to the outbox with their cause (attempts 0): their writer's for
FIRST_SEND_SECONDS, then the retry's, so a mail whose writer died between the commit and the send is sent
by the retry, and a mail its writer is still sending is not sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from netclub.services import mail_retry

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def _mail(attempts: int, age_seconds: float) -> dict[str, object]:
    return {"attempts": attempts, "created_at": (NOW - timedelta(seconds=age_seconds)).isoformat()}


@pytest.mark.parametrize(
    ("attempts", "age", "pending"),
    [
        (0, 0, True),  # just written: its writer is sending it
        (0, mail_retry.FIRST_SEND_SECONDS - 1, True),
        (0, mail_retry.FIRST_SEND_SECONDS + 1, False),  # its writer died (or left it after SES refused another): the retry's
        (1, 0, False),  # its writer tried and SES refused it: the retry's at once
        (3, 10_000, False),
    ],
)
def test_a_mail_is_its_writers_only_for_the_grace_period(attempts: int, age: float, pending: bool) -> None:
    assert mail_retry._first_send_pending(_mail(attempts, age), NOW) is pending


def test_the_grace_period_outlasts_every_request_function() -> None:
    """A request function lives at most its Timeout (Globals: 10 s; the lottery 60 s): once the grace period is
    over, no writer can still be sending the mail."""
    from local import cfn

    template = cfn.load()
    default = int(template["Globals"]["Function"]["Timeout"])
    functions = cfn.resources_of_type(template, "AWS::Serverless::Function").values()
    routed = [f["Properties"] for f in functions if any(e.get("Type") == "Api" for e in (f["Properties"].get("Events") or {}).values())]
    assert routed
    assert max(int(p.get("Timeout", default)) for p in routed) < mail_retry.FIRST_SEND_SECONDS
