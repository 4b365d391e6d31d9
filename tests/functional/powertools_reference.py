"""The reference tests/functional/test_lean_router.py compares netclub.http's router with: the same routes on
Powertools' REST resolver, with what the API promises written here again, by other code than netclub.api's
(none of its functions is used: a bug there shows as a difference, not twice):

- request validation: Powertools' own middleware (3.x), with JSON-only bodies (415 for another type), a
  body nested deeper than 32 refused, the path and query parameters under the text rule of every field
  (netclub.models.common.check_text, the rule itself);
- an answer its own return type refuses: Powertools' ResponseValidationError as a 500
  (`response_validation_error_http_code`);
- the error map: the one error body (`{"error": {"code", "message", "fields"?}}`) with the Japanese messages,
  pydantic's errors read by netclub.validation (the messages per constraint), AWS still refusing a 503;
- the success status: the one 2xx/3xx a route lists in `responses`, else its `status_code`;
- JSON in UTF-8, compact.
"""

from __future__ import annotations

import binascii
import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError, ResponseValidationError
from netclub import http
from netclub.aws import refused_for_now
from netclub.errors import DomainError, FieldError, Unavailable, UnsupportedMediaType, ValidationFailed
from netclub.models.common import check_text
from netclub.openapi_document import _as_powertools_handler
from netclub.validation import field_errors_from_pydantic

JSON_UTF8 = "application/json; charset=utf-8"
DEEPEST = 32  # arrays and objects nested deeper than this: refused
MALFORMED = "リクエストの形式が正しくありません。"
TOO_DEEP = "リクエストの形式が正しくありません（JSONの入れ子が深すぎます）。"
INVALID = "入力内容に誤りがあります。各項目のメッセージをご確認ください。"
NOT_UTF8 = "リクエストの文字コードが正しくありません（UTF-8で送信してください）。"
NOT_FOUND = "お探しのページが見つかりません。"
INTERNAL = "システムエラーが発生しました。時間をおいてもう一度お試しください。"


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` deep, walked level by level."""
    level, layer = 0, [value]
    while layer:
        containers = [item for item in layer if isinstance(item, dict | list)]
        if not containers:
            return False
        level += 1
        if level > limit:
            return True
        layer = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]
    return False


class _ApiValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, and what the API adds to it: the text rule on path and query
    parameters, JSON bodies only, no deep nesting."""

    def handler(self, app: Any, next_middleware: Any) -> Any:
        route = app.context["_route"]
        names = {param.alias for param in route.dependant.query_params}
        query = app.current_event.multi_value_query_string_parameters or {}
        given = list((app.context.get("_route_args") or {}).items())
        given += [(name, value) for name, values in query.items() if name in names for value in (values or [])]
        refused: dict[str, str] = {}
        for name, value in given:
            try:
                check_text(str(value))
            except ValueError as exc:
                refused.setdefault(name, str(exc))
        if refused:
            raise ValidationFailed([FieldError(name, message) for name, message in refused.items()])
        return super().handler(app, next_middleware)

    def _get_body(self, app: Any) -> Any:
        content_type = str(app.current_event.headers.get("content-type") or "").strip().lower()
        if content_type and content_type.split(";")[0].strip() != "application/json":
            raise UnsupportedMediaType()
        try:
            body = super()._get_body(app)
        except RecursionError:  # nested too deep for the JSON parser itself
            too_deep = True
        else:
            too_deep = _nested_deeper_than(body, DEEPEST)
        if too_deep:
            raise ValidationFailed([FieldError("body", TOO_DEEP)], message=MALFORMED)
        return body


def _error(status: int, code: str, message: str, fields: list[Any] | None = None, headers: dict[str, str] | None = None) -> PowertoolsResponse[Any]:
    detail: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        detail["fields"] = [{"field": f.field, "message": f.message} for f in fields]
    return PowertoolsResponse(status, JSON_UTF8, {"error": detail}, headers)


def _domain(exc: DomainError) -> PowertoolsResponse[Any]:
    retry_after = getattr(exc, "retry_after", None)
    return _error(exc.status, exc.code, exc.message, getattr(exc, "fields", None), {"Retry-After": str(retry_after)} if retry_after else None)


def _invalid(exc: RequestValidationError) -> PowertoolsResponse[Any]:
    fields = field_errors_from_pydantic(exc.errors())
    return _error(400, "validation_error", MALFORMED if any(f.field == "body" for f in fields) else INVALID, fields)


def _unexpected(exc: Exception) -> PowertoolsResponse[Any]:
    return _domain(Unavailable()) if refused_for_now(exc) else _error(500, "internal_error", INTERNAL)


def _success_status(options: dict[str, Any]) -> int:
    listed = [status for status in options.get("responses") or {} if 200 <= status < 400]
    return listed[0] if len(listed) == 1 else int(options.get("status_code", 200))


def reference_resolver(router: http.Router) -> APIGatewayRestResolver:
    """The router's routes, in the same order and calling the same handlers, on Powertools' REST resolver
    configured as above (the reference the lean router is tested against)."""
    dumps = lambda body: json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)  # noqa: E731
    app = APIGatewayRestResolver(enable_validation=True, serializer=dumps, response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR)
    app._request_validation_middleware = _ApiValidation()
    for route in router.routes:
        options = {k: v for k, v in route.options.items() if k not in ("responses", "status_code")}
        app.route(route.rule, route.method, status_code=_success_status(route.options), **options)(_as_powertools_handler(route.func))
    app.exception_handler(DomainError)(_domain)
    app.exception_handler(RequestValidationError)(_invalid)
    app.exception_handler(ResponseValidationError)(lambda _: _error(500, "internal_error", INTERNAL))
    app.exception_handler([UnicodeDecodeError, binascii.Error])(lambda _: _error(400, "validation_error", NOT_UTF8))
    app.not_found(lambda _: _error(404, "not_found", NOT_FOUND))
    app.exception_handler(Exception)(_unexpected)
    return app
