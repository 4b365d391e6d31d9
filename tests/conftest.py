"""Shared fixtures.

- `portal`: the API in-process: template.yaml's routes through the local gateway adapter (the real
  REQUEST authorizer and real lambda_handlers), AWS faked by moto.mock_aws with the resources
  built from template.yaml. A fresh, empty AWS for every test.
- `local_stack` (tests/e2e/conftest.py): the stack started as `make dev` starts it, over HTTP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto import mock_aws
from moto.dynamodb.responses import DynamoHandler
from werkzeug.test import Client

from local import stack
from local.gateway import Gateway
from local.resources import ACCOUNT
from tests.stackutil import LocalStack, start_stack, stop_stack

FRONTEND = "http://portal.test"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any
    raw: bytes

    @property
    def error(self) -> dict[str, Any]:
        return (self.body or {}).get("error", {})

    def field_messages(self) -> dict[str, str]:
        return {f["field"]: f["message"] for f in self.error.get("fields", [])}


@dataclass
class Portal:
    """A browser-like client: keeps the session cookie and sends the CSRF token."""

    client: Client
    csrf: str | None = None
    default_headers: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None, raw: bytes | None = None, csrf: bool = True
    ) -> Answer:
        sent = {"Content-Type": "application/json", **self.default_headers, **(headers or {})}
        if csrf and self.csrf and method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            sent.setdefault("X-CSRF-Token", self.csrf)
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        response = self.client.open(path, method=method, data=data, headers=sent)
        content = response.get_data()
        try:
            parsed = json.loads(content) if content else None
        except ValueError:
            parsed = None
        return Answer(response.status_code, dict(response.headers), parsed, content)

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Answer:
        return self.request("DELETE", path, **kw)

    def login(self, email: str, password: str) -> Answer:
        answer = self.post("/api/auth/login", {"email": email, "password": password})
        if answer.status == 200:
            self.csrf = answer.body["csrf_token"]
        return answer


@dataclass
class Env:
    gateway: Gateway
    accounts: dict[str, str]

    def new_client(self) -> Portal:
        return Portal(Client(self.gateway))

    def mails(self, to: str) -> list[dict[str, Any]]:
        from local import mailbox

        return mailbox.messages(stack.REGION, to)

    def link_token(self, to: str, path: str) -> str:
        for mail in self.mails(to):
            found = re.search(re.escape(path) + r"\?token=([A-Za-z0-9_\-%]+)", mail["body"])
            if found:
                return found.group(1)
        raise AssertionError(f"no mail to {to} with a {path} link")


@pytest.fixture(scope="session")
def template_env() -> tuple[dict[str, Any], dict[str, str], Any]:
    return stack.environment(FRONTEND, None)


@pytest.fixture(scope="session")
def discovered(template_env: tuple[dict[str, Any], dict[str, str], Any]) -> tuple[Any, Any, Any]:
    template, env, _ = template_env
    stack.apply(env)
    return stack.functions_and_routes(template)


class ScanUsed(AssertionError):
    pass


SCANS: list[str] = []


def _scan_is_forbidden(self: DynamoHandler) -> str:
    """Every DynamoDB access on a request path is a GetItem, Query or transaction: a Scan fails the test
    (here, and at teardown in case a handler turned the error into a 500)."""
    table = self.body.get("TableName") if isinstance(self.body, dict) else "?"
    SCANS.append(str(table))
    raise ScanUsed(f"DynamoDB Scan on {table}: use a Query on a key or an index")


@pytest.fixture
def aws(template_env: tuple[dict[str, Any], dict[str, str], Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    template, env, resolver = template_env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("ARGON2_TIME_COST", "1")
    monkeypatch.setenv("ARGON2_MEMORY_KIB", "8192")
    monkeypatch.setattr(DynamoHandler, "scan", _scan_is_forbidden)
    from netclub.aws import reset_clients
    from netclub.services import passwords

    with mock_aws():
        reset_clients()
        passwords._hasher.cache_clear()
        passwords._decoy_hash.cache_clear()
        stack.provision(template, resolver, FRONTEND)
        SCANS.clear()
        yield
    reset_clients()
    assert not SCANS, f"DynamoDB Scan used on {SCANS}"


@pytest.fixture
def env(aws: None, discovered: tuple[Any, Any, Any]) -> Env:
    from local import seed

    functions, routes, api_props = discovered
    created = seed.seed_accounts()
    gateway = Gateway(routes, functions, api_props, stack.REGION, ACCOUNT, static_dir=None, openapi=dict)
    return Env(gateway=gateway, accounts=created)


@pytest.fixture
def portal(env: Env) -> Portal:
    return env.new_client()


DEMO = ("chushojiro@netclub.example", "Demo#2026pass")
STAFF = ("staff@netclub.example", "Staff#2026pass")


@pytest.fixture
def member(env: Env) -> Portal:
    client = env.new_client()
    assert client.login(*DEMO).status == 200
    return client


@pytest.fixture
def staff(env: Env) -> Portal:
    client = env.new_client()
    assert client.login(*STAFF).status == 200
    return client


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    """The local stack as `make dev` starts it (python -m local on a free port), once per test worker."""
    stack = start_stack()
    yield stack
    assert stop_stack(stack) == 0, "the local stack did not stop cleanly on Ctrl-C"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything that talks to the local stack runs on one xdist worker, so it starts once per run.
    for item in items:
        path = str(item.fspath)
        if "/tests/e2e/" in path or "/tests/browser/" in path:
            item.add_marker(pytest.mark.xdist_group("stack"))
