"""Each function's first request as its users make it: the use case succeeding, not a sample's placeholder.

The sample events (events/) carry made-up ids and a placeholder body: a built function answers them with a
404 or a 400 before it creates a client or calls AWS, so timing them times less than a member's first click.
Here each API function's request is the one of its route in tests/functional/test_dynamodb_calls_per_route.py
(ROUTES: every route made to succeed, with what it needs prepared: an offering and its reservation, an inquiry,
a registration token...), sent through the local gateway with the real authorizer, against moto with the
template's resources and the demo data; the event that reaches the function is recorded, and the function
itself is not run (the built one will be, on the same AWS: benchmarks/cold_start_deployed.py,
tests/deployed/test_built_functions.py). The authorizer's request is a real session's (the member's GET /api/me).
Functions that no route reaches (schedules, queues, streams) keep their sample events.

Everything runs in the process of tests/deployed/aws.py (moto in server mode is in that process: prepared
requests read the verification mails from it). Passwords are hashed with the template's argon2 settings, so
a built login verifies what a deployed one would.
"""

from __future__ import annotations

import copy
import datetime
import json
import subprocess
import traceback
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from local import stack
from local.functions import Function
from local.gateway import Gateway
from local.resources import ACCOUNT
from tests.conftest import DEMO, STAFF, Env
from tests.deployed.built import FRONTEND

ROOT = Path(__file__).resolve().parents[2]
AUTHORIZER = "auth_authorizer"
HELD = {"statusCode": 299, "body": ""}  # the gateway's answer in place of the function being recorded


# a function whose first sample is not its use case: unsubscribe's GET only redirects to the page (303)
USE_CASE_SAMPLE = {"unsubscribe": "post.json"}


def route_of(folder: str) -> tuple[str, str] | None:
    """The route of a function's first sample event (the one the benchmark has always timed), or None."""
    samples = sorted((ROOT / "events" / folder).glob("*.json"), key=lambda p: (p.name != USE_CASE_SAMPLE.get(folder, p.name), p.name))
    event = json.loads(samples[0].read_text(encoding="utf-8")) if samples else {}
    if "httpMethod" not in event or "resource" not in event or event.get("type") == "REQUEST":
        return None
    return str(event["httpMethod"]), str(event["resource"])


class Recorder:
    """Prepares a use case through the local gateway and records the event its function would receive."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.template, _env, self.resolver = stack.environment(FRONTEND, endpoint)
        functions, routes, api_props = stack.functions_and_routes(self.template, self.resolver, FRONTEND, endpoint)
        self.gateway = Gateway(routes, functions, api_props, stack.REGION, ACCOUNT, static_dir=None, openapi=dict)
        self.gateway.hold = self._hold
        self.by_folder = {fn.code_dir.name: fn for fn in functions.values()}
        self.target: Function | None = None
        self.recorded: dict[str, Any] | None = None
        self.ctx: Any = None
        self.then: Any = None
        self.monkeypatch = pytest.MonkeyPatch()

    def _hold(self, fn: Function, event: dict[str, Any]) -> Any:
        if fn is not self.target:
            return None
        self.recorded = copy.deepcopy(event)
        return None if fn.code_dir.name == AUTHORIZER else HELD  # the authorizer runs (its route needs its context)

    def fresh(self, accounts: dict[str, str] | None = None) -> dict[str, str]:
        """A new AWS: moto emptied, the template's resources and the demo data again (one per function measured,
        so that what one use case changed, a password or an e-mail address, never meets another's)."""
        from local import seed

        if accounts is None:
            urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST"), timeout=30).read()
            stack.provision(self.template, self.resolver, FRONTEND)
            accounts = seed.run()
        self.monkeypatch.undo()
        from tests import second_factor
        from tests.functional.test_aws_faults import Ctx

        second_factor.USED.clear()  # a new AWS: no second-factor code was accepted yet

        env = Env(gateway=self.gateway, accounts=accounts)
        staff, member = env.new_client(), env.new_client()
        assert staff.login(*STAFF).status == 200 and member.login(*DEMO).status == 200
        self.ctx = Ctx(env, staff, member, self.monkeypatch, company_id=_demo_company())
        return accounts

    def record(self, folder: str) -> dict[str, Any] | None:
        """The event of `folder`'s use case, prepared on the current AWS; None for a function no route reaches."""
        from tests.functional.test_aws_faults import Call
        from tests.functional.test_dynamodb_calls_per_route import ROUTES

        fn, self.recorded, self.then = self.by_folder[folder], None, None
        if folder in EVENTS:  # not behind the API: the event its source would deliver, about real data
            return EVENTS[folder](self.ctx, _sample(folder))
        if folder == AUTHORIZER:
            call = Call(self.ctx.member, "GET", "/api/me")
        else:
            route = route_of(folder)
            if route is None:
                return None
            call = ROUTE_OVERRIDES.get(route, ROUTES[route])(self.ctx)  # what it needs, prepared (its own function may serve)
        self.target = fn  # then its request: recorded where it reaches the function
        try:
            answer = call.send()
        finally:
            self.target = None
        expected = 200 if folder == AUTHORIZER else HELD["statusCode"]
        assert answer.status == expected and self.recorded is not None, (
            f"{folder}: {call.method} {call.path} did not reach it: {answer.status} {answer.raw[:300]!r}"
        )
        if folder != AUTHORIZER:
            self.then = call.then
        return self.recorded

    def answered(self, status: int) -> None:
        """The built function answered the recorded event: what the use case changed is now so (a new password...)."""
        if 200 <= status < 300 and self.then is not None:
            self.then()
        self.then = None


