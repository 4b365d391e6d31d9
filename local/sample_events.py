"""`python -m local.sample_events`: write events/<function>/<case>.json for every function.

Each API function gets the REST proxy event the local gateway (and API Gateway) would send for
its route, with an authorizer context where the route needs a session; the authorizer gets a
REQUEST authorizer event; scheduled functions a scheduled event. Use with `sam local invoke -e`;
tests/deployed/ sends each of them to its function as `sam build` made it.
"""

from __future__ import annotations

import collections
import json
import re
import sys
import uuid
from pathlib import Path

from netclub import access
from netclub.authorizer_context import MEMBER_FIELDS
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from local import cfn, event_sources, ses_events
from local.functions import Route, discover
from local.gateway import API_ID, STAGE, Gateway

ROOT = cfn.ROOT
EXAMPLE_MEMBER = {"email": "member@example.jp", "company_name": "株式会社サンプル製作所", "user_name": "見本 太郎", "status": "active"}


# what each queue's and stream's own messages look like (the newsletter's and the directory's are the defaults)
QUEUE_BODIES = {
    "MemberImportWorkerFunction": {"import_id": "example", "phase": "validate"},
    "ExportWorkerFunction": {"export_id": "example"},
    "LotteryWorkerFunction": {"offering_id": "example", "staff_id": "example-staff"},
}
STREAM_KEYS = {"MemberIndexFunction": {"PK": {"S": "MEMBER#example-member"}, "SK": {"S": "MEMBER"}}}


