"""moto's DynamoDB transactions without a copy of the whole table each time; SESv2's headers kept.

moto's `transact_write_items` deep-copies every table a transaction touches before it starts,
to roll back if the transaction is cancelled. That is O(table) in time and memory per
transaction: after a few thousand inquiries and reservations the local stack answered 9
requests a second and its memory grew by about 1.8 MB a transaction (benchmarks/stack_load.py).
Here only the items the transaction names are kept (as DynamoDB JSON) and put back on a
cancellation: the same all-or-nothing result, at the cost of the items themselves.

moto's SESv2 `SendEmail` keeps a simple mail's recipients, subject and body only: here the
headers the portal sets (`ReplyToAddresses` as `Reply-To`, and any `Content.Simple.Headers`) are
kept on the sent message as `headers`, for the dev mailbox (`GET /_dev/mail`) and the tests.
"""

from __future__ import annotations

import copy
import json
import types
from typing import Any

_installed = False


def _item_keys(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    keys = []
    for entry in transact_items:
        if len(entry) != 1:
            continue
        ((kind, op),) = entry.items()
        table_name = op.get("TableName")
        if not table_name or table_name not in backend.tables:
            continue
        if kind == "Put":
            table = backend.tables[table_name]
            attrs = op.get("Item") or {}
            key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs.get(table.range_key_attr)
            if any(v is None for v in key.values()):
                continue
        else:
            key = op.get("Key") or {}
        keys.append((table_name, key))
    return keys


def install() -> None:
    """Once per process (the local stack's moto server, the tests' mock_aws)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    def deepcopy(value: Any, memo: Any = None) -> Any:
        # the transaction's table "backup" is the table itself; every other copy moto makes stays a copy
        return value if isinstance(value, models.Table) else copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(deepcopy=deepcopy)  # type: ignore[assignment]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        before = []
        for table_name, key in _item_keys(self, transact_items):
            try:
                current = self.get_item(table_name, key)
            except Exception:  # an invalid key: moto's own checks answer it below
                current = None
            before.append((table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
        try:
            original(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed(before):
                if attributes is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _keep_mail_headers()
    _installed = True


def mail_headers(params: dict[str, Any]) -> dict[str, str]:
    """The headers an SESv2 SendEmail request sets, by name (what SES would put in the mail)."""
    headers: dict[str, str] = {}
    reply_to = params.get("ReplyToAddresses") or []
    if reply_to:
        headers["Reply-To"] = ", ".join(reply_to)
    simple = (params.get("Content") or {}).get("Simple") or {}
    for header in simple.get("Headers") or []:
        if isinstance(header, dict) and header.get("Name"):
            headers[str(header["Name"])] = str(header.get("Value", ""))
    return headers


# POST /_dev/ses/outage: addresses the local SES refuses for now, answering TooManyRequestsException as a
# throttled account would (a fault to inject from outside, for the newsletter worker's retries and DLQ).
OUTAGE: set[str] = set()
# POST /_dev/ses/outage {account: <code>, on}: every send refused with an account-level error as SES answers
# when sending is paused, the account suspended or the identity unverified (a newsletter pauses, mail_retry stops)
ACCOUNT_OUTAGE: dict[str, str] = {}
ACCOUNT_CODES = {
    "SendingPausedException": "Sending is paused for this account.",
    "AccountSuspendedException": "The account is suspended for sending.",
    "MailFromDomainNotVerifiedException": "The MAIL FROM domain is not verified.",
}


def _keep_mail_headers() -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.sesv2 import responses

    original = responses.SESV2Response.send_email

    def send_email(self: Any) -> str:
        to = {str(a).strip().lower() for a in (json.loads(self.body or "{}").get("Destination") or {}).get("ToAddresses") or []}
        if ACCOUNT_OUTAGE.get("code"):
            code = ACCOUNT_OUTAGE["code"]
            refused = JsonRESTError(code, ACCOUNT_CODES.get(code, code))
            refused.code = 400
            raise refused
        if to & OUTAGE:
            refused = JsonRESTError("TooManyRequestsException", "Maximum sending rate exceeded.")
            refused.code = 429
            raise refused
        answer = original(self)
        headers = mail_headers(json.loads(self.body or "{}"))
        message_id = json.loads(answer).get("MessageId")
        for message in reversed(list(self.sesv2_backend.core_backend.sent_messages)):
            if getattr(message, "id", None) == message_id:
                message.headers = headers
                break
        return answer

    responses.SESV2Response.send_email = send_email  # type: ignore[method-assign]
