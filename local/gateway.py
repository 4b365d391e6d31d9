"""A thin API Gateway (REST, proxy integration) in front of the real handlers.

Only routes declared in template.yaml exist, reached as API Gateway REST reaches them: `/api/me/` is the
`/api/me` resource (the event's `path` keeps the slash; local.functions.resource_path). The REQUEST authorizer runs as on AWS: a missing
identity source or an "Unauthorized" error is a 401, a Deny policy a 403 (the template's
gateway responses), and an Allow's context reaches the handler in requestContext.authorizer.
"""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from werkzeug.utils import safe_join
from werkzeug.wrappers import Request, Response

from local import mailbox
from local.functions import Function, Route, resource_path

MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
S3_PREFIX = "/_s3"  # the browser reaches moto's S3 here (settings.s3_public_endpoint)
HOP_HEADERS = {"host", "connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}
API_ID = "local"
STAGE = "prod"


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    aws_request_id: str = ""
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    deadline: float = 0.0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.time()) * 1000))


def _context(fn: Function, region: str, account: str) -> LambdaContext:
    return LambdaContext(
        function_name=fn.logical_id,
        invoked_function_arn=f"arn:aws:lambda:{region}:{account}:function:{fn.logical_id}",
        aws_request_id=str(uuid.uuid4()),
        deadline=time.time() + 30,
    )


def invoke(fn: Function, event: dict[str, Any], region: str, account: str) -> Any:
    """One invocation of a function as Lambda would run it (its own container and environment)."""
    return fn.invoke(event, _context(fn, region, account))