def _demo_company() -> str:
    """A published company of the demo data other than the demo member's (local/seed_directory.py's first)."""
    from netclub.store import accounts

    member = accounts.get_member(str(accounts.member_id_for_email("company1@directory.example")))
    assert member is not None and member.get("company_id"), "the demo data has no directory companies"
    return str(member["company_id"])


def _lottery(c: Any) -> Any:
    """The lottery's row moves the clock of the test process past the deadline; the built function runs on the real
    clock, so here the deadline itself is moved into the past once the member has applied."""
    from netclub import clock
    from netclub.store import dynamo
    from netclub.store import reservations as store

    from tests.functional.reservation_helpers import offering
    from tests.functional.test_aws_faults import Call

    o = offering(c.staff, kind="counseling", capacities=(1, 1), apply_days=1, slot_days=5)
    applied = c.member.post("/api/reservations", {"offering_id": o["id"], "preferences": [o["slots"][0]["id"]]})
    assert applied.status == 201, applied.body
    past = clock.iso(clock.now() - datetime.timedelta(minutes=1))
    dynamo.update(*store.offering_key(o["id"]), "SET apply_until = :past", vals={":past": past})
    return Call(c.staff, "POST", f"/api/admin/offerings/{o['id']}/lottery", {"seed": 7})


