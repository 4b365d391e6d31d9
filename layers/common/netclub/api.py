"""HTTP edge shared by every function: resolver factory, the one error map, session helpers.

Handlers stay thin: they declare a route, its OpenAPI metadata and call one service.
"""

from __future__ import annotations

import binascii
import json
import traceback
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from netclub.aws import error_code, refused_for_now
from netclub.config import get_settings
from netclub.errors import DomainError, FieldError, Unauthenticated, Unavailable
from netclub.validation import field_errors_from_pydantic

logger = Logger(service="netclub")
SESSION_COOKIE = "netclub_session"
CORRELATION_PATH = correlation_paths.API_GATEWAY_REST
JSON_TYPE = "application/json; charset=utf-8"

__all__ = [
    "CORRELATION_PATH",
    "Principal",
    "build_resolver",
    "current_principal",
    "error_response",
    "logger",
]


def _dumps(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)


def error_response(
    status: int,
    code: str,
    message: str,
    fields: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = [{"field": f.field, "message": f.message} for f in fields]
    return Response(status_code=status, content_type=JSON_TYPE, body={"error": error}, headers=headers)


def _domain_error(exc: DomainError) -> Response:
    retry_after = getattr(exc, "retry_after", None)  # 429 too_many_requests, 503 unavailable
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    fields = getattr(exc, "fields", None)
    return error_response(exc.status, exc.code, exc.message, fields, headers)


def _validation_error(exc: RequestValidationError) -> Response:
    fields = field_errors_from_pydantic(exc.errors())
    if any(f.field == "body" for f in fields):
        return error_response(400, "validation_error", "リクエストの形式が正しくありません。", fields)
    return error_response(400, "validation_error", "入力内容に誤りがあります。各項目のメッセージをご確認ください。", fields)


def _bad_encoding(_: Exception) -> Response:
    return error_response(400, "validation_error", "リクエストの文字コードが正しくありません（UTF-8で送信してください）。")


def _not_found(_: NotFoundError) -> Response:
    return error_response(404, "not_found", "お探しのページが見つかりません。")


def _unexpected(exc: Exception) -> Response:
    if refused_for_now(exc):
        # AWS still refusing after the SDK's own retries (throttling, an outage): 503, try again later.
        logger.warning("AWS refused for now", extra={"error_type": type(exc).__name__, "error_code": error_code(exc)})
        return _domain_error(Unavailable())
    # Where it failed, not what it said: an exception's text can quote the input (an address, a
    # profile value), so only its type and the code locations of the traceback are logged.
    frames = [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(exc.__traceback__)]
    logger.error("unhandled error", extra={"error_type": type(exc).__name__, "frames": frames})
    return error_response(500, "internal_error", "システムエラーが発生しました。時間をおいてもう一度お試しください。")


# On Lambda a process handles one event at a time. The local stack and the in-process tests run
# handlers on threads and swap in a resolver that keeps the event per thread (local/isolation.py).
resolver_class: type[APIGatewayRestResolver] = APIGatewayRestResolver


def build_resolver() -> APIGatewayRestResolver:
    """One resolver per function: validation on, Japanese error map, JSON in UTF-8."""
    app = resolver_class(enable_validation=True, serializer=_dumps)
    app.exception_handler(DomainError)(_domain_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler([UnicodeDecodeError, binascii.Error])(_bad_encoding)
    app.not_found(_not_found)
    app.exception_handler(Exception)(_unexpected)
    return app


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the REQUEST authorizer established it."""

    member_id: str
    role: str
    session_id: str
    csrf_token: str = ""


def current_principal(app: APIGatewayRestResolver) -> Principal:
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    member_id = context.get("member_id")
    if not member_id:
        raise Unauthenticated()
    return Principal(
        member_id=str(member_id),
        role=str(context.get("role", "member")),
        session_id=str(context.get("session_id", "")),
        csrf_token=str(context.get("csrf_token", "")),
    )


def source_ip(app: APIGatewayRestResolver) -> str:
    identity = (app.current_event.raw_event.get("requestContext") or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def header(app: APIGatewayRestResolver, name: str) -> str | None:
    headers = app.current_event.headers or {}
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def session_token_from_cookie_header(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # malformed cookie header: treat as no session
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel and morsel.value else None


def session_cookie(token: str, max_age_seconds: int) -> Cookie:
    return Cookie(
        name=SESSION_COOKIE,
        value=token,
        path="/",
        secure=get_settings().cookie_secure,
        http_only=True,
        same_site=SameSite.STRICT_MODE,
        max_age=max_age_seconds,
    )


def cleared_session_cookie() -> Cookie:
    return Cookie(
        name=SESSION_COOKIE,
        value="",
        path="/",
        secure=get_settings().cookie_secure,
        http_only=True,
        same_site=SameSite.STRICT_MODE,
        max_age=0,
    )


def json_response(status: int, body: Any, cookies: list[Cookie] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON_TYPE, body=body, cookies=cookies)


def no_content(cookies: list[Cookie] | None = None) -> Response:
    return Response(status_code=204, content_type=JSON_TYPE, body=None, cookies=cookies)