class Gateway:
    def __init__(
        self,
        routes: list[Route],
        functions: dict[str, Function],
        api_props: dict[str, Any],
        region: str,
        account: str,
        static_dir: Path | None,
        openapi: Any,
        s3_endpoint: str | None = None,
        origin_secret: str | None = None,
        edge_headers: dict[str, dict[str, str]] | None = None,
        schedules: list[Any] | None = None,
    ) -> None:
        self.routes = routes
        self.functions = functions
        self.region = region
        self.account = account
        self.static_dir = static_dir
        self.openapi = openapi
        self.s3_endpoint = s3_endpoint
        self.origin_secret = origin_secret  # as CloudFront: the viewer's address and the origin secret on every API request
        # CloudFront's response headers policies by path pattern (cfn.edge_headers): "/api/*" and "*"
        self.edge_headers = edge_headers or {}
        # local/schedules.py: POST /_dev/scheduled/{name}, by short name (reminders, mail-retry) or logical id
        self.schedules = {alias: s for s in schedules or [] for alias in (s.name, s.function)}
        self.queue_pollers: list[Any] = []  # local/event_sources.py's QueuePollers (POST /_dev/queues/redeliver), set by the stack
        auth = api_props.get("Auth", {})
        self.authorizers = {
            name: (functions[_function_name(spec["FunctionArn"])], spec.get("Identity", {}).get("Headers", []))
            for name, spec in auth.get("Authorizers", {}).items()
        }
        self.gateway_responses = api_props.get("GatewayResponses", {})
        # tests/deployed/use_cases.py records the events a real request makes: given (function, event) before each
        # invocation, it may answer in the function's place (a result) or let the function run (None)
        self.hold: Callable[[Function, dict[str, Any]], Any] | None = None

    def call(self, fn: Function, event: dict[str, Any]) -> Any:
        """One invocation behind the API (the authorizer or a route's function)."""
        if self.hold is not None:
            held = self.hold(fn, event)
            if held is not None:
                return held
        return fn.invoke(event, _context(fn, self.region, self.account))

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path == "/api/openapi.json":
            return Response(json.dumps(self.openapi(), ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
        if path == "/_dev/mail":
            items = mailbox.messages(self.region, request.args.get("to"))
            return Response(json.dumps({"items": items}, ensure_ascii=False), content_type="application/json; charset=utf-8")
        if path == "/_dev/mail.html":
            to = request.args.get("to") or None
            return Response(mailbox.page(mailbox.messages(self.region, to), to), content_type="text/html; charset=utf-8")
        if path.rstrip("/") == "/_dev/scheduled":  # the names POST /_dev/scheduled/{name} takes
            names = sorted({s.name for s in self.schedules.values()})
            return Response(json.dumps({"scheduled": names}), content_type="application/json; charset=utf-8")
        if path.startswith("/_dev/scheduled/"):
            return self.run_scheduled(request, path.removeprefix("/_dev/scheduled/"))
        if path == "/_dev/ses/events":
            return self.ses_event(request)
        if path == "/_dev/ses/outage":
            return self.ses_outage(request)
        if path == "/_dev/queues/redeliver":
            return self.queues_redeliver(request)
        if path == "/_dev/logins":
            return self.demo_logins()
        if path.startswith("/_dev/invoke/"):
            return self.invoke_unrouted(request, path.removeprefix("/_dev/invoke/"))
        if path.startswith("/api/") or path == "/api":
            return self.with_edge_headers(self.api(request), "/api/*")
        if path.startswith(S3_PREFIX + "/") and self.s3_endpoint:
            return self.s3_proxy(request)
        return self.with_edge_headers(self.compressed(request, self.static(path)), "*")

    def run_scheduled(self, request: Request, name: str) -> Response:
        """POST /_dev/scheduled/{name}: a scheduled function now, with EventBridge's event (local/schedules.py)."""
        from local import schedules

        if request.method != "POST":
            return Response(json.dumps({"error": "POST only"}), status=405, content_type="application/json; charset=utf-8")
        schedule = self.schedules.get(name)
        if schedule is None:
            return Response(
                json.dumps({"error": f"no scheduled function {name!r}", "scheduled": sorted(self.schedules)}),
                status=404,
                content_type="application/json; charset=utf-8",
            )
        result = schedules.invoke(schedule, self.functions, self.region, self.account)
        return Response(json.dumps({"function": name, "result": result}, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8")

    def ses_event(self, request: Request) -> Response:
        """POST /_dev/ses/events {type: Bounce | Complaint, to, permanent?}: SES's event through SNS (local/ses_events.py)."""
        from local import ses_events
        from local.cfn import load

        body = request.get_json(silent=True) or {}
        kind, to = body.get("type"), str(body.get("to") or "").strip().lower()
        if request.method != "POST" or kind not in ("Bounce", "Complaint") or "@" not in to:
            return Response(
                json.dumps({"error": "POST {type: Bounce | Complaint, to, permanent?}"}), status=400, content_type="application/json; charset=utf-8"
            )
        latest = next((m for m in mailbox.messages(self.region, to) if "List-Unsubscribe" in (m.get("headers") or {})), None)
        event = ses_events.sns_event(ses_events.ses_event(kind, to, bool(body.get("permanent")), latest), self.region, self.account)
        results = {name: invoke(self.functions[name], event, self.region, self.account) for name in ses_events.sns_functions(load())}
        return Response(json.dumps({"accepted": True, "results": results}, default=str), status=202, content_type="application/json; charset=utf-8")

    def ses_outage(self, request: Request) -> Response:
        """POST /_dev/ses/outage {to, on}: the local SES answers TooManyRequestsException for that address (on) or
        takes it again (off); sends to other addresses are not touched. {account: <code>, on}: every send is refused
        with that account-level error (SendingPausedException, AccountSuspendedException,
        MailFromDomainNotVerifiedException) until turned off."""
        from local import moto_patches

        body = request.get_json(silent=True) or {}
        if request.method == "POST" and "account" in body and isinstance(body.get("on"), bool):
            code = str(body["account"])
            if code not in moto_patches.ACCOUNT_CODES:
                return Response(
                    json.dumps({"error": f"account: one of {sorted(moto_patches.ACCOUNT_CODES)}"}), status=400, content_type="application/json; charset=utf-8"
                )
            if body["on"]:
                moto_patches.ACCOUNT_OUTAGE["code"] = code
            else:
                moto_patches.ACCOUNT_OUTAGE.pop("code", None)
            return Response(json.dumps({"account": code, "on": body["on"]}), content_type="application/json; charset=utf-8")
        to = str(body.get("to") or "").strip().lower()
        if request.method != "POST" or "@" not in to or not isinstance(body.get("on"), bool):
            return Response(
                json.dumps(
                    {
                        "error": "POST {to, on: true | false} or {account: SendingPausedException | AccountSuspendedException | MailFromDomainNotVerifiedException, on}"
                    }
                ),
                status=400,
                content_type="application/json; charset=utf-8",
            )
        if body["on"]:
            moto_patches.OUTAGE.add(to)
        else:
            moto_patches.OUTAGE.discard(to)
        return Response(json.dumps({"to": to, "on": body["on"]}), content_type="application/json; charset=utf-8")

    def queues_redeliver(self, request: Request) -> Response:
        """POST /_dev/queues/redeliver: the visibility timeout of the messages a function failed on has passed
        (360 s for NewsletterQueue): they are visible again now, each receive counted as SQS counts it."""
        if request.method != "POST":
            return Response(json.dumps({"error": "POST only"}), status=405, content_type="application/json; charset=utf-8")
        made = {p.mapping.name: p.redeliver_now() for p in self.queue_pollers}
        return Response(json.dumps({"visible_again": made}), content_type="application/json; charset=utf-8")

    def demo_logins(self) -> Response:
        """GET /_dev/logins: the local stack's demo logins, the admin's second-factor secret included (README's login table)."""
        from netclub.config import local_accounts, local_staff_totp_secret

        logins = local_accounts()
        body = {
            "member": {"email": logins["member"][0], "password": logins["member"][1]},
            "staff": {"email": logins["staff"][0], "password": logins["staff"][1], "totp_secret": local_staff_totp_secret()},
        }
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")

    def invoke_unrouted(self, request: Request, name: str) -> Response:
        """POST /_dev/invoke/{LogicalId} {event}: `aws lambda invoke` of a function that no route, schedule or queue
        calls (StaffFirstAdminFunction: `make first-admin LOCAL=...`), with the JSON body as its event."""
        routed = {r.function.logical_id for r in self.routes} | {s.function for s in self.schedules.values()}
        if request.method != "POST" or name not in self.functions or name in routed:
            return Response(
                json.dumps({"error": "POST /_dev/invoke/{LogicalId} of a function with no route"}), status=404, content_type="application/json; charset=utf-8"
            )
        event = request.get_json(silent=True)
        result = invoke(self.functions[name], event if isinstance(event, dict) else {}, self.region, self.account)
        return Response(json.dumps(result, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8")

    def with_edge_headers(self, response: Response, pattern: str) -> Response:
        """What CloudFront's response headers policy of that behaviour adds (each one overriding the origin's)."""
        for name, value in self.edge_headers.get(pattern, {}).items():
            response.headers[name] = value
        return response

    # ------------------------------------------------------------------ S3 (moto) for the browser's presigned uploads
    def s3_proxy(self, request: Request) -> Response:
        """Forward /_s3/<bucket>/... to moto's S3 (another port), as the bucket's endpoint would answer it."""
        target = urlsplit(self.s3_endpoint or "")
        raw = str(request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path)
        path = raw[len(S3_PREFIX) :].rstrip("?") or "/"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        headers["Host"] = target.netloc
        connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port or 80, timeout=60)
        try:
            connection.request(request.method, path, body=request.get_data(cache=False), headers=headers)
            answer = connection.getresponse()
            response = Response(answer.read(), status=answer.status)
            response.headers.pop("Content-Type", None)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_HEADERS:
                    response.headers.add(name, value)
            return response
        finally:
            connection.close()

    # ------------------------------------------------------------------ static front end
    def static(self, path: str) -> Response:
        if not self.static_dir or not (self.static_dir / "index.html").exists():
            return Response(
                "<!doctype html><meta charset=utf-8><title>企業Myポータル</title><p>フロントエンドが未ビルドです（make dev でビルドされます）。API は /api、メールは /_dev/mail.html です。</p>",
                status=200 if path == "/" else 404,
                content_type="text/html; charset=utf-8",
            )
        candidate = safe_join(str(self.static_dir), path.lstrip("/")) if path != "/" else None
        if candidate and Path(candidate).is_file():
            file = Path(candidate)
        else:
            file = self.static_dir / "index.html"  # SPA fallback
        content_type = {
            ".html": "text/html; charset=utf-8",
            ".js": "text/javascript; charset=utf-8",
            ".css": "text/css; charset=utf-8",
            ".svg": "image/svg+xml",
            ".png": "image/png",
            ".ico": "image/x-icon",
            ".json": "application/json",
            ".woff2": "font/woff2",
            ".mp4": "video/mp4",
        }.get(file.suffix, "application/octet-stream")
        response = Response(file.read_bytes(), content_type=content_type)
        response.headers["X-Content-Type-Options"] = "nosniff"
        if file.name == "index.html":
            response.headers["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def compressed(request: Request, response: Response) -> Response:
        """The front end's text files gzipped when the browser takes it, as CloudFront's default behaviour does
        (template.yaml `Compress: true`), so that what a phone downloads here is what it downloads there."""
        kind = response.mimetype or ""
        textual = kind.startswith("text/") or kind in ("application/json", "image/svg+xml")
        accepted = "gzip" in (request.headers.get("Accept-Encoding") or "").lower()
        if response.status_code != 200 or not textual or not accepted or response.content_length is None or response.content_length < 1024:
            return response
        response.set_data(gzip.compress(response.get_data(), 6))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response

    # ------------------------------------------------------------------ API
    def gateway_response(self, kind: str, default_status: int) -> Response:
        spec = self.gateway_responses.get(kind) or self.gateway_responses.get("DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX") or {}
        body = (spec.get("ResponseTemplates") or {}).get("application/json") or json.dumps({"message": kind})
        response = Response(body, status=int(spec.get("StatusCode", default_status)), content_type="application/json; charset=utf-8")
        for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items():
            response.headers[name] = str(value).strip("'")
        return response

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """The route of a request (and its path parameters), and whether its path names any resource at all
        (another method's: a 403 as API Gateway answers). A trailing slash is routed as API Gateway REST does."""
        path_known = False
        routed = resource_path(path)
        for route in self.routes:
            found = route.pattern.match(routed)
            if found:
                path_known = True
                if route.method in (method, "ANY"):
                    return route, found.groupdict(), True
        return None, {}, path_known

    def api(self, request: Request) -> Response:
        route, params, path_known = self.match(request.method, request.path)
        if route is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", 404 if not path_known else 403)
        if request.content_length and request.content_length > MAX_BODY:
            return self.gateway_response("REQUEST_TOO_LARGE", 413)
        raw = request.get_data(cache=False)
        if len(raw) > MAX_BODY:
            return self.gateway_response("REQUEST_TOO_LARGE", 413)
        event = self.event(request, route, params, raw)
        if route.authorizer:
            denied = self.authorize(route, event)
            if denied is not None:
                return denied
        fn = route.function
        try:
            result = self.call(fn, event)
        except Exception:  # an unhandled handler error: API Gateway answers 502
            return self.gateway_response("DEFAULT_5XX", 502)
        return self.to_response(result)

    def authorize(self, route: Route, event: dict[str, Any]) -> Response | None:
        fn, identity_headers = self.authorizers[route.authorizer or ""]
        headers_lower = {k.lower(): v for k, v in event["headers"].items()}
        if any(not headers_lower.get(h.lower()) for h in identity_headers):
            return self.gateway_response("UNAUTHORIZED", 401)
        auth_event = {
            "type": "REQUEST",
            "methodArn": f"arn:aws:execute-api:{self.region}:{self.account}:{API_ID}/{STAGE}/{route.method}{route.path}",
            "resource": route.path,
            "path": event["path"],
            "httpMethod": event["httpMethod"],
            "headers": event["headers"],
            "multiValueHeaders": event["multiValueHeaders"],
            "queryStringParameters": event["queryStringParameters"],
            "multiValueQueryStringParameters": event["multiValueQueryStringParameters"],
            "pathParameters": event["pathParameters"],
            "stageVariables": None,
            "requestContext": event["requestContext"],
        }
        try:
            policy = self.call(fn, auth_event)
        except Exception as exc:
            if str(exc) == "Unauthorized":
                return self.gateway_response("UNAUTHORIZED", 401)
            return self.gateway_response("AUTHORIZER_FAILURE", 500)  # API Gateway's response type for a failed authorizer
        statements = policy.get("policyDocument", {}).get("Statement", [])
        if not statements or any(s.get("Effect") != "Allow" for s in statements):
            return self.gateway_response("ACCESS_DENIED", 403)
        context = {k: str(v) for k, v in (policy.get("context") or {}).items()}
        event["requestContext"]["authorizer"] = {**context, "principalId": policy.get("principalId")}
        return None

    def event(self, request: Request, route: Route, params: dict[str, str], raw: bytes) -> dict[str, Any]:
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        set_by_cloudfront = {"x-netclub-viewer-ip", "x-origin-verify"}  # ApiViewerIpFunction and the origin's custom header
        forwarded = [(n, v) for n, v in request.headers.items() if n.lower() not in set_by_cloudfront]
        if self.origin_secret:
            forwarded += [("X-Netclub-Viewer-Ip", request.remote_addr or "127.0.0.1")]
            forwarded += [("X-Origin-Verify", self.origin_secret)]
        for name, value in forwarded:
            headers[name] = value
            multi_headers.setdefault(name, []).append(value)
        query = dict(request.args.items()) or None
        multi_query = {k: request.args.getlist(k) for k in request.args} or None
        try:
            body: str | None = raw.decode("utf-8") if raw else None
            is_base64 = False
        except UnicodeDecodeError:
            body, is_base64 = base64.b64encode(raw).decode(), True
        source_ip = request.remote_addr or "127.0.0.1"  # the connection's address, as API Gateway's sourceIp (never a header)
        now = time.time()
        return {
            "resource": route.path,
            "path": request.path,
            "httpMethod": request.method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "accountId": self.account,
                "apiId": API_ID,
                "resourcePath": route.path,
                "httpMethod": request.method,
                "path": f"/{STAGE}{request.path}",
                "stage": STAGE,
                "protocol": "HTTP/1.1",
                "requestId": str(uuid.uuid4()),
                "requestTimeEpoch": int(now * 1000),
                "identity": {"sourceIp": source_ip, "userAgent": request.headers.get("User-Agent", "")},
            },
            "body": body,
            "isBase64Encoded": is_base64,
        }

    @staticmethod
    def to_response(result: dict[str, Any]) -> Response:
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
        response = Response(data, status=int(result.get("statusCode", 200)))
        response.headers.pop("Content-Type", None)
        for name, value in (result.get("headers") or {}).items():
            response.headers[name] = str(value)
        for name, values in (result.get("multiValueHeaders") or {}).items():
            if name.lower() in {k.lower() for k in (result.get("headers") or {})}:
                continue
            for value in values:
                response.headers.add(name, str(value))
        return response


def _function_name(arn: Any) -> str:
    # FunctionArn: !GetAtt AuthAuthorizerFunction.Arn
    # or !Ref AuthAuthorizerFunction.Alias (its published version: SnapStart)
    if isinstance(arn, dict) and "Fn::GetAtt" in arn:
        return str(arn["Fn::GetAtt"][0])
    if isinstance(arn, dict) and "Ref" in arn:
        return str(arn["Ref"]).removesuffix(".Alias")
    return str(arn)
