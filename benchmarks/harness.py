"""Shared set-up of the DynamoDB-call benchmarks: the API in-process under moto, calls counted on the wire.

AWS is moto.mock_aws with the resources of template.yaml and the seeded accounts; requests go
through the local gateway adapter (the real authorizer and handlers); every DynamoDB request is
counted by botocore's before-call event.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto import mock_aws
from werkzeug.test import Client

from local import seed, stack
from local.gateway import Gateway
from local.resources import ACCOUNT

DEMO = ("chushojiro@netclub.example", "Demo#2026pass")
STAFF = ("staff@netclub.example", "Staff#2026pass")


class Counter:
    def __init__(self) -> None:
        self.calls: collections.Counter[str] = collections.Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def total(self) -> int:
        return sum(self.calls.values())


class Browser:
    """Keeps the session cookie and sends the CSRF token, like the front end."""

    def __init__(self, gateway: Gateway) -> None:
        self.web = Client(gateway)
        self.csrf: str | None = None

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self.csrf and method != "GET":
            sent["X-CSRF-Token"] = self.csrf
        response = self.web.open(path, method=method, json=body, headers=sent)
        data = response.get_json(silent=True)
        if path in ("/api/auth/login", "/api/auth/mfa/verify") and response.status_code == 200 and "csrf_token" in data:
            self.csrf = data["csrf_token"]
        return response.status_code, data

    def login(self, account: tuple[str, str]) -> None:
        """The login form; a staff account then gives its second factor (the demo admin's TOTP secret)."""
        status, data = self.call("POST", "/api/auth/login", {"email": account[0], "password": account[1]})
        if status == 200 and "mfa" in data:
            from tests import second_factor

            def post(path: str, body: dict[str, Any]) -> tuple[int, Any]:
                return self.call("POST", path, body)

            status, data = second_factor.complete(post, f"bench-{id(self)}", data, second_factor.DEMO_TOTP_SECRET)
        assert status == 200, (status, data)


class Bench:
    def __init__(self, gateway: Gateway, counter: Counter) -> None:
        self.gateway = gateway
        self.counter = counter

    def browser(self) -> Browser:
        return Browser(self.gateway)

    def measure(self, name: str, action: Callable[[], tuple[int, Any]], width: int = 52) -> Any:
        self.counter.calls.clear()
        status, data = action()
        print(f"{name:<{width}} {status:>3}  {self.counter.total():>2} calls  {dict(self.counter.calls)}")
        return data


@contextmanager
def bench() -> Iterator[Bench]:
    template, env, resolver = stack.environment("http://bench.local", None)
    env.pop("AWS_ENDPOINT_URL", None)
    stack.apply(env)
    with mock_aws():
        stack.provision(template, resolver, "http://bench.local")
        seed.seed_accounts()
        from netclub.aws import client

        counter = Counter()
        client("dynamodb").meta.events.register("before-call.dynamodb", counter)
        functions, routes, api_props = stack.functions_and_routes(template, resolver, "http://bench.local", None)
        yield Bench(Gateway(routes, functions, api_props, stack.REGION, ACCOUNT, static_dir=None, openapi=dict), counter)


def put_items(items: list[dict[str, Any]]) -> None:
    """Write generated items straight into the table (BatchWriteItem, 25 a request, unprocessed ones again), with a
    client of boto3's own (the portal's clients know only the operations the portal calls: local/aws_models.py)."""
    import boto3
    from netclub.config import get_settings
    from netclub.store import dynamo

    settings = get_settings()
    writer = boto3.client("dynamodb", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)
    for start in range(0, len(items), 25):
        request = {dynamo.table(): [{"PutRequest": {"Item": dynamo.serialize(item)}} for item in items[start : start + 25]]}
        while request:
            request = writer.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
