"""Two requests handled at once on threads (as the local stack does) never see each other's event.

Powertools' resolver kept the event on its router class: right on Lambda (one event per process),
wrong for threads. netclub.http's router keeps it per thread, on Lambda as in the local stack.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from netclub.api import build_resolver, current_principal


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


def test_concurrent_requests_keep_their_own_principal() -> None:
    answers = _two_at_once()
    assert [answer["statusCode"] for answer in answers] == [200, 200]
    assert '"member-a"' in answers[0]["body"] and '"member-b"' in answers[1]["body"]


def test_the_event_is_gone_after_the_answer() -> None:
    """Nothing of one request stays on the router for the next (a warm container's next event)."""
    app = build_resolver()

    @app.get("/api/whoami")
    def whoami() -> dict[str, str]:
        return {"member_id": current_principal(app).member_id}

    assert app.resolve(_event("member-a"), None)["statusCode"] == 200
    assert app.current_event is None
