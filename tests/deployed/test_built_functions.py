"""What `sam build` makes is what must import and answer (docs/architecture.md "Parity with AWS": packaging).

Each function is started as Lambda starts it (tests/deployed/built.py): its code from
.aws-sam/build/<Function>, the built layer (with its own boto3 and botocore) as a read-only /opt/python, boto3 as the runtime brings
it, a fresh interpreter of the runtime's Python that sees nothing of the repository or the dev venv,
and only the function's own template environment. It answers its sample events (events/, written
by `python -m local.sample_events`) against moto with template.yaml's resources and the demo data:

- the authorizer: the sample's made-up cookie → "Unauthorized" (API Gateway's 401); a real
  session (from the built login function) → Allow with the member's context;
- routes: the authorizer's context carries the seeded member (staff for /api/admin); a list →
  200; a made-up id → 404 not_found; the sample's placeholder body → 400 validation_error
  (or 404 where the id is checked first); logout → 204. Never a 5xx, never an exception;
- the scheduled mail retry runs without error;
- past validation: an inquiry is made and read back, a seminar seat cancelled and booked again;
- every API function's use case (tests/deployed/use_cases.py: its route's request as a member or staff makes it,
  prepared on a fresh AWS) answered with success, twice: the requests benchmarks/cold_start_deployed.py times.
The layer's modules must all come from the shipped bytecode (none compiled at import).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from local import sample_events
from local.functions import Function
from tests.conftest import DEMO
from tests.deployed.built import BUILD, ROOT, Deployed, environment, functions
from tests.deployed.use_cases import UseCases

pytestmark = [pytest.mark.xdist_group("deployed"), pytest.mark.slow]

EVENTS = ROOT / "events"
FUNCTIONS, RESOLVER = functions()
BY_DIR = {fn.code_dir.name: fn for fn in FUNCTIONS.values()}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return Deployed.make(tmp_path_factory.mktemp("deployed") / "root")


@pytest.fixture(scope="module")
def aws() -> Iterator[dict[str, str]]:
    """moto in server mode with the template's resources and the demo data: {"endpoint", "staff", "member"}."""
    process = subprocess.Popen([sys.executable, "-m", "tests.deployed.aws"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdin and process.stdout
    line = process.stdout.readline()
    assert line, "tests.deployed.aws did not start"
    yield json.loads(line)
    process.stdin.close()
    process.wait(timeout=30)


def _run(deployed: Deployed, aws: dict[str, str], fn: Function, events: list[dict[str, Any]], scratch: Path) -> dict[str, Any]:
    result = deployed.run(fn, environment(fn, RESOLVER, aws["endpoint"], deployed.runtime), events, scratch)
    assert "crashed" not in result, f"{fn.logical_id} did not start or crashed:\n{result['output']}"
    assert result["python"].startswith(deployed.runtime.removeprefix("python") + "."), result["python"]
    layer_from_source = [m for m in result["compiled_from_source"] if m != "app"]
    assert not layer_from_source, f"{fn.logical_id}: compiled from source at import (no shipped bytecode): {layer_from_source}"
    assert len(result["invocations"]) == len(events)
    return result


def _sample_events(folder: str, aws: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted((EVENTS / folder).glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))
        authorizer = (event.get("requestContext") or {}).get("authorizer")
        if authorizer:  # API Gateway passes the authorizer's context: a real member (or staff) of the demo data
            member = aws["staff"] if authorizer["role"] == "staff" else aws["member"]
            authorizer |= {"member_id": member, "principalId": member}
        cases.append((path.name, event))
    return cases


def _expected(folder: str, event: dict[str, Any]) -> dict[int, str | None]:
    """Status → error code the sample may answer (its ids are made up, its body a placeholder)."""
    method, has_id = event["httpMethod"], bool(event.get("pathParameters"))
    if folder == "unsubscribe":  # no session, a made-up token: the route's own answer to a link that is not one
        return {303: None} if method == "GET" else {400: "invalid_token"}  # a GET: to the confirmation page
    if (folder, method) == ("auth_logout", "POST"):
        return {204: None}
    if (folder, method) == ("calendar_feed", "POST"):  # the feed's re-issue takes no body
        return {200: None}
    if method == "GET":
        return {404: "not_found"} if has_id else {200: None}
    if method == "DELETE":
        return {404: "not_found"}
    return {400: "validation_error", 404: "not_found"} if has_id else {400: "validation_error"}


@pytest.fixture(scope="module")
def sample_answers(deployed: Deployed, aws: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Any]]]:
    """Every function's cold start on its samples, two at a time (each a process of its own)."""

    def cold_start(folder: str) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any]]:
        cases = _sample_events(folder, aws)
        assert cases, f"events/{folder}/ has no sample event: run python -m local.sample_events"
        return cases, _run(deployed, aws, BY_DIR[folder], [event for _, event in cases], tmp_path_factory.mktemp(folder))

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {folder: pool.submit(cold_start, folder) for folder in sorted(BY_DIR)}
        yield futures
        for future in futures.values():
            future.cancel()


