"""A trailing slash is routed as API Gateway REST routes it, by the local gateway and by the lean router alike.

API Gateway REST ignores one trailing slash when it picks the resource: `GET /api/me/` reaches `/api/me`,
`/api/reservations/r1/` reaches `/api/reservations/{reservation_id}` with `r1`, and the proxy event's `path`
keeps the slash as sent (Powertools' REST resolver routes so since its issue 1552). A path parameter is never
empty: `/api/reservations/` is the `/api/reservations` resource.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from netclub.api import build_resolver
from netclub.http import Path as PathParam
from werkzeug.test import Client

from local.functions import Function, Route, _pattern
from local.gateway import Gateway

TEMPLATE_ROUTES = [
    ("GET", "/api/me"),
    ("GET", "/api/reservations"),
    ("GET", "/api/reservations/{reservation_id}"),
    ("GET", "/api/reservations/{reservation_id}/calendar.ics"),
]
NOT_FOUND = {"error": {"code": "not_found", "message": "お探しのページが見つかりません。"}}


def _gateway() -> tuple[Gateway, list[tuple[str, dict[str, Any]]]]:
    """The local gateway over a few of template.yaml's routes, each answering with what it was given."""
    fn = Function("RouteFunction", Path("."))
    routes = [Route(method, path, fn, None, _pattern(path)) for method, path in TEMPLATE_ROUTES]
    routes.sort(key=lambda r: (r.path.count("{"), -len(r.path)))
    api = {
        "GatewayResponses": {
            "MISSING_AUTHENTICATION_TOKEN": {"StatusCode": "404", "ResponseTemplates": {"application/json": json.dumps(NOT_FOUND, ensure_ascii=False)}}
        }
    }
    gateway = Gateway(routes, {"RouteFunction": fn}, api, "ap-northeast-1", "123456789012", static_dir=None, openapi=dict)
    seen: list[tuple[str, dict[str, Any]]] = []

    def answer(_: Function, event: dict[str, Any]) -> dict[str, Any]:
        seen.append((event["resource"], event))
        return {"statusCode": 200, "body": "{}", "multiValueHeaders": {}}

    gateway.hold = answer
    return gateway, seen


def test_the_local_gateway_ignores_one_trailing_slash_as_api_gateway_does() -> None:
    gateway, seen = _gateway()
    client = Client(gateway)
    for path, resource, parameters in [
        ("/api/me/", "/api/me", None),
        ("/api/me", "/api/me", None),
        ("/api/reservations/r1/", "/api/reservations/{reservation_id}", {"reservation_id": "r1"}),
        ("/api/reservations/", "/api/reservations", None),
        ("/api/reservations/r1/calendar.ics/", "/api/reservations/{reservation_id}/calendar.ics", {"reservation_id": "r1"}),
    ]:
        seen.clear()
        assert client.get(path).status_code == 200, path
        [(reached, event)] = seen
        assert (reached, event["path"], event["pathParameters"], event["requestContext"]["resourcePath"]) == (resource, path, parameters, resource)
    for path in ("/api/me//", "/api/reservations//", "/api/reservations/r1//", "/api//me"):
        seen.clear()
        answer = client.get(path)
        assert (answer.status_code, json.loads(answer.get_data()), seen) == (404, NOT_FOUND, []), path


def _router() -> Any:
    app = build_resolver()

    @app.get("/api/me")
    def me() -> dict[str, str]:
        return {"who": "me"}

    @app.get("/api/reservations")
    def listed() -> dict[str, str]:
        return {"who": "list"}

    @app.get("/api/reservations/<reservation_id>")
    def one(reservation_id: Annotated[str, PathParam(max_length=64)]) -> dict[str, str]:
        return {"who": reservation_id}

    return app


def _event(path: str) -> dict[str, Any]:
    return {"path": path, "httpMethod": "GET", "headers": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None, "body": None}


def test_the_lean_router_routes_the_events_api_gateway_sends_with_a_trailing_slash() -> None:
    app = _router()

    def answer(path: str) -> tuple[int, Any]:
        result = app.resolve(_event(path), None)
        return result["statusCode"], json.loads(result["body"])

    assert answer("/api/me/") == answer("/api/me") == (200, {"who": "me"})
    assert answer("/api/reservations/") == (200, {"who": "list"})
    assert answer("/api/reservations/r1/") == (200, {"who": "r1"})  # the parameter without the slash
    for path in ("/api/me//", "/api/reservations/r1//", "/api//me", "/api/me/x"):
        assert answer(path) == (404, NOT_FOUND), path
