"""One OpenAPI 3 document for the whole API, merged from every function's resolver."""

from __future__ import annotations

from typing import Any

from local.functions import Function


def merged(functions: dict[str, Function]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Net Club My Portal API (企業Myポータル)", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": {}},
    }
    for fn in sorted(functions.values(), key=lambda f: f.logical_id):
        module = fn.load()
        app = getattr(module, "app", None)
        if app is None or not hasattr(app, "get_openapi_schema"):
            continue
        schema = app.get_openapi_schema().model_dump(mode="json", by_alias=True, exclude_none=True)
        for path, operations in schema.get("paths", {}).items():
            document["paths"].setdefault(path, {}).update(operations)
        document["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
    document["paths"] = dict(sorted(document["paths"].items()))
    return document
