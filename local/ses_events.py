"""SES event notifications as the local stack delivers them (docs/architecture.md "Events that are not HTTP").

On AWS, every mail is sent through MailConfigurationSet, whose event destination
publishes its BOUNCE and COMPLAINT events to SesEventsTopic, and the topic invokes each function
subscribed to it by a SAM `Type: SNS` event. Locally `POST /_dev/ses/events` with
`{type: "Bounce" | "Complaint", to, permanent?: true}` builds the event SES would publish for the
latest newsletter mail to `to` (its tags, newsletter and member, are found through the mail's
List-Unsubscribe token, as SES would have them from the send) and delivers it in SNS's event shape
to those same functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any

from local.cfn import resources_of_type


def sns_functions(template: dict[str, Any]) -> list[str]:
    """The functions a SAM `Type: SNS` event subscribes to a topic."""
    return [
        name
        for name, res in resources_of_type(template, "AWS::Serverless::Function").items()
        if any(e.get("Type") == "SNS" for e in (res["Properties"].get("Events") or {}).values())
    ]


def _tags(latest_mail: dict[str, Any] | None) -> dict[str, list[str]]:
    header = ((latest_mail or {}).get("headers") or {}).get("List-Unsubscribe", "")
    found = re.search(r"token=([A-Za-z0-9_\-]+)", header)
    if not found:
        return {}
    from netclub.store import newsletters as store

    record = store.recipient_of_token(hashlib.sha256(found.group(1).encode()).hexdigest())
    return {"newsletter": [str(record["newsletter_id"])], "member": [str(record["member_id"])]} if record else {}


def ses_event(kind: str, to: str, permanent: bool, latest_mail: dict[str, Any] | None) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    mail = {"timestamp": now, "messageId": str(uuid.uuid4()), "destination": [to], "tags": _tags(latest_mail)}
    if kind == "Bounce":
        detail = {"bounceType": "Permanent" if permanent else "Transient", "bounceSubType": "General", "bouncedRecipients": [{"emailAddress": to}]}
        return {"eventType": "Bounce", "mail": mail, "bounce": detail | {"timestamp": now}}
    return {"eventType": "Complaint", "mail": mail, "complaint": {"complainedRecipients": [{"emailAddress": to}], "timestamp": now}}


def sns_event(message: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    topic = f"arn:aws:sns:{region}:{account}:SesEventsTopic"
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic}:{uuid.uuid4()}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": topic,
                    "Subject": None,
                    "Message": json.dumps(message),
                    "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "MessageAttributes": {},
                },
            }
        ]
    }
