"""HTTP edge shared by every function: resolver factory, the one error map, session helpers.

Handlers stay thin: they declare a route, its OpenAPI metadata and call one service.
"""

from __future__ import annotations

import binascii
import hmac
import inspect
import json
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from netclub.authorizer_context import MEMBER_FIELDS
from netclub.aws import error_code, refused_for_now
from netclub.config import get_settings
from netclub.content_disposition import attachment
from netclub.cookies import SESSION_COOKIE, cookie_from_header, session_token_from_cookie_header
from netclub.errors import DomainError, FieldError, Unauthenticated, Unavailable, UnsupportedMediaType, ValidationFailed
from netclub.http import Event, NotFound, RequestValidationError, Response, ResponseValidationError, Router
from netclub.log import CORRELATION_PATH, logger
from netclub.models.common import ErrorDetail, ErrorField, ErrorResponse, check_text
from netclub.validation import field_errors_from_pydantic

JSON_TYPE = "application/json; charset=utf-8"

__all__ = [
    "CORRELATION_PATH",
    "SESSION_COOKIE",
    "Principal",
    "build_resolver",
    "cookie_from_header",
    "current_principal",
    "error_response",
    "logger",
    "session_token_from_cookie_header",
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
    listed: dict[str, Any] = {} if fields is None else {"fields": [ErrorField(field=f.field, message=f.message) for f in fields]}
    detail = ErrorDetail(code=code, message=message, **listed)  # `fields` only for validation errors (docs/architecture.md "The HTTP contract")
    body = ErrorResponse(error=detail).model_dump(exclude_unset=True)
    return Response(status_code=status, content_type=JSON_TYPE, body=body, headers=headers)


def _domain_error(exc: DomainError) -> Response:
    retry_after = getattr(exc, "retry_after", None)  # 429 too_many_requests, 503 unavailable
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    fields = getattr(exc, "fields", None)
    return error_response(exc.status, exc.code, exc.message, fields, headers)


def _validation_error(exc: Any) -> Response:  # netclub.http's or Powertools' RequestValidationError
    fields = field_errors_from_pydantic(exc.errors())
    if any(f.field == "body" for f in fields):
        return error_response(400, "validation_error", "リクエストの形式が正しくありません。", fields)
    return error_response(400, "validation_error", "入力内容に誤りがあります。各項目のメッセージをご確認ください。", fields)


def _bad_encoding(_: Exception) -> Response:
    return error_response(400, "validation_error", "リクエストの文字コードが正しくありません（UTF-8で送信してください）。")


def _not_found(_: Exception) -> Response:
    return error_response(404, "not_found", "お探しのページが見つかりません。")


def _refused_answer(exc: ResponseValidationError) -> Response:
    """A handler answered what its own response model refuses: a bug of ours, so a 500 (Api5xxAlarm counts
    it) with an error line naming the route, the model and where the answer broke it. Pydantic's `input`
    and `msg` may quote the answer's data (a member's name, an address): only locations and types go out."""
    where = [{"loc": ".".join(str(part) for part in error.get("loc", ())[1:]), "type": error.get("type")} for error in exc.errors()[:10]]
    logger.error("response refused by its model", extra={"route": exc.route, "model": exc.model, "errors": where})
    return error_response(500, "internal_error", "システムエラーが発生しました。時間をおいてもう一度お試しください。")


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


MAX_JSON_DEPTH = 32
TOO_DEEP = "リクエストの形式が正しくありません（JSONの入れ子が深すぎます）。"


def _depth(value: Any) -> int:
    """How deep arrays and objects nest in a parsed JSON value (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                break
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _check_parameters(given: list[tuple[str, Any]]) -> None:
    """The route's path and query parameters checked with the text rule of every body field
    (models.common.check_text, single-line): an id or a cursor with a control or bidi character is a 400."""
    fields: list[FieldError] = []
    for name, value in given:
        try:
            check_text(str(value))
        except ValueError as exc:
            if name not in {f.field for f in fields}:
                fields.append(FieldError(name, str(exc)))
    if fields:
        raise ValidationFailed(fields)


def _read_body(event: Event) -> Any:
    """Request bodies are JSON only, parsed without letting a hostile body reach the catch-all:
    another type is a 415, a body nested deeper than MAX_JSON_DEPTH (or ~1000 deep: RecursionError) a 400."""
    content_type = str(event.headers.get("content-type") or "").strip().lower()
    if content_type and content_type.split(";")[0].strip() != "application/json":
        raise UnsupportedMediaType()
    try:
        body = event.json_body
    except json.JSONDecodeError as exc:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error", "input": {}, "ctx": {"error": exc.msg}}]
        ) from exc
    except RecursionError:
        body, too_deep = None, True
    else:
        too_deep = _depth(body) > MAX_JSON_DEPTH
    if too_deep:
        raise ValidationFailed([FieldError("body", TOO_DEEP)], message="リクエストの形式が正しくありません。")
    return body


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"model": ErrorResponse}}}


def declared_responses(rule: str, func: Callable[..., Any], responses: Mapping[int, Any] | None, status_code: int) -> tuple[int, dict[int, Any]]:
    """The success status and every answer a handler can give, each with its real schema.

    The success status (the one 2xx a route lists, else `status_code`) carries the handler's return
    type (no content for 204), every 4xx/5xx the one error body (ErrorResponse). Added here so that
    no route forgets them: 400 when the handler takes parameters or a body (validation_error), 415
    when it takes a body, 404 when its path names a resource (an unknown or another member's id),
    500 and 503 (AWS throttling or an outage, with Retry-After) always. A route lists only its other domain errors, with a description.
    """
    given = dict(responses or {})
    successes = [status for status in given if 200 <= status < 400]  # 303: a route that redirects to a page
    success = successes[0] if len(successes) == 1 else status_code
    first = dict(given.pop(success, None) or {"description": "OK"})
    if success in (204, 303):
        first["content"] = {}
    declared: dict[int, Any] = {success: first}
    parameters = inspect.signature(func).parameters
    if parameters:
        declared[400] = _error("validation_error（入力内容・形式の誤り。項目ごとの fields つき）")
    if "<" in rule:
        declared[404] = _error("not_found（存在しない、または他の会員のもの）")
    if "body" in parameters:
        declared[415] = _error("unsupported_media_type（Content-Type が application/json でない）")
    for status, spec in sorted(given.items()):
        declared[status] = dict(spec) if status < 400 else _error(str(spec.get("description") or "error"))
    declared[500] = _error("internal_error")
    declared[503] = _error("unavailable（AWS の混雑・障害が続いた。Retry-After 秒後にもう一度。何も書き込まれていない）")
    return success, dict(sorted(declared.items()))


def handle_error(exc: Exception) -> Response:
    """The one error map: every failure of a request, in the shape docs/architecture.md "The HTTP contract" gives."""
    if isinstance(exc, DomainError):
        return _domain_error(exc)
    if isinstance(exc, RequestValidationError):
        return _validation_error(exc)
    if isinstance(exc, ResponseValidationError):
        return _refused_answer(exc)
    if isinstance(exc, UnicodeDecodeError | binascii.Error):
        return _bad_encoding(exc)
    if isinstance(exc, NotFound):
        return _not_found(exc)
    return _unexpected(exc)


def build_resolver() -> Router:
    """One router per function: validation on, the Japanese error map, JSON in UTF-8."""
    return Router(handle=handle_error, serializer=_dumps, check_parameters=_check_parameters, read_body=_read_body, declare=declared_responses)


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the REQUEST authorizer established it."""

    member_id: str
    role: str
    session_id: str
    csrf_token: str = ""
    member: dict[str, str] | None = None  # member_id and authorizer_context.MEMBER_FIELDS as the authorizer read them (None: not passed)
    departments: tuple[str, ...] = ()  # a staff member's 担当部署 (an admin sees every department's work whatever these are)


def current_principal(app: Router) -> Principal:
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    member_id = context.get("member_id")
    if not member_id:
        raise Unauthenticated()
    return Principal(
        member_id=str(member_id),
        role=str(context.get("role", "member")),
        session_id=str(context.get("session_id", "")),
        csrf_token=str(context.get("csrf_token", "")),
        member=({"member_id": str(member_id), **{f: str(context.get(f"member_{f}") or "") for f in MEMBER_FIELDS}} if context.get("member_email") else None),
        departments=tuple(d for d in str(context.get("departments") or "").split(",") if d),
    )


ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
VIEWER_ADDRESS_HEADER = "X-Netclub-Viewer-Ip"
_ADDRESS_CHARACTERS = frozenset("0123456789abcdefABCDEF.:")


def source_ip(app: Router) -> str:
    """The client's address, for the limits that count per source.

    Behind CloudFront, API Gateway's sourceIp is CloudFront's edge, not the member. A CloudFront
    Function (template.yaml: ApiViewerIpFunction) writes the viewer's address into X-Netclub-Viewer-Ip,
    overwriting what the client sent, and CloudFront adds X-Origin-Verify with a secret only it, the
    web ACL and these functions know (ORIGIN_VERIFY_SECRET). The header is believed only with that
    secret: a request sent to API Gateway directly, whatever it forges, counts under its own sourceIp.
    """
    identity = (app.current_event.raw_event.get("requestContext") or {}).get("identity") or {}
    direct = str(identity.get("sourceIp") or "unknown")
    secret = get_settings().origin_verify_secret
    presented = header(app, ORIGIN_VERIFY_HEADER)
    viewer = (header(app, VIEWER_ADDRESS_HEADER) or "").strip()
    if not secret or not presented or not hmac.compare_digest(presented.encode(), secret.encode()):
        return direct
    return viewer if 0 < len(viewer) <= 45 and set(viewer) <= _ADDRESS_CHARACTERS else direct


def header(app: Router, name: str) -> str | None:
    headers: Mapping[str, str] = app.current_event.headers or {}
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _cookie(name: str, value: str, path: str, max_age_seconds: int) -> Cookie:
    """Every cookie of the portal: HttpOnly, SameSite=Strict, Secure when deployed."""
    return Cookie(
        name=name,
        value=value,
        path=path,
        secure=get_settings().cookie_secure,
        http_only=True,
        same_site=SameSite.STRICT_MODE,
        max_age=max_age_seconds,
    )


def device_cookie(name: str, token: str, max_age_seconds: int) -> Cookie:
    """The browser's mark of a successful login (login throttling: see services/throttle.py); sent to the login route only."""
    return _cookie(name, token, "/api/auth/login", max_age_seconds)


def session_cookie(token: str, max_age_seconds: int) -> Cookie:
    return _cookie(SESSION_COOKIE, token, "/", max_age_seconds)


def cleared_session_cookie() -> Cookie:
    return _cookie(SESSION_COOKIE, "", "/", 0)


def json_response(status: int, body: Any, cookies: list[Cookie] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON_TYPE, body=body, cookies=cookies)


def file_response(body: str, content_type: str, filename: str | None = None, cache: str = "private, no-store") -> Response:
    """A body that is not JSON (an iCalendar file): its type, a download name when given, and how it may be cached."""
    headers = {"Cache-Control": cache}
    if filename:
        headers["Content-Disposition"] = attachment(filename)
    return Response(status_code=200, content_type=content_type, body=body, headers=headers)


def no_content(cookies: list[Cookie] | None = None) -> Response:
    return Response(status_code=204, content_type=JSON_TYPE, body=None, cookies=cookies)
