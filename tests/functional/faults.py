"""AWS's faults, injected where AWS would raise them: on the wire, under botocore's retry layer.

moto answers every request; AWS sometimes does not. `Faults` sits in front of moto's own
`before-send` stub (the point where botocore would put the HTTP request on the network), so a
faulted request is answered with the HTTP error AWS would send, botocore parses it and its
standard retry mode retries it as it would on AWS (netclub.aws sets max_attempts=3: botocore counts
those as retries, so 4 requests in all, with its backoff between them, recorded here instead of slept). A fault that
lasts `times` requests and then lets them through is a transient one the SDK rides out; a fault
without `times` persists through every retry. A faulted request never reaches moto, so it writes
nothing, as on AWS.

    faults.dynamodb("PutItem", "ProvisionedThroughputExceededException")        # persisting
    faults.dynamodb("TransactWriteItems", cancel="TransactionConflict", times=2)  # transient
    faults.ses("TooManyRequestsException")
    faults.ses(connection=True)                                                   # endpoint unreachable

`state()` reads moto's tables directly (not through the client: no Scan on the wire) so a test
can compare everything before and after a refused request.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import EndpointConnectionError
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")

# (HTTP status, x-amzn-ErrorType / __type) as AWS answers them
DYNAMODB_ERRORS = {
    "ProvisionedThroughputExceededException": 400,
    "ThrottlingException": 400,
    "RequestLimitExceeded": 400,
    "InternalServerError": 500,
}
SES_ERRORS = {
    "TooManyRequestsException": 429,  # SESv2: sending rate exceeded
    "LimitExceededException": 400,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
}


@dataclass
class Rule:
    service: str
    operations: tuple[str, ...]
    respond: Callable[[AWSPreparedRequest, dict[str, Any]], AWSResponse]
    times: int | None = None  # None: every request (persisting)
    table: str | None = None  # only requests on this table (DynamoDB)
    connection: bool = False
    partition: str | None = None  # only writes of items with this PK (DynamoDB PutItem), e.g. "OUTBOX"
    skip: int = 0  # let this many matching requests through first (a fault on the 2nd, 3rd... write)
    hits: int = 0
    passed: int = 0

    def matches(self, service: str, operation: str, body: dict[str, Any]) -> bool:
        if service != self.service or operation not in self.operations:
            return False
        if self.table and self.table not in _tables(body):
            return False
        if self.partition and ((body.get("Item") or {}).get("PK") or {}).get("S") != self.partition:
            return False
        if self.passed < self.skip:
            self.passed += 1
            return False
        return self.times is None or self.hits < self.times


def _tables(body: dict[str, Any]) -> set[str]:
    found = {body["TableName"]} if isinstance(body.get("TableName"), str) else set()
    for item in body.get("TransactItems") or []:
        for op in item.values():
            if isinstance(op, dict) and "TableName" in op:
                found.add(op["TableName"])
    return found


def _json_error(request: AWSPreparedRequest, status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> AWSResponse:
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message, **(extra or {})}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "fault", "Content-Length": str(len(body))}
    return AWSResponse(request.url, status, headers, MockRawResponse(body))


def _rest_error(request: AWSPreparedRequest, status: int, code: str, message: str) -> AWSResponse:
    body = json.dumps({"message": message}).encode()
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": f"{code}:", "x-amzn-RequestId": "fault", "Content-Length": str(len(body))}
    return AWSResponse(request.url, status, headers, MockRawResponse(body))


@dataclass
class Faults:
    rules: list[Rule] = field(default_factory=list)
    sent: Counter[str] = field(default_factory=Counter)  # requests botocore put "on the wire", by "service.Operation"
    refused: Counter[str] = field(default_factory=Counter)
    slept: list[float] = field(default_factory=list)

    def dynamodb(
        self,
        *operations: str,
        error: str = "ProvisionedThroughputExceededException",
        cancel: str | None = None,
        times: int | None = None,
        table: str | None = None,
        partition: str | None = None,
        skip: int = 0,
    ) -> Rule:
        """DynamoDB answers `error` (or, for TransactWriteItems, a cancellation for `cancel` on every item)."""
        if cancel:

            def respond(request: AWSPreparedRequest, body: dict[str, Any]) -> AWSResponse:
                reasons = [{"Code": cancel, "Message": f"{cancel} on this item"} for _ in body.get("TransactItems") or [None]]
                message = f"Transaction cancelled, please refer cancellation reasons for specific reasons [{', '.join(r['Code'] for r in reasons)}]"
                return _json_error(request, 400, "TransactionCanceledException", message, {"CancellationReasons": reasons})

            ops = operations or ("TransactWriteItems",)
        else:

            def respond(request: AWSPreparedRequest, body: dict[str, Any]) -> AWSResponse:
                return _json_error(request, DYNAMODB_ERRORS[error], error, "injected fault")

            ops = operations or WRITES
        rule = Rule("dynamodb", ops, respond, times, table, partition=partition, skip=skip)
        self.rules.append(rule)
        return rule

    def ses(self, error: str = "TooManyRequestsException", *, connection: bool = False, times: int | None = None) -> Rule:
        def respond(request: AWSPreparedRequest, body: dict[str, Any]) -> AWSResponse:
            return _rest_error(request, SES_ERRORS[error], error, "injected fault")

        rule = Rule("sesv2", ("SendEmail",), respond, times, connection=connection)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def answer(self, service: str, operation: str, request: AWSPreparedRequest) -> AWSResponse | None:
        self.sent[f"{service}.{operation}"] += 1
        body = _body(request) if service == "dynamodb" else {}
        for rule in self.rules:
            if rule.matches(service, operation, body):
                rule.hits += 1
                self.refused[f"{service}.{operation}"] += 1
                if rule.connection:
                    raise EndpointConnectionError(endpoint_url=request.url)
                return rule.respond(request, body)
        return None


def _body(request: AWSPreparedRequest) -> dict[str, Any]:
    raw = request.body
    if isinstance(raw, bytes | bytearray):
        raw = raw.decode()
    try:
        parsed = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


@contextmanager
def injected(monkeypatch: Any) -> Iterator[Faults]:
    """Faults in front of moto for the block; botocore's retry waits are recorded, not slept."""
    import botocore.endpoint

    faults = Faults()
    real = BotocoreStubber.__call__

    def stub(self: BotocoreStubber, event_name: str, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None:
        if self.enabled:
            _, service, operation = [*event_name.split("."), "", ""][:3]
            answer = faults.answer(service, operation, request)
            if answer is not None:
                return answer
        return real(self, event_name, request, **kwargs)

    class _Time:
        slept = faults.slept

        @staticmethod
        def sleep(seconds: float) -> None:
            faults.slept.append(seconds)

    monkeypatch.setattr(BotocoreStubber, "__call__", stub)
    monkeypatch.setattr(botocore.endpoint, "time", _Time)  # botocore's backoff between retries
    from netclub import retry

    monkeypatch.setattr(retry, "pause", _Time.sleep)  # the portal's own waits between its tries (transactions' conflicts & co.)
    yield faults


# --- reading moto's state directly ------------------------------------------------------------


def table_items(name: str) -> list[dict[str, Any]]:
    from moto.dynamodb.models import dynamodb_backends

    from local.resources import ACCOUNT
    from local.stack import REGION

    table = dynamodb_backends[ACCOUNT][REGION].get_table(name)
    return sorted((item.to_json()["Attributes"] for item in table.all_items()), key=lambda i: json.dumps(i, sort_keys=True))


def forget_limits() -> None:
    """Delete the limit counters (login attempts, mail caps), as if their windows had passed: for tests
    that repeat one request far more often than a member would."""
    from moto.dynamodb.models import dynamodb_backends
    from netclub.config import get_settings

    from local.resources import ACCOUNT
    from local.stack import REGION

    table = dynamodb_backends[ACCOUNT][REGION].get_table(get_settings().table_name)
    for item in list(table.all_items()):
        attributes = item.to_json()["Attributes"]
        if attributes["PK"]["S"].startswith("LIMIT#"):
            table.delete_item(item.hash_key, item.range_key)


def state() -> dict[str, list[dict[str, Any]]]:
    """Every item of the portal's table and of the idempotency table."""
    from netclub.config import get_settings

    settings = get_settings()
    return {"table": table_items(settings.table_name), "idempotency": table_items(settings.idempotency_table_name)}


def sent_mails() -> int:
    """How many mails moto's SES has accepted so far (every recipient)."""
    from moto.backends import get_backend

    from local.resources import ACCOUNT
    from local.stack import REGION

    return len(get_backend("ses")[ACCOUNT][REGION].sent_messages)


def outbox() -> list[dict[str, Any]]:
    return [i for i in state()["table"] if i.get("PK", {}).get("S") == "OUTBOX"]


@contextmanager
def log_lines() -> Iterator[list[str]]:
    """Every formatted line the Powertools "netclub" logger writes in the block."""
    import netclub.api  # noqa: F401

    lines: list[str] = []
    powertools = logging.getLogger("netclub")
    formatter = next((h.formatter for h in powertools.handlers if h.formatter), None)

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = _Collect(logging.DEBUG)
    if formatter is not None:
        handler.setFormatter(formatter)
    powertools.addHandler(handler)
    try:
        yield lines
    finally:
        powertools.removeHandler(handler)