@pytest.mark.parametrize("folder", sorted(BY_DIR))
def test_built_function_answers_its_sample_events(folder: str, sample_answers: dict[str, Future[Any]]) -> None:
    cases, result = sample_answers[folder].result()
    for (name, event), invocation in zip(cases, result["invocations"], strict=True):
        where = f"events/{folder}/{name}"
        if folder == "auth_authorizer":
            assert invocation.get("error") == {"type": "Exception", "message": "Unauthorized"}, f"{where}: {invocation}\n{result['output']}"
            continue
        assert "error" not in invocation, f"{where} raised {invocation['error']}\n{result['output']}"
        answer = invocation["answer"]
        if "httpMethod" not in event:  # scheduled
            continue
        expected = _expected(folder, event)
        assert answer["statusCode"] in expected, f"{where}: {answer['statusCode']} {answer.get('body')}, expected one of {sorted(expected)}\n{result['output']}"
        code = expected[answer["statusCode"]]
        if code:
            assert json.loads(answer["body"])["error"]["code"] == code, f"{where}: {answer['body']}"
        elif "text/calendar" in json.dumps([answer.get("headers"), answer.get("multiValueHeaders")]):  # the .ics routes
            assert answer["body"].startswith("BEGIN:VCALENDAR\r\n"), f"{where}: {answer['body'][:200]}"
        elif answer.get("body"):
            headers = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
            headers |= {k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items() if v}
            if headers.get("content-type", "").startswith("text/csv"):  # a file: Excel's BOM, a Japanese header row
                assert answer["body"].startswith("\ufeff"), f"{where}: {answer['body'][:80]}"
            else:
                json.loads(answer["body"])


def test_built_login_and_authorizer_agree_on_a_real_session(deployed: Deployed, aws: dict[str, str], tmp_path: Path) -> None:
    """The argon2 check (a C extension of the layer) and the session store, across two built functions."""
    login_event = dict(_sample_events("auth_login", aws)[0][1])
    login_event["body"] = json.dumps({"email": DEMO[0], "password": DEMO[1]})
    login = _run(deployed, aws, BY_DIR["auth_login"], [login_event], tmp_path)["invocations"][0]["answer"]
    assert login["statusCode"] == 200, login
    cookies = login.get("multiValueHeaders", {}).get("Set-Cookie") or [login.get("headers", {}).get("Set-Cookie", "")]
    jar: SimpleCookie = SimpleCookie()
    for header in cookies:
        jar.load(header)
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())
    assert cookie, login

    sample = _sample_events("auth_authorizer", aws)[0][1]
    allowed = {**sample, "headers": {"Cookie": cookie}}
    unsafe_without_csrf = {**allowed, "httpMethod": "POST", "methodArn": sample["methodArn"].replace("/GET/", "/POST/")}
    first, second = _run(deployed, aws, BY_DIR["auth_authorizer"], [allowed, unsafe_without_csrf], tmp_path)["invocations"]
    assert first["answer"]["policyDocument"]["Statement"][0]["Effect"] == "Allow", first
    assert first["answer"]["context"]["member_id"] == aws["member"], first
    assert second["answer"]["policyDocument"]["Statement"][0]["Effect"] == "Deny", second


