"""The OpenAPI document of a function, made by Powertools from the lean router's registrations.

Only the document (local/openapi.py, `make openapi`, the front end's types) and the tests import
this: the handlers' routes are replayed into Powertools' REST resolver with Powertools' own markers
in place of netclub.http's, so the document is exactly the one Powertools made when it was the
router (tests/functional/powertools_reference.py replays the handlers the same way, into Powertools
configured with what the API promises, to answer every request with both and compare).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse
from aws_lambda_powertools.event_handler.openapi import params

from netclub import api, http

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


def powertools_response(result: Any) -> Any:
    """A netclub.http Response as Powertools' own (anything else as it is)."""
    if not isinstance(result, http.Response):
        return result
    return PowertoolsResponse(result.status_code, result.content_type, result.body, result.headers, result.cookies)


def _as_powertools_handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """The handler with Powertools' markers in its signature, answering with Powertools' Response."""
    hints = typing.get_type_hints(func, include_extras=True)

    @functools.wraps(func)
    def handler(*args: Any, **kwargs: Any) -> Any:
        return powertools_response(func(*args, **kwargs))

    signature = inspect.signature(func)
    handler.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p.replace(annotation=_powertools_annotation(hints.get(p.name, p.annotation))) for p in signature.parameters.values()],
        return_annotation=_powertools_annotation(hints.get("return", signature.return_annotation)),
    )
    handler.__annotations__ = {name: _powertools_annotation(value) for name, value in hints.items()}
    return handler


def powertools_resolver(router: http.Router, **resolver_options: Any) -> Resolver:
    """A Powertools resolver with the router's routes, in the same order, calling the same code."""
    app = Resolver(enable_validation=True, **resolver_options)
    for route in router.routes:
        app.route(route.rule, route.method, **route.options)(_as_powertools_handler(route.func))
    return app
