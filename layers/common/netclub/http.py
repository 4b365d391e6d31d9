"""The request path of every HTTP function: routing, request validation and the proxy answer, without
Powertools' event_handler package on the cold path (issue 14).

Importing `aws_lambda_powertools.event_handler` runs the package's `__init__`, which loads every
resolver it has (AppSync with asyncio, Bedrock, VPC Lattice...) and the OpenAPI machinery: about a
quarter of a function's cold start. This router keeps what the functions used of it and nothing else:

- the same decorators (`app.get(rule, summary=, tags=, responses=...)`) and parameter markers
  (`Annotated[str, Path(max_length=64)]`, `Query(...)`, `Body(...)`, a pydantic model parameter is the
  body), `app.current_event` (per thread), `Response`;
- the same validation as Powertools' `OpenAPIRequestValidationMiddleware` (3.x): each parameter
  validated by pydantic with the same annotation and constraints, errors with the same `loc`
  (("path", name), ("query", alias), ("body", ...)), the same value normalisation (multi-value query
  parameters, a single body not embedded); the answer validated and serialised by the return
  annotation (JSON mode, by alias), an answer its own type refuses being the server's fault
  (`ResponseValidationError`: a 500 and an error log line, as Powertools answers with
  `response_validation_error_http_code=500`; before, it was the client's 400 as Powertools' default);
- the same proxy answer (`statusCode`, `body`, `isBase64Encoded`, `multiValueHeaders`);
- API Gateway REST's routing of a trailing slash: `GET /api/me/` reaches the `/api/me` resource (the
  event's `path` keeps the slash, the path parameters do not), as Powertools' REST resolver has routed it
  since its issue 1552 (`resource_path`). Only one slash: that is what API Gateway is known to ignore.

The OpenAPI document is still Powertools' own: `get_openapi_schema()` replays these registrations into
its resolver (netclub.openapi_document, imported only then). tests/functional/test_lean_router.py checks,
route by route, that the parameters are read as Powertools reads them and that both answer every bad
input and schemathesis' valid requests alike, byte for byte.
"""

from __future__ import annotations

import base64
import inspect
import json
import re
import threading
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, get_args, get_origin

if TYPE_CHECKING:
    from aws_lambda_powertools.shared.cookies import Cookie
    from pydantic import TypeAdapter

T = TypeVar("T")

JSON_CONTENT_TYPE = "application/json"
_DYNAMIC = re.compile(r"(<\w+>)")
_GROUP = r"(?P\1[-._~()'!*:@,;=+&$%<> \[\]{}|^\\w]+)"  # Powertools' _NAMED_GROUP_BOUNDARY_PATTERN


def resource_path(path: str) -> str:
    """The path API Gateway REST matches against its resources: one trailing slash ignored (not the root's).

    `/api/me/` reaches `/api/me` and `/api/reservations/r1/` reaches `/api/reservations/{id}` with id `r1`;
    `/api/reservations/` is `/api/reservations` (a path parameter is never empty). local/functions.py plays
    the gateway with the same rule."""
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


class Response(Generic[T]):
    """An answer with its status, type, headers and cookies (Powertools' Response, same fields)."""

    def __init__(
        self,
        status_code: int,
        content_type: str | None = None,
        body: T | None = None,
        headers: Mapping[str, str | list[str]] | None = None,
        cookies: list[Cookie] | None = None,
    ) -> None:
        self.status_code = status_code
        self.body: Any = body
        self.base64_encoded = False
        self.headers: dict[str, str | list[str]] = dict(headers) if headers else {}
        self.cookies = cookies or []
        self.content_type = content_type
        if content_type:
            self.headers.setdefault("Content-Type", content_type)

    def is_json(self) -> bool:
        content_type = self.headers.get("Content-Type", "")
        if isinstance(content_type, list):
            content_type = content_type[0]
        return content_type.startswith(JSON_CONTENT_TYPE)


@dataclass(frozen=True)
class Param:
    """Where a parameter comes from and its pydantic constraints, as written in the handler."""

    source: str  # "path" | "query" | "body"
    options: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:  # Annotated[...] metadata is hashed by typing
        return hash((self.source, tuple(sorted((k, repr(v)) for k, v in self.options.items()))))


def Query(**options: Any) -> Any:
    return Param("query", options)


def Path(**options: Any) -> Any:
    return Param("path", options)