def _answer(deployed: Deployed, aws: dict[str, str], folder: str, event: dict[str, Any], scratch: Path) -> tuple[int, Any]:
    invocation = _run(deployed, aws, BY_DIR[folder], [event], scratch)["invocations"][0]
    assert "error" not in invocation, f"{folder}: {invocation}"
    answer = invocation["answer"]
    return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else None


def _with(
    folder: str, aws: dict[str, str], ids: dict[str, str] | None = None, body: Any = None, headers: dict[str, str] | None = None, case: str | None = None
) -> dict[str, Any]:
    """A sample event of the folder (its only one, or `case`) with real ids for its made-up ones, a real body and extra headers."""
    samples = dict(_sample_events(folder, aws))
    assert case or len(samples) == 1, f"events/{folder}/ has {sorted(samples)}: say which"
    text = json.dumps(samples[case] if case else next(iter(samples.values())), ensure_ascii=False)
    for name, value in (ids or {}).items():
        text = text.replace(f"example-{name.replace('_', '-')}", value)
    event: dict[str, Any] = json.loads(text)
    if body is not None:
        event["body"] = json.dumps(body, ensure_ascii=False)
    event["headers"] = {**event["headers"], **(headers or {})}
    event["multiValueHeaders"] = {**event.get("multiValueHeaders", {}), **{k: [v] for k, v in (headers or {}).items()}}
    return event


def test_built_functions_write_and_read_back(deployed: Deployed, aws: dict[str, str], tmp_path: Path) -> None:
    """Past validation: an inquiry (DynamoDB transaction, idempotency table, SES receipt mail) and a
    seminar reservation are made by the built functions and read back by others."""
    status, kinds = _answer(deployed, aws, "inquiry_kinds_list", _with("inquiry_kinds_list", aws), tmp_path)
    assert status == 200 and kinds["items"], kinds
    inquiry = {"kind_id": kinds["items"][0]["id"], "content": "デプロイ形のスモークテストからのお問い合わせです。"}
    status, created = _answer(
        deployed, aws, "inquiries_create", _with("inquiries_create", aws, body=inquiry, headers={"Idempotency-Key": "deployed-smoke-1"}), tmp_path
    )
    assert status == 201, created
    status, read = _answer(deployed, aws, "inquiries_get", _with("inquiries_get", aws, ids={"inquiry_id": created["id"]}), tmp_path)
    assert status == 200 and read["id"] == created["id"], read

    # the demo member holds a seat of the demo seminar: cancel it (the seat goes back), then book it again
    status, mine = _answer(deployed, aws, "reservations_list", _with("reservations_list", aws, case="get-reservations.json"), tmp_path)
    status, offerings = _answer(deployed, aws, "offerings_list", _with("offerings_list", aws), tmp_path)
    seminar = next(item for item in offerings["items"] if item["kind"] == "seminar")
    held = next(item for item in mine["items"] if item["offering_id"] == seminar["id"] and item["status"] != "cancelled")
    status, cancelled = _answer(deployed, aws, "reservations_cancel", _with("reservations_cancel", aws, ids={"reservation_id": held["id"]}), tmp_path)
    assert status == 200, cancelled
    reservation = {"offering_id": seminar["id"], "slot_id": cancelled["slot"]["id"]}
    headers = {"Idempotency-Key": "deployed-smoke-2"}
    status, booked = _answer(deployed, aws, "reservations_create", _with("reservations_create", aws, body=reservation, headers=headers), tmp_path)
    assert status == 201 and booked["slot"]["id"] == cancelled["slot"]["id"], booked


