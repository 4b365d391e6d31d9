"""Every route of template.yaml, swept: the session, role and CSRF rules, and bad bodies.

The routes come from template.yaml (as the local gateway serves them), so a route added later is
swept too without touching this file.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from local.openapi import merged
from tests.conftest import Env, Portal
from tests.functional.test_bad_input import BAD_BODIES

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _routes(discovered: tuple[Any, Any, Any]) -> list[tuple[str, str, bool]]:
    """(method, path with placeholder ids, needs a session) for every route."""
    _, routes, _ = discovered
    found = [(r.method, re.sub(r"\{[^}]+\}", "nope", r.path), r.authorizer is not None) for r in routes]
    assert len(found) > 60, found
    return sorted(found)


def _is_japanese(message: str) -> bool:
    return bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", message))


def test_every_session_route_is_401_without_a_session(discovered: tuple[Any, Any, Any], portal: Portal) -> None:
    wrong = []
    for method, path, needs_session in _routes(discovered):
        if not needs_session:
            continue
        answer = portal.request(method, path, {} if method in UNSAFE else None)
        if answer.status != 401 or not _is_japanese(answer.error.get("message", "")):
            wrong.append((method, path, answer.status, answer.raw[:120]))
    assert wrong == []


def test_every_staff_route_is_403_for_a_member(discovered: tuple[Any, Any, Any], member: Portal) -> None:
    wrong = []
    for method, path, _ in _routes(discovered):
        if not path.startswith("/api/admin/"):
            continue
        answer = member.request(method, path, {} if method in UNSAFE else None)
        if answer.status != 403 or not _is_japanese(answer.error.get("message", "")):
            wrong.append((method, path, answer.status, answer.raw[:120]))
    assert wrong == []


def test_every_unsafe_session_route_is_403_without_the_csrf_token(discovered: tuple[Any, Any, Any], staff: Portal, member: Portal) -> None:
    wrong = []
    for method, path, needs_session in _routes(discovered):
        if method not in UNSAFE or not needs_session:
            continue
        who = staff if path.startswith("/api/admin/") else member
        for headers in ({}, {"X-CSRF-Token": "forged-token"}):
            answer = who.request(method, path, {}, headers=headers, csrf=False)
            if answer.status != 403:
                wrong.append((method, path, headers, answer.status, answer.raw[:120]))
    assert wrong == []


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_no_route_answers_5xx_to_a_bad_body(discovered: tuple[Any, Any, Any], env: Env, staff: Portal, member: Portal, body: bytes) -> None:
    """Each route with a body, called by a user allowed to call it, with malformed JSON, wrong types, huge or non-UTF-8 bodies."""
    wrong = []
    for method, path, needs_session in _routes(discovered):
        # logout reads no body (and would end the sweep's session); nor does the feed's re-issue
        if method not in ("POST", "PUT") or path in ("/api/auth/logout", "/api/me/calendar-feed/rotate"):
            continue
        who = staff if path.startswith("/api/admin/") else member if needs_session else env.new_client()
        answer = who.request(method, path, raw=body)
        still_signed_in = not needs_session or answer.status != 401
        if not 400 <= answer.status < 500 or not _is_japanese(answer.error.get("message", "")) or not still_signed_in:
            wrong.append((method, path, answer.status, answer.raw[:160]))
    assert wrong == []


DEEP = 990
BAD_REQUESTS: list[tuple[str, dict[str, str], bytes, int, str]] = [
    # (what, headers, body, expected status, expected code)
    ("text/plain", {"Content-Type": "text/plain"}, b'{"email": "a@example.jp"}', 415, "unsupported_media_type"),
    ("application/xml", {"Content-Type": "application/xml"}, b"<login><email>a@example.jp</email></login>", 415, "unsupported_media_type"),
    (
        "multipart without boundary",
        {"Content-Type": "multipart/form-data"},
        b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--",
        415,
        "unsupported_media_type",
    ),
    ("form-urlencoded", {"Content-Type": "application/x-www-form-urlencoded"}, b"email=a%40example.jp&password=x", 415, "unsupported_media_type"),
    ("arrays nested 990 deep", {}, b"[" * DEEP + b"]" * DEEP, 400, "validation_error"),
    ("objects nested 990 deep", {}, b'{"a":' * DEEP + b"1" + b"}" * DEEP, 400, "validation_error"),
    ("objects nested 40 deep", {}, b'{"a":' * 40 + b"1" + b"}" * 40, 400, "validation_error"),
]


@pytest.mark.parametrize(("what", "headers", "body", "status", "code"), BAD_REQUESTS, ids=[r[0] for r in BAD_REQUESTS])
def test_every_route_with_a_body_refuses_other_content_types_and_deep_json(
    discovered: tuple[Any, Any, Any], env: Env, staff: Portal, member: Portal, what: str, headers: dict[str, str], body: bytes, status: int, code: str
) -> None:
    """Only JSON is accepted (415 otherwise) and JSON nested too deep is a 400, in the API's error shape, on every route that takes a body."""
    functions, _, _ = discovered
    takes_body = {(m.upper(), re.sub(r"\{[^}]+\}", "nope", p)) for p, ops in merged(functions)["paths"].items() for m, op in ops.items() if "requestBody" in op}
    assert len(takes_body) > 25, takes_body
    wrong = []
    for method, path, needs_session in _routes(discovered):
        if (method, path) not in takes_body:
            continue
        who = staff if path.startswith("/api/admin/") else member if needs_session else env.new_client()
        answer = who.request(method, path, raw=body, headers=headers)
        error = answer.error
        if answer.status != status or error.get("code") != code or not _is_japanese(error.get("message", "")):
            wrong.append((method, path, answer.status, answer.raw[:160]))
    assert wrong == []


def test_every_get_route_answers_the_same_with_a_trailing_slash(discovered: tuple[Any, Any, Any], staff: Portal, member: Portal) -> None:
    """As API Gateway REST routes it: `/api/me/` is `/api/me` (the gateway and the function's router alike)."""
    wrong, swept = [], 0
    for method, path, _ in _routes(discovered):
        if method != "GET":
            continue
        who = staff if path.startswith("/api/admin/") else member
        plain, slashed = who.get(path), who.get(path + "/")
        swept += 1
        if (slashed.status, slashed.body) != (plain.status, plain.body):
            wrong.append((path, plain.status, slashed.status, slashed.raw[:120]))
    assert swept > 30 and wrong == []
