"""The staff role is checked against the route API Gateway matched (event.resource), not the client's path."""

from __future__ import annotations

from typing import Any

from tests.conftest import DEMO, STAFF, Env


def _session_cookie(env: Env, login: tuple[str, str]) -> str:
    client = env.new_client()
    assert client.login(*login).status == 200
    cookie = client.client.get_cookie("netclub_session", domain="localhost")
    assert cookie is not None
    return f"netclub_session={cookie.value}"


def _authorize(env: Env, cookie: str, resource: str | None, path: str) -> str:
    event: dict[str, Any] = {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:ap-northeast-1:123456789012:local/prod/GET{path}",
        "path": path,
        "httpMethod": "GET",
        "headers": {"Cookie": cookie},
        "requestContext": {"identity": {"sourceIp": "127.0.0.1"}},
    }
    if resource is not None:
        event["resource"] = resource
    policy = env.invoke("AuthAuthorizerFunction", event)
    return str(policy["policyDocument"]["Statement"][0]["Effect"])


def test_the_matched_route_decides_the_staff_role(env: Env) -> None:
    member = _session_cookie(env, DEMO)
    staff = _session_cookie(env, STAFF)
    # a staff route reached under any spelling of the path: the route is what counts
    for path in ("/api/admin/members", "/api//admin/members", "/api/%61dmin/members", "/api/me/../admin/members", "/API/admin/members"):
        assert _authorize(env, member, "/api/admin/members", path) == "Deny", path
        assert _authorize(env, staff, "/api/admin/members", path) == "Allow", path
    assert _authorize(env, member, "/api/admin/members/{member_id}", "/api/admin/members/x") == "Deny"
    assert _authorize(env, member, "/api/me", "/api/me") == "Allow"
    # no matched route in the event: staff only (fail closed)
    assert _authorize(env, member, None, "/api/me") == "Deny"
    assert _authorize(env, staff, None, "/api/me") == "Allow"
