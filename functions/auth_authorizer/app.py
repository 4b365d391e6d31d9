"""REQUEST authorizer: session cookie → member id and role; CSRF on unsafe methods; staff-only paths.

It runs before every authenticated request and resolves no route: it imports the logger and the
session check only (no event handler, no OpenAPI models, no pydantic; tests/unit/test_cold_imports.py).
"""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import TYPE_CHECKING, Any

from netclub.cookies import session_token_from_cookie_header
from netclub.log import logger
from netclub.services import authorizer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


def _header(headers: dict[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = event.get("headers") or {}
    decision = authorizer.decide(
        token=session_token_from_cookie_header(_header(headers, "cookie")),
        method=str(event.get("httpMethod", "GET")),
        route=str(event.get("resource") or ""),  # the matched route, never the client's path
        csrf_header=_header(headers, "x-csrf-token"),
    )
    if decision.unauthenticated:
        raise Exception("Unauthorized")  # API Gateway answers 401 (UNAUTHORIZED gateway response)
    return {
        "principalId": decision.member_id or "anonymous",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow" if decision.allowed else "Deny", "Resource": event["methodArn"]}],
        },
        "context": decision.context,
    }


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
