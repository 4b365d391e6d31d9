"""netclub.http's router answers as Powertools' resolver did (issue 14: the lean router keeps the
validation exactly as it was).

Every function's routes are replayed into Powertools' REST resolver configured as netclub.api
configured it before (tests/functional/powertools_reference.py). Route by route: the parameters
are read from the same places under the same names, and both answer the same bad inputs (and the
requests that get past validation) with the same status, body and headers.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from netclub import http

from tests.functional.powertools_reference import reference_resolver

MEMBER = {"member_id": "m-0000", "role": "member", "session_id": "s", "csrf_token": "c"}


def _event(
    method: str,
    path: str,
    *,
    query: dict[str, list[str]] | None = None,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    given = {"content-type": "application/json", **(headers or {})}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": given,
        "multiValueHeaders": {k: [v] for k, v in given.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"authorizer": MEMBER, "identity": {"sourceIp": "192.0.2.1"}, "requestId": "r"},
        "body": body,
        "isBase64Encoded": base64_body,
    }


def _cases(route: http.Route) -> list[tuple[str, dict[str, Any]]]:
    path_fields, query_fields, body_fields, _ = route.fields
    fill = lambda value: re.sub(r"<\w+>", value, route.rule)  # noqa: E731
    path = fill("x1")
    cases = [
        ("unknown method", _event("PATCH" if route.method != "PATCH" else "TRACE", path)),
        ("unknown path", _event(route.method, path + "/extra")),
    ]
    if path_fields:
        cases += [("path too long", _event(route.method, fill("p" * 81))), ("path control character", _event(route.method, fill("a\x07b")))]
    for spec in query_fields:
        for label, values in {
            "control": ["a\x01"],
            "long": ["q" * 3000],
            "word": ["abc"],
            "number": ["0"],
            "big": ["999"],
            "two": ["1", "2"],
            "empty": [""],
            "comma": ["a,b"],
        }.items():
            cases.append((f"query {spec.alias} {label}", _event(route.method, path, query={spec.alias: values})))
    if body_fields:
        for label, body, extra in [
            ("not json", "{", {}),
            ("a list", "[1]", {}),
            ("a list of objects", '[{"a": 1}]', {}),
            ("a number", "7", {}),
            ("empty object", "{}", {}),
            ("no body", None, {}),
            ("too deep", "[" * 40 + "]" * 40, {}),
            ("form", "a=1", {"content-type": "application/x-www-form-urlencoded"}),
            ("text", "{}", {"content-type": "text/plain"}),
            ("json with charset", '{"x": 1}', {"content-type": "application/json; charset=utf-8"}),
            ("wrong types", json.dumps({name: [1] for name in ("title", "body", "name", "email", "password", "preferences", "kind")}), {}),
        ]:
            cases.append((f"body {label}", _event(route.method, path, body=body, headers=extra)))
        cases.append(("body bad base64", _event(route.method, path, body="%%%", base64_body=True)))
        cases.append(("body not utf-8", _event(route.method, path, body=base64.b64encode(b"\xff\xfe{").decode(), base64_body=True)))
    return cases


def _answer(app: Any, event: dict[str, Any], handlers_read: http.Router) -> dict[str, Any]:
    """The handlers read the request from their module's router: it holds the event whichever resolves."""
    handlers_read._state.event = http.Event(event)
    answer = app.resolve(json.loads(json.dumps(event)), None)
    answer["multiValueHeaders"] = dict(answer.get("multiValueHeaders") or {})
    return answer


def test_every_route_reads_its_parameters_where_powertools_did(discovered: tuple[Any, Any, Any]) -> None:
    functions, _, _ = discovered
    wrong, seen = [], 0
    for fn in functions.values():
        app = getattr(fn.load(), "app", None)
        if not isinstance(app, http.Router):
            continue
        reference = reference_resolver(app)
        theirs = {(r.method, r.path): r.dependant for r in reference._static_routes + reference._dynamic_routes}
        for route in app.routes:
            seen += 1
            dependant = theirs[(route.method, route.rule)]
            path_fields, query_fields, body_fields, returned = route.fields
            ours = {s: sorted((f.name, f.alias) for f in fields) for s, fields in (("path", path_fields), ("query", query_fields), ("body", body_fields))}
            powertools = {
                "path": sorted((f.name, f.alias) for f in dependant.path_params),
                "query": sorted((f.name, f.alias) for f in dependant.query_params),
                "body": sorted((f.name, f.alias) for f in dependant.body_params),
            }
            if ours != powertools or dependant.header_params or dependant.cookie_params:
                wrong.append((fn.logical_id, route.method, route.rule, ours, powertools))
            answer_type = dependant.return_param.type_ if dependant.return_param is not None else None
            if (returned if returned is not __import__("inspect").Signature.empty else None) != answer_type:
                wrong.append((fn.logical_id, route.rule, "answer type", returned, answer_type))
    assert seen > 60 and wrong == []


def test_both_answer_every_bad_input_alike(aws: None, discovered: tuple[Any, Any, Any]) -> None:
    functions, _, _ = discovered
    differ, compared = [], 0
    for fn in functions.values():
        module = fn.load()
        app = getattr(module, "app", None)
        if not isinstance(app, http.Router):
            continue
        reference = reference_resolver(app)
        for route in app.routes:
            for label, event in _cases(route):
                with fn._scope():
                    ours, theirs = _answer(app, event, app), _answer(reference, event, app)
                compared += 1
                if ours != theirs:
                    differ.append((fn.logical_id, route.method, route.rule, label, ours, theirs))
    assert compared > 500
    assert differ == [], "\n".join(map(str, differ[:10]))