@pytest.fixture(scope="module")
def use_cases() -> Iterator[UseCases]:
    """An AWS of its own (moto, the resources, the demo data), made anew for each function's use case."""
    process = subprocess.Popen([sys.executable, "-m", "tests.deployed.aws"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout
    line = process.stdout.readline()
    assert line, "tests.deployed.aws did not start"
    yield UseCases(process, json.loads(line)["endpoint"])
    assert process.stdin
    process.stdin.close()
    process.wait(timeout=30)


def test_built_functions_perform_their_use_cases(deployed: Deployed, use_cases: UseCases, tmp_path: Path) -> None:
    """Each API function as built answers its use case with success (tests/deployed/use_cases.py: its route made as
    a member or staff makes it, on a fresh AWS), twice in a row: what the first changed (a new password, a reservation
    taken) is taken as done before the second is prepared. The events the benchmark times are these."""
    failures, measured = [], 0
    for folder, fn in sorted(BY_DIR.items()):
        use_cases.fresh()
        for attempt in (1, 2):
            event, use_case = use_cases.event(fn)
            if not use_case:
                break
            invocation = _run(deployed, {"endpoint": use_cases.endpoint}, fn, [event], tmp_path)["invocations"][0]
            try:
                use_cases.answered(fn, invocation.get("answer"), use_case)
                measured += attempt == 1
            except RuntimeError as failed:
                failures.append(f"{folder} (attempt {attempt}): {invocation.get('error') or failed}")
                break
    assert not failures, "\n".join(failures)
    assert measured >= len(BY_DIR) - 8, f"only {measured} functions had a use case"


def test_sample_events_are_current(tmp_path: Path) -> None:
    """events/ is what `python -m local.sample_events` writes for today's template.yaml."""
    sample_events.main(tmp_path)
    written = {p.relative_to(tmp_path): p.read_text(encoding="utf-8") for p in tmp_path.glob("*/*.json")}
    present = {p.relative_to(EVENTS): p.read_text(encoding="utf-8") for p in EVENTS.glob("*/*.json")}
    assert written.keys() == present.keys(), "events/ is out of date: run python -m local.sample_events"
    assert [p for p in written if written[p] != present[p]] == [], "events/ is out of date: run python -m local.sample_events"
    assert {p.parts[0] for p in written} == set(BY_DIR), "a function without sample events"


def test_the_layers_botocore_keeps_the_services_the_portal_calls() -> None:
    """layers/common/Makefile cuts botocore's data to netclub/aws_models' services (local/aws_models.py)."""
    data = BUILD / "CommonLayer" / "python" / "botocore" / "data"
    kept = {p.name for p in data.iterdir() if p.is_dir()}
    assert kept == {p.name for p in (ROOT / "layers" / "common" / "netclub" / "aws_models").iterdir()}, kept
    assert {"endpoints.json", "partitions.json", "_retry.json", "sdk-default-configuration.json"} <= {p.name for p in data.iterdir()}


def test_build_is_for_the_templates_runtime(deployed: Deployed) -> None:
    """One source of truth: what `make sam-build` built for is template.yaml's PythonRuntime default."""
    assert deployed.read_only_mount, "cannot mount the layer read-only here (needs root and `unshare -m`, as on this project's machines)"
    template_default = (BUILD / "template.yaml").read_text(encoding="utf-8")
    assert (BUILD.parent / "runtime").read_text().strip() == deployed.runtime
    assert f"Default: {deployed.runtime}" in template_default
    tag = "cpython-" + deployed.runtime.removeprefix("python").replace(".", "")
    layer = deployed.root / "opt" / "python"
    sources = [p for p in layer.rglob("*.py") if "bin" not in p.relative_to(layer).parts]
    missing = [p for p in sources if not (p.parent / "__pycache__" / f"{p.stem}.{tag}.pyc").exists()]
    assert sources and not missing, f"no {tag} bytecode for {missing[:5]}"