def Body(**options: Any) -> Any:
    return Param("body", options)


class RequestValidationError(Exception):
    """Bad path, query or body values: pydantic's error dicts with their `loc`."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("request validation failed")
        self._errors = errors

    def errors(self) -> list[dict[str, Any]]:
        return self._errors


class ResponseValidationError(Exception):
    """A handler's answer its own return type refuses: the server's fault (a 500), never the client's.

    `route` is "METHOD rule", `model` the return type's name; `errors()` pydantic's error dicts (`loc` from
    ("response", ...)), whose `input` may be personal data: only their `loc` and `type` may be logged."""

    def __init__(self, route: str, model: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"the answer of {route} does not fit {model}")
        self.route = route
        self.model = model
        self._errors = errors

    def errors(self) -> list[dict[str, Any]]:
        return self._errors


class NotFound(Exception):
    """No route for this method and path."""


class Headers(dict[str, str]):
    """Request headers, looked up without regard to case."""

    def __init__(self, raw: Mapping[str, str] | None) -> None:
        super().__init__({str(k).lower(): v for k, v in (raw or {}).items()})

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)


class Event:
    """The API Gateway (REST) proxy event, with the accessors the handlers use."""

    def __init__(self, raw_event: dict[str, Any]) -> None:
        self.raw_event = raw_event

    @cached_property
    def headers(self) -> Headers:
        return Headers(self.raw_event.get("headers"))

    @property
    def path(self) -> str:
        return str(self.raw_event["path"])

    @property
    def http_method(self) -> str:
        return str(self.raw_event["httpMethod"])

    @property
    def query_string_parameters(self) -> dict[str, str]:
        return self.raw_event.get("queryStringParameters") or {}

    @property
    def multi_value_query_string_parameters(self) -> dict[str, list[str]]:
        return self.raw_event.get("multiValueQueryStringParameters") or {}

    @property
    def body(self) -> str | None:
        return self.raw_event.get("body")

    @property
    def is_base64_encoded(self) -> bool:
        return bool(self.raw_event.get("isBase64Encoded"))

    @cached_property
    def decoded_body(self) -> str | None:
        body = self.body
        if self.is_base64_encoded and body:
            return base64.b64decode(body.encode()).decode()
        return body

    @cached_property
    def json_body(self) -> Any:
        return json.loads(self.decoded_body) if self.decoded_body else None


@dataclass
class Field:
    """One handler parameter: its source, the name the request uses and its validator."""

    name: str
    alias: str
    source: str
    annotation: Any
    options: dict[str, Any]
    default: Any
    required: bool

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        from pydantic import Field as PydanticField
        from pydantic import TypeAdapter

        constraints = {k: v for k, v in self.options.items() if k not in ("alias", "description", "examples", "title")}
        annotated: Any = Annotated[self.annotation, PydanticField(**constraints)] if constraints else self.annotation
        return TypeAdapter(annotated)

    def absent(self, loc: tuple[Any, ...], values: dict[str, Any], errors: list[dict[str, Any]]) -> None:
        """Not given: its default, or a `missing` error when it has none."""
        if self.required:
            errors.append(_missing(loc))
        else:
            values[self.name] = self.default

    def validate(self, value: Any, loc: tuple[Any, ...], errors: list[dict[str, Any]]) -> Any:
        from pydantic import ValidationError

        try:
            return self.adapter.validate_python(value, from_attributes=True)
        except ValidationError as exc:
            errors.extend({**error, "loc": loc + tuple(error.get("loc", ()))} for error in exc.errors(include_url=False))
            return None


def _is_model(annotation: Any) -> bool:
    from pydantic import BaseModel

    if inspect.isclass(annotation):
        return issubclass(annotation, BaseModel)
    return any(_is_model(arg) for arg in get_args(annotation) if arg is not type(None))


def _is_sequence(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return any(_is_sequence(arg) for arg in get_args(annotation))
    return inspect.isclass(annotation) and issubclass(annotation, (list, tuple, set, frozenset))


def _type_name(annotation: Any) -> str:
    """`MeResponse`, `list[Notice]`, `Session | MfaChallenge`: a return type as the code names it."""
    if inspect.isclass(annotation) and not get_args(annotation):
        return annotation.__name__
    return re.sub(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])", "", str(annotation).replace("typing.", ""))


def _missing(loc: tuple[Any, ...]) -> dict[str, Any]:
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": None}


@dataclass
class Route:
    method: str
    rule: str
    func: Callable[..., Any]
    status_code: int
    pattern: re.Pattern[str]
    options: dict[str, Any]

    @cached_property
    def fields(self) -> tuple[list[Field], list[Field], list[Field], Any]:
        """Path, query and body parameters and the answer's type, read as Powertools reads them."""
        hints = typing.get_type_hints(self.func, include_extras=True)
        names = set(re.findall(r"<(\w+)>", self.rule))
        path: list[Field] = []
        query: list[Field] = []
        body: list[Field] = []
        for name, parameter in inspect.signature(self.func).parameters.items():
            annotation = hints.get(name, Any)
            marker: Param | None = None
            if get_origin(annotation) is Annotated:
                args = get_args(annotation)
                annotation, marker = args[0], next((m for m in args[1:] if isinstance(m, Param)), None)
            source = marker.source if marker else "path" if name in names else "body" if _is_model(annotation) else "query"
            options = dict(marker.options) if marker else {}
            required = parameter.default is inspect.Parameter.empty
            spec = Field(name, str(options.get("alias") or name), source, annotation, options, None if required else parameter.default, required)
            {"path": path, "query": query, "body": body}[source].append(spec)
        returned = hints.get("return", inspect.Signature.empty)
        if (isinstance(returned, type) and issubclass(returned, Response)) or get_origin(returned) is Response:
            args = get_args(returned)
            returned = args[0] if args else inspect.Signature.empty
        return path, query, body, returned

    @cached_property
    def answer(self) -> TypeAdapter[Any] | None:
        from pydantic import TypeAdapter

        returned = self.fields[3]
        return None if returned is inspect.Signature.empty else TypeAdapter(returned)


