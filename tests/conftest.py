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

from local import iam, stack
from local.cfn import ROOT
from local.gateway import Gateway
from local.resources import ACCOUNT
from tests import second_factor
from tests.stackutil import LocalStack, start_stack, stop_stack

FRONTEND = "http://portal.test"
FAST_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8192"}


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
    source: str = "127.0.0.1"  # the client's address (what the gateway, as CloudFront, reports as the viewer)

    def request(
        self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None, raw: bytes | None = None, csrf: bool = True
    ) -> Answer:
        sent = {"Content-Type": "application/json", **self.default_headers, **(headers or {})}
        if csrf and self.csrf and method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            sent.setdefault("X-CSRF-Token", self.csrf)
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        response = self.client.open(path, method=method, data=data, headers=sent, environ_base={"REMOTE_ADDR": self.source, "REMOTE_PORT": "50000"})
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

    def login(self, email: str, password: str, totp_secret: str | None = None) -> Answer:
        """The login form; for a staff account, then its second factor (the demo admin's secret unless given)."""
        answer = self.post("/api/auth/login", {"email": email, "password": password})
        if answer.status == 200 and "mfa" in answer.body:
            from netclub import clock  # the handlers' time, which a test may have moved

            portal = f"portal-{id(self.client.application)}"
            answer = second_factor.complete(self.post, portal, answer.body, totp_secret or second_factor.DEMO_TOTP_SECRET, lambda: clock.now().timestamp())
        if answer.status == 200:
            self.csrf = answer.body["csrf_token"]
        return answer


@dataclass
class Env:
    gateway: Gateway
    accounts: dict[str, str]

    def new_client(self, source: str = "127.0.0.1") -> Portal:
        return Portal(Client(self.gateway), source=source)

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Invoke a function that is not behind the API (a schedule, a queue) as Lambda would."""
        from local.gateway import invoke

        return invoke(self.gateway.functions[function], event, self.gateway.region, self.gateway.account)

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
    """Each function with only its own environment (Globals + its own, as on Lambda); argon2 made cheap."""
    template, env, resolver = template_env
    stack.apply(env)
    return stack.functions_and_routes(template, resolver, FRONTEND, None, **FAST_ARGON2)


class ScanUsed(AssertionError):
    pass


SCANS: list[str] = []


def _scan_is_forbidden(self: DynamoHandler) -> str:
    """Every DynamoDB access on a request path is a GetItem, Query or transaction: a Scan fails the test
    (here, and at teardown in case a handler turned the error into a 500)."""
    table = self.body.get("TableName") if isinstance(self.body, dict) else "?"
    SCANS.append(str(table))
    raise ScanUsed(f"DynamoDB Scan on {table}: use a Query on a key or an index")


@pytest.fixture(scope="session")
def iam_recorder(template_env: tuple[dict[str, Any], dict[str, str], Any]) -> iam.Recorder:
    """Every AWS call a function makes, checked against its policy in template.yaml (local/iam.py)."""
    template, _, resolver = template_env
    return iam.install(iam.Recorder(iam.policies(template, resolver), stack.REGION, ACCOUNT, ses_identities=iam.ses_identities(template, resolver)))


@pytest.fixture
def aws(template_env: tuple[dict[str, Any], dict[str, str], Any], iam_recorder: iam.Recorder, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    template, env, resolver = template_env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for name, value in FAST_ARGON2.items():
        monkeypatch.setenv(name, value)  # the seed, outside any function
    monkeypatch.setattr(DynamoHandler, "scan", _scan_is_forbidden)
    from netclub.aws import reset_clients
    from netclub.services import passwords

    with mock_aws():
        reset_clients()
        passwords._hasher.cache_clear()
        passwords._decoy_hash.cache_clear()
        stack.provision(template, resolver, FRONTEND)
        SCANS.clear()
        iam_recorder.reset()
        yield
    reset_clients()
    assert not SCANS, f"DynamoDB Scan used on {SCANS}"
    assert not iam_recorder.unknown, f"AWS calls local/iam.py cannot translate into IAM actions: {iam_recorder.unknown}"
    assert not iam_recorder.denials, "template.yaml's policies deny what the code does (AWS would answer AccessDenied):\n" + "\n".join(
        f"  {d['function']}: {d['action']} on {d['resource']} ({d['call']}) {d['context']}" for d in iam_recorder.denials
    )


@pytest.fixture
def env(aws: None, discovered: tuple[Any, Any, Any]) -> Env:
    from local import seed

    functions, routes, api_props = discovered
    second_factor.USED.clear()  # a new AWS: no code was accepted yet
    created = seed.seed_accounts()
    gateway = Gateway(routes, functions, api_props, stack.REGION, ACCOUNT, static_dir=None, openapi=dict, origin_secret=stack.ORIGIN_VERIFY_SECRET)
    return Env(gateway=gateway, accounts=created)


@pytest.fixture
def portal(env: Env) -> Portal:
    return env.new_client()


SCHEDULED_EVENT = {
    "version": "0",
    "id": "00000000-0000-0000-0000-000000000000",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": ACCOUNT,
    "time": "2026-11-30T00:00:00Z",
    "region": stack.REGION,
    "resources": [],
    "detail": {},
}

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
def local_stack(worker_id: str) -> Iterator[LocalStack]:
    """The local stack as `make dev` starts it (python -m local on a free port), once per test worker.

    It enforces IAM as the functional fixture does; its record joins the suite's IAM report."""
    report = IAM_REPORTS / f"stack-{worker_id}.json"
    stack = start_stack({"NETCLUB_IAM_REPORT": str(report)})
    yield stack
    assert stop_stack(stack) == 0, "the local stack did not stop cleanly on Ctrl-C"
    denials = json.loads(report.read_text(encoding="utf-8"))["denials"]
    assert not denials, f"IAM denials on the local stack: {denials}"


IAM_REPORTS = ROOT / "build" / "iam"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist): a fresh report
        for old in IAM_REPORTS.glob("*.json"):
            old.unlink()


def pytest_sessionfinish(session: pytest.Session) -> None:
    recorder = iam.current()
    if recorder is not None:
        worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
        iam.write(IAM_REPORTS / f"functional-{worker}.json", recorder)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not IAM_REPORTS.exists():
        return
    summary = iam.summarise(sorted(IAM_REPORTS.glob("*.json")))
    if summary:
        terminalreporter.write_sep("-", "IAM: what each function did, as AWS would check it (local/iam.py)")
        terminalreporter.write_line(summary)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # What talks to the local stack runs in two groups, the e2e walks and the browser walks: each group stays on
    # one xdist worker (its stack starts once there) and the two can run side by side, each worker with a stack
    # of its own, instead of one worker carrying both, the longest part of the run, while the other waits.
    for item in items:
        path = str(item.fspath)
        if "/tests/e2e/" in path:
            item.add_marker(pytest.mark.xdist_group("stack-e2e"))
        elif "/tests/browser/" in path:
            item.add_marker(pytest.mark.xdist_group("stack-browser"))
