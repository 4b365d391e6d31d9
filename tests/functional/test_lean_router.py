"""netclub.http's router answers as Powertools' resolver does (issue 14: the lean router keeps the
validation exactly as it was; issue 28: and is held to it on valid requests too).

Every function's routes are replayed into Powertools' REST resolver configured with what the API promises,
written again without netclub.api's code (tests/functional/powertools_reference.py). Route by route: the
parameters are read from the same places under the same names; both answer the same bad inputs, and
schemathesis' valid requests (positive cases of the OpenAPI document, sent through the local gateway as
the member and as staff), with the same status, body and headers, byte for byte.

A request's handler runs once: for the lean router, whose call is recorded (its arguments, its answer or
its exception), then replayed to the reference, which must call it with equal arguments. So a request
that writes (a reservation, a new token) is compared as it was answered, not answered twice.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from netclub import http
from schemathesis import GenerationMode

from local.functions import Function
from local.openapi import merged
from tests.conftest import DEMO, STAFF, Env, Portal
from tests.functional.powertools_reference import reference_resolver

# schemathesis' valid requests per operation (same cases on every run unless NETCLUB_FUZZ_SEED asks for others)
POSITIVE = int(os.environ.get("NETCLUB_ROUTER_EXAMPLES", "4"))
FUZZ_SEED = os.environ.get("NETCLUB_FUZZ_SEED")
ENDS_THE_SESSION = {("POST", "/api/auth/logout")}

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
        ("trailing slash", _event(route.method, path + "/")),  # API Gateway REST sends it to this route
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


class Twin:
    """Each handler called once per request: the lean router's call runs and is recorded, the reference's is
    replayed from it (a difference of arguments is noted)."""

    def __init__(self) -> None:
        self.recorded: tuple[dict[str, Any], Any, BaseException | None] | None = None
        self.replaying = False
        self.differ: list[Any] = []

    def wrap(self, rule: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def handler(**kwargs: Any) -> Any:
            if self.replaying and self.recorded is not None:
                given, result, error = self.recorded
                if kwargs != given:
                    self.differ.append((rule, "arguments", given, kwargs))
                if error is not None:
                    raise error
                return copy.deepcopy(result)
            if self.replaying:
                self.differ.append((rule, "only the reference called the handler"))
            try:
                result = func(**kwargs)
            except Exception as exc:
                self.recorded = (kwargs, None, exc)
                raise
            self.recorded = (kwargs, copy.deepcopy(result), None)  # before the router serialises it in place
            return result

        return handler


def _pair(fn: Function) -> tuple[http.Router, Any, Twin] | None:
    """The function's router (its own module) and the reference over the same, twinned, handlers."""
    app = getattr(fn.load(), "app", None)
    if not isinstance(app, http.Router):
        return None
    twin = Twin()
    for route in app.routes:
        _ = route.fields, route.answer  # read from the handler itself, before it is wrapped
        route.func = twin.wrap(f"{route.method} {route.rule}", route.func)
    return app, reference_resolver(app), twin


def _both(fn: Function, pair: tuple[http.Router, Any, Twin], event: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    app, reference, twin = pair
    twin.recorded, twin.replaying = None, False
    with fn._scope():
        ours = _answer(app, event, app)
        twin.replaying = True
        theirs = _answer(reference, event, app)
        twin.replaying = False
    return ours, theirs


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
    differ, compared, twins = [], 0, []
    for fn in functions.values():
        pair = _pair(fn)
        if pair is None:
            continue
        twins.append(pair[2])
        for route in pair[0].routes:
            for label, event in _cases(route):
                ours, theirs = _both(fn, pair, event)
                compared += 1
                if ours != theirs:
                    differ.append((fn.logical_id, route.method, route.rule, label, ours, theirs))
    assert compared > 500
    assert differ == [], "\n".join(map(str, differ[:10]))
    assert [d for twin in twins for d in twin.differ] == []


def _signed_in(env: Env, who: tuple[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    client: Portal = env.new_client()
    assert client.login(*who).status == 200
    cookie = client.client.get_cookie("netclub_session")
    assert cookie is not None and client.csrf
    return {"X-CSRF-Token": client.csrf}, {"netclub_session": cookie.value}


def test_both_answer_schemathesis_valid_requests_alike(env: Env, discovered: tuple[Any, Any, Any], monkeypatch: Any) -> None:
    """Positive cases of every operation, through the local gateway (the real authorizer, the member's or
    staff's session): each request that reaches a function is answered by both routers and compared."""
    from netclub.services import recovery, registration

    monkeypatch.setattr(registration, "ANSWER_SECONDS", 0.0)  # the fixed wait of these answers: only slower here
    monkeypatch.setattr(recovery, "ANSWER_SECONDS", 0.0)
    functions, routes, _ = discovered
    gateway = env.gateway
    authorizers = {fn.logical_id for fn, _ in gateway.authorizers.values()}
    pairs: dict[str, Any] = {}
    differ: list[Any] = []
    statuses: Counter[int] = Counter()

    def both(fn: Function, event: dict[str, Any]) -> Any:
        if fn.logical_id in authorizers:
            return None  # the authorizer runs as it is
        if fn.logical_id not in pairs:
            pairs[fn.logical_id] = _pair(fn)
        ours, theirs = _both(fn, pairs[fn.logical_id], event)
        statuses[ours["statusCode"]] += 1
        if ours != theirs:
            differ.append((fn.logical_id, event["httpMethod"], event["path"], ours, theirs))
        return ours

    sessions = {"member": _signed_in(env, DEMO), "staff": _signed_in(env, STAFF)}
    gateway.hold = both
    schema = schemathesis.openapi.from_dict(merged(functions, routes))
    started, operations = time.monotonic(), 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in ENDS_THE_SESSION:
            continue
        operations += 1
        headers, cookies = sessions["staff" if operation.path.startswith("/api/admin") else "member"]

        @settings(
            max_examples=POSITIVE,
            deadline=None,
            database=None,
            derandomize=FUZZ_SEED is None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def run(case: Any) -> None:
            case.call(app=gateway, headers=headers, cookies=cookies)

        if FUZZ_SEED is not None:
            run = seed(int(FUZZ_SEED))(run)
        run()
    gateway.hold = None
    compared = sum(statuses.values())
    print(
        f"\nlean router vs Powertools, valid requests: {operations} operations, {compared} answers compared in {time.monotonic() - started:.0f} s; statuses {dict(sorted(statuses.items()))}"
    )
    assert operations > 60 and compared >= operations * POSITIVE // 2
    assert sum(n for status, n in statuses.items() if 200 <= status < 300) > compared // 5  # many reach a handler's answer, not only its refusals
    assert differ == [], "\n".join(map(str, differ[:10]))
    assert [d for pair in pairs.values() if pair for d in pair[2].differ] == []
