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

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from local import cfn, event_sources
from local.functions import Route, discover
from local.gateway import API_ID, STAGE, Gateway

ROOT = cfn.ROOT


def main(out: Path = ROOT / "events") -> int:
    template = cfn.load()
    functions, routes, api_props = discover(template)
    gateway = Gateway(routes, functions, api_props, "ap-northeast-1", "123456789012", static_dir=None, openapi=dict)
    written: list[Path] = []
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
                "role": "staff" if route.path.startswith("/api/admin") else "member",
                "session_id": "example",
                "csrf_token": "EXAMPLE",
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
                "Keys": {"PK": {"S": "DIRECTORY#example-company"}, "SK": {"S": "COMPANY"}},
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
