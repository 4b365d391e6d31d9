"""Two requests handled at once on threads (as the local stack does) never see each other's event.

Powertools keeps the event on its router class: right on Lambda (one event per process), wrong
for threads. The deployed layer uses Powertools as it is; the local stack and the tests swap in
local.isolation.PerThreadResolver.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from netclub import api
from netclub.api import build_resolver, current_principal

from local import isolation


def _event(member_id: str) -> dict[str, Any]:
    return {
        "resource": "/api/whoami",
        "path": "/api/whoami",
        "httpMethod": "GET",
        "headers": {},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"authorizer": {"member_id": member_id, "role": "member"}, "identity": {"sourceIp": "127.0.0.1"}},
        "body": None,
        "isBase64Encoded": False,
    }


def _two_at_once() -> list[dict[str, Any]]:
    # two handler modules, as two functions of the local stack: each has its own resolver
    first, second = build_resolver(), build_resolver()
    both_inside = threading.Barrier(2, timeout=5)

    def route(app: Any) -> None:
        @app.get("/api/whoami")
        def whoami() -> dict[str, str]:
            both_inside.wait()  # the other request has started (and set its event) by now
            return {"member_id": current_principal(app).member_id}

    route(first)
    route(second)

    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(first.resolve, _event("member-a"), None)
        b = pool.submit(second.resolve, _event("member-b"), None)
        return [a.result(), b.result()]


def test_concurrent_requests_keep_their_own_principal_on_the_local_resolver() -> None:
    isolation.install()
    assert api.resolver_class is isolation.PerThreadResolver
    answers = _two_at_once()
    assert [answer["statusCode"] for answer in answers] == [200, 200]
    assert '"member-a"' in answers[0]["body"] and '"member-b"' in answers[1]["body"]


def test_powertools_alone_would_mix_them_up(monkeypatch: Any) -> None:
    monkeypatch.setattr(api, "resolver_class", APIGatewayRestResolver)  # what ships in the layer
    answers = _two_at_once()
    assert answers[0]["body"] == answers[1]["body"]  # both read the event set last: why local/ swaps it