class Router:
    """Routes of one function, and its one error map (`handle`: exception → Response)."""

    def __init__(
        self,
        handle: Callable[[Exception], Response[Any]],
        serializer: Callable[[Any], str],
        check_parameters: Callable[[list[tuple[str, Any]]], None] | None = None,
        read_body: Callable[[Event], Any] | None = None,
        declare: Callable[[str, Callable[..., Any], Any, int], tuple[int, dict[int, Any]]] | None = None,
    ) -> None:
        self.routes: list[Route] = []  # in registration order (the OpenAPI document's)
        self._matching: list[Route] = []
        self._handle = handle
        self._serializer = serializer
        self._check_parameters = check_parameters
        self._read_body = read_body or (lambda event: event.json_body)
        self._declare = declare
        self._state = threading.local()  # one event per process on Lambda; per thread in the local stack

    # registration ---------------------------------------------------------------------------------
    def route(self, rule: str, method: str, *, status_code: int = 200, responses: Any = None, **options: Any) -> Callable[[Any], Any]:
        def register(func: Any) -> Any:
            success = status_code
            if self._declare is not None:
                success, _ = self._declare(rule, func, responses, status_code)
            pattern = re.compile(f"^{_DYNAMIC.sub(_GROUP, rule)}$")
            kept = {**options, "responses": responses, "status_code": status_code}
            self.routes.append(Route(method.upper(), rule, func, success, pattern, kept))
            # matched as Powertools matches: static rules first, each kind in registration order
            self._matching = [r for r in self.routes if "<" not in r.rule] + [r for r in self.routes if "<" in r.rule]
            return func

        return register

    def get(self, rule: str, **options: Any) -> Callable[[Any], Any]:
        return self.route(rule, "GET", **options)

    def post(self, rule: str, **options: Any) -> Callable[[Any], Any]:
        return self.route(rule, "POST", **options)

    def put(self, rule: str, **options: Any) -> Callable[[Any], Any]:
        return self.route(rule, "PUT", **options)

    def delete(self, rule: str, **options: Any) -> Callable[[Any], Any]:
        return self.route(rule, "DELETE", **options)

    # the request ----------------------------------------------------------------------------------
    @property
    def current_event(self) -> Event:
        return self._state.event  # type: ignore[no-any-return]

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self._state.event = request = Event(event)
        try:
            try:
                response = self._dispatch(request)
            except Exception as exc:
                response = self._handle(exc)
            return self._build(response)
        finally:
            self._state.event = None

    def _dispatch(self, event: Event) -> Response[Any]:
        method, path = event.http_method.upper(), resource_path(event.path)
        for route in self._matching:
            if route.method != method:
                continue
            matched = route.pattern.match(path)
            if matched:
                return self._call(route, matched.groupdict(), event)
        raise NotFound()

    def _call(self, route: Route, path_args: dict[str, str], event: Event) -> Response[Any]:
        path_fields, query_fields, body_fields, _ = route.fields
        if self._check_parameters is not None:
            names = {f.alias for f in query_fields}
            query = event.multi_value_query_string_parameters
            given = list(path_args.items()) + [(n, v) for n, vs in query.items() if n in names for v in (vs or [])]
            self._check_parameters(given)
        values: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        self._params(path_fields, path_args, values, errors)
        self._params(query_fields, self._query(event, query_fields), values, errors)
        if body_fields:
            self._body(body_fields, self._read_body(event), values, errors)
        if errors:
            raise RequestValidationError(errors)
        result = route.func(**values)
        response = result if isinstance(result, Response) else Response(route.status_code, JSON_CONTENT_TYPE, result)
        return self._answer(route, response)

    @staticmethod
    def _params(fields: list[Field], received: Mapping[str, Any], values: dict[str, Any], errors: list[dict[str, Any]]) -> None:
        for spec in fields:
            loc = (spec.source, spec.alias)
            value = received.get(spec.alias)
            if value is None:
                spec.absent(loc, values, errors)
                continue
            values[spec.name] = spec.validate(value, loc, errors)

    @staticmethod
    def _query(event: Event, fields: list[Field]) -> dict[str, Any]:
        """Powertools' resolved query parameters: multi-value lists over comma-split single values."""
        multi = event.multi_value_query_string_parameters
        single = {k: v.split(",") for k, v in event.query_string_parameters.items()}
        resolved: dict[str, Any] = {**single, **multi} if multi and single else dict(multi or single)
        for spec in fields:
            if spec.alias not in resolved:
                continue
            value = resolved[spec.alias]
            if isinstance(value, list) and len(value) > 1 and spec.alias not in multi and all(isinstance(v, str) for v in value):
                value = ",".join(value)
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            resolved[spec.alias] = value
        return resolved

    @staticmethod
    def _body(fields: list[Field], received: Any, values: dict[str, Any], errors: list[dict[str, Any]]) -> None:
        alone = len(fields) == 1 and not fields[0].options.get("embed")
        if alone:
            received = {fields[0].alias: received}
        for spec in fields:
            loc: tuple[Any, ...] = ("body",) if alone else ("body", spec.alias)
            value = None
            if received is not None:
                try:
                    value = received.get(spec.alias)
                except AttributeError:
                    errors.append(_missing(loc))
                    continue
            if value is None:
                spec.absent(loc, values, errors)
                continue
            if not _is_sequence(spec.annotation) and isinstance(value, list) and value:
                value = value[0]  # as Powertools' _normalize_field_value
            values[spec.name] = spec.validate(value, loc, errors)

    @staticmethod
    def _answer(route: Route, response: Response[Any]) -> Response[Any]:
        adapter = route.answer
        if adapter is None:
            return response
        returned = route.fields[3]
        content = None if response.body == "" and returned in (None, type(None)) else response.body
        from pydantic import ValidationError

        try:
            value = adapter.validate_python(content, from_attributes=True)
        except ValidationError as exc:
            errors = [{**e, "loc": ("response", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
            raise ResponseValidationError(f"{route.method} {route.rule}", _type_name(returned), errors) from None
        response.body = adapter.dump_python(value, mode="json", by_alias=True)
        return response

    def _build(self, response: Response[Any]) -> dict[str, Any]:
        if response.is_json() and not isinstance(response.body, str):
            response.body = self._serializer(response.body)
        if isinstance(response.body, bytes):
            response.base64_encoded = True
            response.body = base64.b64encode(response.body).decode()
        headers: dict[str, list[str]] = {}
        for key, values in response.headers.items():
            if values is None:
                continue
            headers.setdefault(key, []).extend([values] if isinstance(values, str) else values)
        if response.cookies:
            headers.setdefault("Set-Cookie", []).extend(str(cookie) for cookie in response.cookies)
        return {"statusCode": response.status_code, "body": response.body, "isBase64Encoded": response.base64_encoded, "multiValueHeaders": headers}

    # the OpenAPI document -------------------------------------------------------------------------
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        from netclub.openapi_document import powertools_resolver

        return powertools_resolver(self).get_openapi_schema(**kwargs)
