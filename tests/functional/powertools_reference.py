"""The reference tests/functional/test_lean_router.py compares netclub.http's router with: the same routes on
Powertools' REST resolver (netclub.openapi_document.powertools_resolver), configured as netclub.api configured
it before the lean router: its validation middleware with JSON-only bodies, the nesting limit and the
parameter text rule, and the same error map."""

from __future__ import annotations

import binascii
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from netclub import api, http
from netclub.errors import DomainError, FieldError, UnsupportedMediaType, ValidationFailed
from netclub.openapi_document import Resolver, powertools_resolver, powertools_response


class _JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """What netclub.api did on Powertools' middleware before the lean router: JSON bodies only (415),
    no body nested deeper than MAX_JSON_DEPTH, path and query parameters under the text rule."""

    def handler(self, app: Any, next_middleware: Any) -> Any:
        route = app.context["_route"]
        given: list[tuple[str, Any]] = list((app.context.get("_route_args") or {}).items())
        names = {param.alias for param in route.dependant.query_params}
        query = app.current_event.multi_value_query_string_parameters or {}
        given += [(name, value) for name, values in query.items() if name in names for value in (values or [])]
        api._check_parameters(given)
        return super().handler(app, next_middleware)

    def _get_body(self, app: Any) -> Any:
        content_type = str(app.current_event.headers.get("content-type") or "").strip().lower()
        if content_type and content_type.split(";")[0].strip() != "application/json":
            raise UnsupportedMediaType()
        try:
            body = super()._get_body(app)
        except RecursionError:
            body = None
            too_deep = True
        else:
            too_deep = api._depth(body) > api.MAX_JSON_DEPTH
        if too_deep:
            raise ValidationFailed([FieldError("body", api.TOO_DEEP)], message="リクエストの形式が正しくありません。")
        return body


def reference_resolver(router: http.Router) -> Resolver:
    """The router's routes on Powertools as netclub.api configured it before the lean router (the
    reference the lean router is tested against): validation, the error map, JSON in UTF-8."""
    app = powertools_resolver(router, serializer=api._dumps)
    app._request_validation_middleware = _JsonBodyValidation()

    def answer(map_error: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda exc: powertools_response(map_error(exc))

    app.exception_handler(DomainError)(answer(api._domain_error))
    app.exception_handler(RequestValidationError)(answer(api._validation_error))
    app.exception_handler([UnicodeDecodeError, binascii.Error])(answer(api._bad_encoding))
    app.not_found(answer(api._not_found))
    app.exception_handler(Exception)(answer(api._unexpected))
    return app
