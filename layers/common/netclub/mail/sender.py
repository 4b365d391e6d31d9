"""SESv2 sender, and the outbox every mail of an action is written to before it is sent.

A mail is written to the outbox in the same transaction as what it is about (`compose` builds the item,
`outbox.put_op` makes it a transaction item), and sent after the commit (`send_kept`: delivered, then out
of the outbox; refused, left there for `services/mail_retry.py`). So a process that dies between the commit
and the send (a Lambda timeout, out of memory) loses no mail: the retry finds it once its writer's grace
period (mail_retry.FIRST_SEND_SECONDS) has passed.

`send` (send now, keep only on failure) remains for the mails that follow no write of their own (an
address that is already registered: nothing is committed, so a crash before the send also loses the
answer, and the visitor asks again).

A mail never turns a committed action into an error: `send` and `send_kept` do not raise. The SDK has
already retried SES's throttling and 5xx (standard mode) before a send counts as failed. If even the
outbox write of `send` fails, the mail is lost: that is logged as an error staff can act on (the template,
what it was about, when), never the address, the subject line's context or the body (links with tokens).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.aws import client, error_code, refused_for_now
from netclub.config import get_settings
from netclub.mail.templates import render
from netclub.store import outbox
from netclub.store.items import OutboxItem

logger = Logger(service="netclub", child=True)

# SES refuses every mail of the account (sending paused or suspended, the identity not verified, no
# permission): no mail is at fault; the outbox retry stops its run, a newsletter pauses (staff resume it)
ACCOUNT_REFUSALS = frozenset({"AccountSuspendedException", "SendingPausedException", "MailFromDomainNotVerifiedException", "AccessDeniedException"})
# the words staff read for each (newsletter 一時停止)
ACCOUNT_REFUSAL_TEXT = {
    "AccountSuspendedException": "AWS アカウントのメール送信が停止されています（SES のアカウント停止）。",
    "SendingPausedException": "メール送信が一時停止されています（SES の送信停止）。",
    "MailFromDomainNotVerifiedException": "送信元のドメインが SES で確認されていません。",
    "AccessDeniedException": "メールを送信する権限がありません（IAM / SES の設定）。",
}


def send_email(
    to: str, subject: str, body: str, *, reply_to: str | None = None, headers: list[dict[str, str]] | None = None, tags: dict[str, str] | None = None
) -> None:
    """The one SESv2 SendEmail of the portal: from MAIL_FROM, through MAIL_CONFIGURATION_SET (so SES reports
    its bounces and complaints, transactional or newsletter), tagged `kind` (and the caller's tags)."""
    settings = get_settings()
    simple: dict[str, Any] = {"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}}
    if headers:
        simple["Headers"] = headers
    extra: dict[str, Any] = {"ReplyToAddresses": [reply_to]} if reply_to else {}
    if settings.mail_configuration_set:
        extra["ConfigurationSetName"] = settings.mail_configuration_set
        extra["EmailTags"] = [{"Name": k, "Value": v} for k, v in (tags or {"kind": "transactional"}).items()]
    client("sesv2").send_email(FromEmailAddress=settings.need("mail_from"), Destination={"ToAddresses": [to]}, Content={"Simple": simple}, **extra)


def deliver(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
    """One transactional mail; `reply_to` (a member's address, for a relayed 商談申込) becomes the Reply-To header."""
    send_email(to, subject, body, reply_to=reply_to)


def failure_name(exc: BaseException) -> str:
    """What failed, without its text (which can quote the address): the AWS error code or the type."""
    return error_code(exc) or type(exc).__name__


def send(to: str, template: str, *, about: str = "", reply_to: str | None = None, try_now: bool = True, **context: object) -> bool:
    """Send one mail now; if that fails, keep it for the scheduled retry. True when sent. Never raises.

    `about` names what the mail is about without personal data ("reservation:<id>", "member:<id>"),
    for the log line staff read when a mail could not even be kept. `reply_to` is kept with the mail
    in the outbox, so that the retry sets the same Reply-To. `try_now=False` keeps it for the retry at
    once: a request whose first mail SES refused does not wait for SES again for the others.
    """
    subject, body = render(template, **context)
    send_error = "Deferred"
    try:
        if try_now:
            deliver(to, subject, body, reply_to)
            return True
    except Exception as exc:
        send_error = failure_name(exc)
    mail_id = ids.new_id()
    now = clock.iso()
    logger.warning("mail send failed; kept for retry", extra={"template": template, "about": about, "mail_id": mail_id, "error": send_error})
    try:
        outbox.put(
            {
                "id": mail_id,
                "to": to,
                "reply_to": reply_to,
                "subject": subject,
                "body": body,
                "template": template,
                "about": about,
                "attempts": 1,
                "last_error": send_error,
                "created_at": now,
            }
        )
    except Exception as exc:
        logger.error(
            "MAIL LOST: the send failed and the mail could not be kept for retry",
            extra={"template": template, "about": about, "mail_id": mail_id, "at": now, "error": send_error, "outbox_error": failure_name(exc)},
        )
    return False


# --- mails written to the outbox in the transaction of what they are about, sent after its commit ---


def kept_mail(to: str, subject: str, body: str, template: str, about: str, at: str, reply_to: str | None = None) -> OutboxItem:
    """A mail for the outbox before its first send (attempts 0: mail_retry leaves it to its writer for a while).
    `reply_to` (a relayed 商談申込's sender) is kept with it, so a retry sets the same Reply-To."""
    return {
        "id": ids.new_id(),
        "to": to,
        "reply_to": reply_to,
        "subject": subject,
        "body": body,
        "template": template,
        "about": about,
        "attempts": 0,
        "last_error": "",
        "created_at": at,
    }


def compose(to: str, template: str, *, about: str, reply_to: str | None = None, created_at: str | None = None, **context: object) -> OutboxItem:
    """The template rendered into a mail for the outbox (kept_mail): written with its cause, then `send_kept`.
    `about` names what it is about without personal data ("reservation:<id>", "member:<id>")."""
    subject, body = render(template, **context)
    return kept_mail(to, subject, body, template, about, created_at or clock.iso(), reply_to)


def send_kept(mail: OutboxItem) -> bool:
    """A committed outbox mail, now: out of the outbox when SES took it (True), else left there with the attempt
    for the scheduled retry (False). A sent mail whose entry could not be removed may go out once more: a
    duplicate beats a lost mail."""
    key = outbox.item(mail)["SK"]
    try:
        deliver(mail["to"], mail["subject"], mail["body"], mail.get("reply_to"))
    except Exception as exc:
        error = failure_name(exc)
        logger.warning("mail send failed; kept for retry", extra={"mail_id": mail["id"], "about": mail["about"], "template": mail["template"], "error": error})
        try:
            outbox.record_attempt(key, error, clock.iso())
        except Exception as record_exc:
            if not refused_for_now(record_exc):
                raise
        return False
    try:
        outbox.remove(key)
    except Exception as exc:
        logger.warning("mail sent but still in the outbox", extra={"mail_id": mail["id"], "error": failure_name(exc)})
    return True


def drop_kept(mail: OutboxItem) -> None:
    """A committed outbox mail that is not to go out after all (a cap reached after the commit): out of the
    outbox. If AWS refuses that, the retry sends it: one mail more than the cap, never an error."""
    try:
        outbox.remove(outbox.item(mail)["SK"])
    except Exception as exc:
        logger.warning("capped mail still in the outbox", extra={"mail_id": mail["id"], "template": mail["template"], "error": failure_name(exc)})


def send_all_kept(mails: list[OutboxItem]) -> bool:
    """The committed outbox mails of one action, in order. Once SES refused one, the rest are not tried: they
    wait in the outbox for the retry (the request does not wait for SES again). True when all went out."""
    return all(send_kept(mail) for mail in mails)  # all() stops at the first refusal