def main(out: Path = ROOT / "events") -> int:
    template = cfn.load()
    functions, routes, api_props = discover(template)
    gateway = Gateway(routes, functions, api_props, "ap-northeast-1", "123456789012", static_dir=None, openapi=dict)
    written: list[Path] = []
    queue_functions = {m.function: m.queue for m in event_sources.queue_mappings(template)}
    sns_functions = set(ses_events.sns_functions(template))
    methods = collections.Counter((route.function.code_dir.name, route.method) for route in routes)
    for route in routes:
        path = re.sub(r"\{([^}]+)\}", lambda m: f"example-{m.group(1).replace('_', '-')}", route.path)
        body = json.dumps({"example": "see /api/openapi.json for the body"}) if route.method in ("POST", "PUT", "PATCH") else None
        headers = {"Content-Type": "application/json"}
        if route.authorizer:
            headers |= {"Cookie": "netclub_session=EXAMPLE", "X-CSRF-Token": "EXAMPLE"}
        builder = EnvironBuilder(
            path=path, method=route.method, data=body, headers=list(headers.items()), environ_base={"REMOTE_ADDR": "203.0.113.10", "REMOTE_PORT": "50000"}
        )
        request = Request(builder.get_environ())
        params = route.pattern.match(path)
        event = gateway.event(request, route, params.groupdict() if params else {}, (body or "").encode())
        # fixed id and time, so regenerating changes only the events whose routes changed
        event["requestContext"]["requestId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{route.method} {route.path}"))
        event["requestContext"]["requestTimeEpoch"] = 1795478400000  # 2026-11-24T00:00:00Z
        if route.authorizer:
            event["requestContext"]["authorizer"] = {
                "member_id": "example-member",
                "role": access.required_role(route.method, route.path),  # the least role the route takes (netclub/access.py)
                "session_id": "example",
                "csrf_token": "EXAMPLE",
                # the member fields the authorizer reads with the session and passes on (netclub/authorizer_context.py)
                **{f"member_{name}": EXAMPLE_MEMBER[name] for name in MEMBER_FIELDS},
                "principalId": "example-member",
            }
        target = out / route.function.code_dir.name / f"{_case(route, methods)}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(event, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(target)
    for fn in functions.values():
        folder = out / fn.code_dir.name
        if any(file.parent == folder for file in written):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if fn.code_dir.name == "auth_authorizer":
            event = {
                "type": "REQUEST",
                "methodArn": f"arn:aws:execute-api:ap-northeast-1:123456789012:{API_ID}/{STAGE}/GET/api/me",
                "resource": "/api/me",
                "path": "/api/me",
                "httpMethod": "GET",
                "headers": {"Cookie": "netclub_session=EXAMPLE"},
                "requestContext": {"stage": STAGE},
            }
        elif fn.logical_id in queue_functions:  # SQS: Lambda's event source batch shape (local/event_sources.py)
            message = {
                "MessageId": "00000000-0000-0000-0000-000000000001",
                "ReceiptHandle": "example",
                "Body": json.dumps(QUEUE_BODIES.get(fn.logical_id, {"newsletter_id": "example", "member_ids": []})),
                "MD5OfBody": "example",
                "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795478400000"},
            }
            arn = f"arn:aws:sqs:ap-northeast-1:123456789012:{queue_functions[fn.logical_id]}"
            event = {"Records": [event_sources.sqs_record(message, arn, "ap-northeast-1")]}
        elif fn.logical_id in sns_functions:  # SNS: an SES event notification (local/ses_events.py)
            event = ses_events.sns_event(ses_events.ses_event("Bounce", "someone@example.com", False, None), "ap-northeast-1", "123456789012")
            for record in event["Records"]:  # fixed ids and time, so regenerating changes nothing
                record["EventSubscriptionArn"] = "arn:aws:sns:ap-northeast-1:123456789012:SesEventsTopic:example"
                record["Sns"] |= {"MessageId": "example", "Timestamp": "2026-11-24T00:00:00.000Z"}
                message = json.loads(record["Sns"]["Message"])
                message["mail"] |= {"timestamp": "2026-11-24T00:00:00.000Z", "messageId": "example"}
                message["bounce"]["timestamp"] = "2026-11-24T00:00:00.000Z"
                record["Sns"]["Message"] = json.dumps(message)
        elif fn.logical_id == "StaffFirstAdminFunction":  # invoked by hand: make first-admin
            event = {"email": "admin@example.jp", "name": "管理者"}
        else:
            event = {
                "version": "0",
                "id": "example",
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "time": "2026-11-24T00:00:00Z",
                "region": "ap-northeast-1",
                "resources": [],
                "detail": {},
            }
        (folder / "event.json").write_text(json.dumps(event, indent=2) + "\n", encoding="utf-8")
        written.append(folder / "event.json")
    for mapping in event_sources.stream_mappings(template):  # a DynamoDB stream's batch, as Lambda delivers it (KEYS_ONLY)
        folder = out / functions[mapping.function].code_dir.name
        folder.mkdir(parents=True, exist_ok=True)
        record = {
            "eventID": "example",
            "eventName": "MODIFY",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "ap-northeast-1",
            "dynamodb": {
                "ApproximateCreationDateTime": 1795478400,
                "Keys": STREAM_KEYS.get(mapping.function, {"PK": {"S": "DIRECTORY#example-company"}, "SK": {"S": "COMPANY"}}),
                "SequenceNumber": "100000000000000000001",
                "SizeBytes": 60,
                "StreamViewType": "KEYS_ONLY",
            },
            "eventSourceARN": "arn:aws:dynamodb:ap-northeast-1:123456789012:table/example/stream/2026-11-24T00:00:00.000",
        }
        (folder / "stream.json").write_text(json.dumps({"Records": [record]}, indent=2) + "\n", encoding="utf-8")
        written.append(folder / "stream.json")
    stale = [file for file in out.glob("*/*.json") if file not in written]
    for file in stale:  # routes that left the template
        file.unlink()
    for folder in out.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    print(f"wrote {len(written)} sample events under {out}/" + (f", removed {len(stale)} stale ones" if stale else ""))
    return 0


def _case(route: Route, methods: collections.Counter[tuple[str, str]]) -> str:
    """get.json, or get-admin-offerings-offering_id.json where one function has several GET routes."""
    if methods[(route.function.code_dir.name, route.method)] == 1:
        return route.method.lower()
    words = [w.strip("{}") for w in route.path.split("/") if w and w != "api"]
    return "-".join([route.method.lower(), *words])


if __name__ == "__main__":
    sys.exit(main())
