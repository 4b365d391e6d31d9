"""The merged OpenAPI document tells the truth: real schemas for every answer, references that resolve."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from local.openapi import merged

ERROR_REF = "#/components/schemas/ErrorResponse"


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def test_every_reference_resolves(discovered: tuple[Any, Any, Any]) -> None:
    functions, routes, _ = discovered
    document = merged(functions, routes)
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    schemas = document["components"]["schemas"]
    assert refs, "no $ref at all"
    assert sorted(r for r in refs if not r.startswith("#/components/schemas/") or r.rsplit("/", 1)[1] not in schemas) == []


def test_every_error_answer_has_the_error_body_and_no_422(discovered: tuple[Any, Any, Any]) -> None:
    functions, routes, _ = discovered
    wrong = []
    for method, path, op in _operations(merged(functions, routes)):
        statuses = set(op["responses"])
        if "422" in statuses or "500" not in statuses:
            wrong.append((method, path, "422 declared or 500 missing", sorted(statuses)))
        if not any(s.startswith("2") or s == "303" for s in statuses):  # 303: a redirect to a page (GET /api/unsubscribe)
            wrong.append((method, path, "no success answer", sorted(statuses)))
        for status, answer in op["responses"].items():
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if int(status) >= 400 and schema != {"$ref": ERROR_REF}:
                wrong.append((method, path, status, schema))
            # a file answer (CSV, iCalendar) declares its text media type as a string instead of a JSON body
            text_file = any(kind.startswith("text/") and (c.get("schema") or {}).get("type") == "string" for kind, c in answer.get("content", {}).items())
            one_of_models = bool(schema and schema.get("anyOf") and all("$ref" in s for s in schema["anyOf"]))  # e.g. login: a session or the second step
            if (
                status.startswith("2")
                and status != "204"
                and not (schema and ("$ref" in schema or schema.get("properties") or one_of_models))
                and not text_file
            ):
                wrong.append((method, path, status, schema))
            if status == "204" and answer.get("content"):
                wrong.append((method, path, status, "a 204 has no body"))
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body is not None and not ("$ref" in body or body.get("properties")):
            wrong.append((method, path, "untyped request body", body))
        if "requestBody" in op and "415" not in statuses:
            wrong.append((method, path, "415 missing", sorted(statuses)))
    assert wrong == []


def test_session_routes_declare_their_security_and_the_authorizer_answers(discovered: tuple[Any, Any, Any]) -> None:
    functions, routes, _ = discovered
    document = merged(functions, routes)
    wrong = []
    for route in routes:
        op = document["paths"][route.path][route.method.lower()]
        if route.authorizer is None:
            if "security" in op:
                wrong.append((route.method, route.path, "public route with security"))
            continue
        expected = [{"session": [], "csrf": []}] if route.method in ("POST", "PUT", "PATCH", "DELETE") else [{"session": []}]
        if op.get("security") != expected or "401" not in op["responses"]:
            wrong.append((route.method, route.path, op.get("security"), sorted(op["responses"])))
    assert wrong == []


def test_error_response_schema_matches_api_md(discovered: tuple[Any, Any, Any]) -> None:
    functions, routes, _ = discovered
    schemas = merged(functions, routes)["components"]["schemas"]
    assert schemas["ErrorResponse"]["required"] == ["error"]
    detail = schemas["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message"}
    assert set(detail["properties"]) == {"code", "message", "fields"}
    assert set(schemas["ErrorField"]["required"]) == {"field", "message"}


def test_the_front_ends_copy_of_the_document_is_the_servers(discovered: tuple[Any, Any, Any]) -> None:
    """frontend/src/api/openapi.json is what the front end's types are generated from (npm run gen:api,
    run by its build): an API change must be copied there (`make frontend-api`), and then vue-tsc
    fails the front end's build wherever it does not follow."""
    functions, routes, _ = discovered
    committed = json.loads((Path(__file__).parents[2] / "frontend" / "src" / "api" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(merged(functions, routes))), "the API changed: run `make frontend-api` and follow it in the front end"


def test_each_function_registers_the_routes_its_declaration_read(discovered: tuple[Any, Any, Any]) -> None:
    """template.yaml's routes are read from app.py's decorators without running it (infra/functions.py); the
    router the module builds when it runs (what Lambda matches, and what the OpenAPI document says) has the same."""
    from infra import functions as declared

    functions, _, _ = discovered
    for fn in functions.values():
        app = getattr(fn.load(), "app", None)
        registered = sorted((r.method, re.sub(r"<(\w+)>", r"{\1}", r.rule)) for r in app.routes) if app is not None else []
        assert registered == sorted((method, path) for _, method, path in declared.routes(fn.code_dir / "app.py")), fn.logical_id


def test_two_functions_declaring_one_operation_is_an_error_not_a_choice() -> None:
    """Powertools' merge (OpenAPIMerge, on_conflict="error"): a route declared by two functions fails the document."""
    from types import SimpleNamespace

    import pytest
    from aws_lambda_powertools.event_handler.openapi.exceptions import OpenAPIMergeError
    from netclub.api import build_resolver

    def function(name: str) -> Any:
        app = build_resolver()
        app.get("/api/me", summary=name)(lambda: {"who": name})
        return SimpleNamespace(logical_id=name, load=lambda: SimpleNamespace(app=app))

    assert set(merged({"A": function("A")})["paths"]) == {"/api/me"}
    with pytest.raises(OpenAPIMergeError, match="GET /api/me"):
        merged({"A": function("A"), "B": function("B")})
