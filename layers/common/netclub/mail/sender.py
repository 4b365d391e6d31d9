"""SESv2 sender. On failure the mail goes to the outbox and the caller carries on."""

from __future__ import annotations

# A logger would be tempting here; mail addresses and bodies (with tokens) must never reach logs.
from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from netclub import clock, ids
from netclub.aws import client
from netclub.config import get_settings
from netclub.mail.templates import render
from netclub.store import outbox

logger = Logger(service="netclub", child=True)


def deliver(to: str, subject: str, body: str) -> None:
    client("sesv2").send_email(
        FromEmailAddress=get_settings().need("mail_from"),
        Destination={"ToAddresses": [to]},
        Content={"Simple": {"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}}},
    )


def send(to: str, template: str, **context: object) -> bool:
    """Send one mail now; if that fails, keep it for the scheduled retry. True when sent."""
    subject, body = render(template, **context)
    try:
        deliver(to, subject, body)
        return True
    except (ClientError, BotoCoreError) as exc:
        logger.warning("mail send failed; kept for retry", extra={"template": template, "error_type": type(exc).__name__})
        outbox.put(
            {
                "id": ids.new_id(),
                "to": to,
                "subject": subject,
                "body": body,
                "template": template,
                "attempts": 1,
                "last_error": type(exc).__name__,
                "created_at": clock.iso(),
            }
        )
        return False