def _sample(folder: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(sorted((ROOT / "events" / folder).glob("*.json"))[0].read_text(encoding="utf-8"))
    return event


def _newsletter_worker(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """A newsletter staff sent: the queue's message of its recipients, the demo member (one mail to send)."""
    from tests.functional.test_aws_faults import NEWSLETTER

    newsletter_id = c.created("/api/admin/newsletters", NEWSLETTER)
    sent = c.staff.post(f"/api/admin/newsletters/{newsletter_id}/send", {})
    assert sent.status == 202, sent.body
    sample["Records"][0]["body"] = json.dumps({"newsletter_id": newsletter_id, "member_ids": [c.env.accounts["member"]]})
    return sample


def _ses_bounce(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """SES reports a permanent bounce of the demo member's address (it goes on the suppression list)."""
    from local import ses_events

    return ses_events.sns_event(ses_events.ses_event("Bounce", DEMO[0], True, None), stack.REGION, ACCOUNT)


def _first_admin(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """`make first-admin` on a new deployment: no active admin yet (the demo admin's count taken away)."""
    from netclub.store import dynamo, keys

    dynamo.delete(*keys.active_admins())
    return {"email": "first.admin@example.jp", "name": "初代管理者"}


def _import_worker(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """会員データ移行: an uploaded CSV whose 検証する an admin asked for: the queue's message to validate it."""
    import_id = c.imported_file(status="uploaded")
    assert c.staff.post(f"/api/admin/member-imports/{import_id}/validate").status == 202
    sample["Records"][0]["body"] = json.dumps({"import_id": import_id, "phase": "validate"})
    return sample


def _export_worker(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """名簿出力: a staff member started an export of every active member: the queue's message to build it."""
    started = c.staff.post("/api/admin/exports", {"kind": "members"})
    assert started.status == 202, started.body
    sample["Records"][0]["body"] = json.dumps({"export_id": started.body["export_id"]})
    return sample


def _lottery_worker(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """抽選: a draw staff began (the demo member applied, the deadline passed): the queue's message to draw it."""
    call = _lottery(c)
    begun = call.send()
    assert begun.status == 202, begun.body
    offering_id = call.path.split("/")[4]
    sample["Records"][0]["body"] = json.dumps({"offering_id": offering_id, "staff_id": c.env.accounts["staff"]})
    return sample


def _member_index(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """The stream's record of the demo member's item: its row of 会員検索's index (built whole the first time)."""
    del sample  # the folder's first sample is its schedule's: the stream's is beside it
    record: dict[str, Any] = json.loads((ROOT / "events" / "member_index" / "stream.json").read_text(encoding="utf-8"))
    record["Records"][0]["dynamodb"]["Keys"] = {"PK": {"S": f"MEMBER#{c.env.accounts['member']}"}, "SK": {"S": "MEMBER"}}
    return record


def _retention(c: Any, sample: dict[str, Any]) -> dict[str, Any]:
    """personal-data-retention's daily run on the demo data (nobody due: bounded Queries that find nothing)."""
    return sample


EVENTS = {
    "newsletter_worker": _newsletter_worker,
    "ses_events": _ses_bounce,
    "staff_first_admin": _first_admin,
    "member_import_worker": _import_worker,
    "export_worker": _export_worker,
    "lottery_worker": _lottery_worker,
    "member_index": _member_index,
    "personal_data_retention": _retention,
}

ROUTE_OVERRIDES = {("POST", "/api/admin/offerings/{offering_id}/lottery"): _lottery}


def serve(recorder: Recorder, commands: Any, out: Any) -> None:
    """tests/deployed/aws.py's loop: one JSON command per line, one JSON answer per line."""
    for line in commands:
        command = json.loads(line)
        answer: dict[str, Any] = {}
        try:
            if "fresh" in command:
                answer = {"accounts": recorder.fresh()}
            elif "record" in command:
                answer = {"event": recorder.record(command["record"])}
            elif "answered" in command:
                recorder.answered(int(command["answered"]))
            else:
                answer = {"error": f"unknown command {command}"}
        except Exception:
            answer = {"error": traceback.format_exc()}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


class UseCases:
    """The other end: asks tests/deployed/aws.py's process (started with pipes) for use-case events."""

    def __init__(self, process: subprocess.Popen[str], endpoint: str | None = None) -> None:
        self.process = process
        self.endpoint = endpoint or ""

    def _ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"{command}: {answer['error']}")
        return answer

    def fresh(self) -> dict[str, str]:
        """A new AWS for the next function; its accounts ({"staff", "member"})."""
        accounts: dict[str, str] = self._ask({"fresh": True})["accounts"]
        return accounts

    def event(self, fn: Function) -> tuple[dict[str, Any], bool]:
        """The function's first request, and whether it is its use case (else its sample event)."""
        recorded = self._ask({"record": fn.code_dir.name})["event"]
        if recorded is not None:
            return recorded, True
        path = sorted((ROOT / "events" / fn.code_dir.name).glob("*.json"))[0]
        return json.loads(path.read_text(encoding="utf-8")), False

    def answered(self, fn: Function, answer: Any, use_case: bool) -> int | None:
        """The built function's answer: checked (a use case must succeed), and what it changed taken as done."""
        status = answer.get("statusCode") if isinstance(answer, dict) else None
        if use_case and fn.code_dir.name == AUTHORIZER:
            statements = ((answer or {}).get("policyDocument") or {}).get("Statement") or [{}]
            status = 200 if all(s.get("Effect") == "Allow" for s in statements) else 403
        elif use_case and fn.code_dir.name in EVENTS:  # a queue's or a topic's event: done, nothing handed back
            status = 200 if isinstance(answer, dict) and not answer.get("batchItemFailures") else 500
        if use_case and not (isinstance(status, int) and 200 <= status < 300):
            raise RuntimeError(f"{fn.logical_id}: its use case was not answered with success: {str(answer)[:500]}")
        self._ask({"answered": status or 0})
        return status
