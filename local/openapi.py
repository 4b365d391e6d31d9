"""One OpenAPI 3 document for the whole API, merged from every function's resolver.

Each function declares its own answers (netclub.api: the success schema, ErrorResponse for every
4xx/5xx). Powertools' own merge (OpenAPIMerge, what `configure_openapi_merge` uses) joins their documents:
paths, component schemas, and the gateway's security schemes. Its discovery of handler files is not used:
it looks for `app = APIGatewayRestResolver(...)` in the source, and the functions build the lean router
(`app = build_resolver()`, netclub.http) whose document Powertools makes on demand; and a function's
module is imported only in its own environment (local.functions), so each one's document is added as
made (`add_schema`). Two functions declaring the same method and path is an error, not a silent choice.

What the gateway adds in front of the functions comes from template.yaml's routes: the session cookie and
CSRF header (security), the authorizer's 401/403 and the 413 for bodies over 10 MB.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

from local.functions import Function, Route

UNSAFE = {"post", "put", "patch", "delete"}
STAFF_PREFIX = "/api/admin"
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": "netclub_session", "description": "set by POST /api/auth/login"},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "csrf_token of the login answer; every unsafe method"},
}


def _gateway_answers(path: str, method: str, operation: dict[str, Any], needs_session: bool) -> None:
    responses = operation.setdefault("responses", {})
    if needs_session:
        unsafe = method in UNSAFE
        operation["security"] = [{"session": [], "csrf": []}] if unsafe else [{"session": []}]
        responses.setdefault("401", {"description": "unauthenticated（セッションなし・期限切れ）", "content": ERROR})
        if unsafe or path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/"):
            responses.setdefault("403", {"description": "forbidden（CSRF トークンの不一致、職員以外）", "content": ERROR})
    if "requestBody" in operation:
        responses.setdefault("413", {"description": "too_large（10 MB を超える本文）", "content": ERROR})
    operation["responses"] = dict(sorted(responses.items()))


def merged(functions: dict[str, Function], routes: list[Route] | None = None) -> dict[str, Any]:
    merge = OpenAPIMerge(title="Net Club My Portal API (企業Myポータル)", version="1.0.0", openapi_version="3.1.0", on_conflict="error")
    for fn in sorted(functions.values(), key=lambda f: f.logical_id):
        module = fn.load()
        app = getattr(module, "app", None)
        if app is None or not hasattr(app, "get_openapi_schema"):
            continue
        merge.add_schema(app.get_openapi_schema().model_dump(mode="json", by_alias=True, exclude_none=True))
    merge.add_schema({"components": {"securitySchemes": SECURITY_SCHEMES}})  # the gateway's (its authorizer)
    document = merge.get_openapi_schema()
    for route in routes or []:
        operation = document["paths"].get(route.path, {}).get(route.method.lower())
        if operation is not None:
            _gateway_answers(route.path, route.method.lower(), operation, route.authorizer is not None)
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document
