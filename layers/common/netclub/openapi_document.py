"""The OpenAPI document of a function, made by Powertools from the lean router's registrations.

Only the document (local/openapi.py, `make openapi`, the front end's types) and the tests import
this: the handlers' routes are replayed into Powertools' REST resolver with Powertools' own markers
in place of netclub.http's, so the document is exactly the one Powertools made when it was the
router, and tests/unit/test_lean_router.py can answer every request with both and compare.
"""

from __future__ import annotations

import binascii
import functools
import inspect
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi import params
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from netclub import api, http
from netclub.errors import DomainError, FieldError, UnsupportedMediaType, ValidationFailed

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

_ROUTE_SIGNATURE = inspect.signature(APIGatewayRestResolver.route)
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_MARKERS: dict[str, Callable[..., Any]] = {"query": params.Query, "path": params.Path, "body": params.Body}


class Resolver(APIGatewayRestResolver):
    """Powertools' REST resolver whose routes declare every answer with its real schema (netclub.api.declared_responses)."""

    def route(self, rule: str, method: Any, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:  # type: ignore[override]
        bound = _ROUTE_SIGNATURE.bind(self, rule, method, *args, **kwargs)
        bound.apply_defaults()
        options = {name: value for name, value in bound.arguments.items() if name != "self"}

        def register(func: Any) -> Any:
            options["status_code"], options["responses"] = api.declared_responses(rule, func, options["responses"], options["status_code"])
            return APIGatewayRestResolver.route(self, **options)(func)

        return register

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPI:  # type: ignore[override]
        """Without Powertools' 422 (this API answers bad input with 400 and the one error body)."""
        schema = super().get_openapi_schema(**kwargs)
        for item in (schema.paths or {}).values():
            for name in _METHODS:
                operation = getattr(item, name, None)
                if operation is not None and operation.responses:
                    operation.responses.pop(422, None)
        if schema.components and schema.components.schemas:
            for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
                schema.components.schemas.pop(unused, None)
        return schema


def _powertools_annotation(annotation: Any) -> Any:
    """The same annotation with netclub.http's markers and Response swapped for Powertools' own."""
    if get_origin(annotation) is Annotated:
        inner, *metadata = get_args(annotation)
        swapped = [_MARKERS[m.source](**m.options) if isinstance(m, http.Param) else m for m in metadata]
        return Annotated[(_powertools_annotation(inner), *swapped)]  # type: ignore[valid-type]
    if annotation is http.Response:
        return PowertoolsResponse
    if get_origin(annotation) is http.Response:
        return PowertoolsResponse[get_args(annotation)]  # type: ignore[misc]
    return annotation


def _powertools_response(result: Any) -> Any:
    if not isinstance(result, http.Response):
        return result
    return PowertoolsResponse(result.status_code, result.content_type, result.body, result.headers, result.cookies)


def _as_powertools_handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """The handler with Powertools' markers in its signature, answering with Powertools' Response."""
    hints = typing.get_type_hints(func, include_extras=True)

    @functools.wraps(func)
    def handler(*args: Any, **kwargs: Any) -> Any:
        return _powertools_response(func(*args, **kwargs))

    signature = inspect.signature(func)
    handler.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p.replace(annotation=_powertools_annotation(hints.get(p.name, p.annotation))) for p in signature.parameters.values()],
        return_annotation=_powertools_annotation(hints.get("return", signature.return_annotation)),
    )
    handler.__annotations__ = {name: _powertools_annotation(value) for name, value in hints.items()}
    return handler


def powertools_resolver(router: http.Router, resolver_class: type[Resolver] = Resolver, **resolver_options: Any) -> Resolver:
    """A Powertools resolver with the router's routes, in the same order, calling the same code."""
    app = resolver_class(enable_validation=True, **resolver_options)
    for route in router.routes:
        app.route(route.rule, route.method, **route.options)(_as_powertools_handler(route.func))
    return app


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
        return lambda exc: _powertools_response(map_error(exc))

    app.exception_handler(DomainError)(answer(api._domain_error))
    app.exception_handler(RequestValidationError)(answer(api._validation_error))
    app.exception_handler([UnicodeDecodeError, binascii.Error])(answer(api._bad_encoding))
    app.not_found(answer(api._not_found))
    app.exception_handler(Exception)(answer(api._unexpected))
    return app
