"""DynamoDB calls per reservation use case, counted on the wire (botocore's before-call event), under moto.

Run: .venv/bin/python -m benchmarks.reservations_calls
Totals include the REQUEST authorizer's calls (every authenticated request pays them; shown on the first line).
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable
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


def main() -> None:
    template, env, resolver = stack.environment("http://bench.local", None)
    env.pop("AWS_ENDPOINT_URL", None)
    stack.apply(env)
    with mock_aws():
        stack.provision(template, resolver, "http://bench.local")
        seed.seed_accounts()
        from netclub import clock
        from netclub.aws import client

        counter = Counter()
        client("dynamodb").meta.events.register("before-call.dynamodb", counter)
        functions, routes, api_props = stack.functions_and_routes(template)
        gateway = Gateway(routes, functions, api_props, stack.REGION, ACCOUNT, static_dir=None, openapi=dict)
        member, staff = Client(gateway), Client(gateway)
        csrf: dict[int, str] = {}

        def call(web: Client, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
            sent = {"Content-Type": "application/json", **(headers or {})}
            if id(web) in csrf and method != "GET":
                sent["X-CSRF-Token"] = csrf[id(web)]
            response = web.open(path, method=method, json=body, headers=sent)
            data = response.get_json(silent=True)
            if path == "/api/auth/login" and response.status_code == 200:
                csrf[id(web)] = data["csrf_token"]
            return response.status_code, data

        def measure(name: str, action: Callable[[], tuple[int, Any]]) -> Any:
            counter.calls.clear()
            status, data = action()
            print(f"{name:<52} {status:>3}  {counter.total():>2} calls  {dict(counter.calls)}")
            return data

        call(member, "POST", "/api/auth/login", {"email": DEMO[0], "password": DEMO[1]})
        call(staff, "POST", "/api/auth/login", {"email": STAFF[0], "password": STAFF[1]})
        day = lambda n: (clock.now().astimezone(clock.JST).date() + dt.timedelta(days=n)).isoformat()  # noqa: E731

        def offering(kind: str) -> tuple[str, list[str]]:
            _, o = call(staff, "POST", "/api/admin/offerings", {"kind": kind, "title": "ベンチ", "apply_until": f"{day(5)}T17:00"})
            slots = [
                call(
                    staff,
                    "POST",
                    f"/api/admin/offerings/{o['id']}/slots",
                    {"date": day(9 + n), "start_time": "10:00", "end_time": "12:00", "place": "秋葉原", "capacity": 5},
                )[1]["id"]
                for n in range(3)
            ]
            return o["id"], slots

        print(f"{'use case':<52} {'HTTP':>3}  DynamoDB calls (authorizer included)")
        measure("authorizer + GET /api/me (authorizer = total - 1)", lambda: call(member, "GET", "/api/me"))
        seminar, s = offering("seminar")
        counseling, c = offering("counseling")
        measure("GET /api/offerings", lambda: call(member, "GET", "/api/offerings"))
        measure("GET /api/offerings/{id}", lambda: call(member, "GET", f"/api/offerings/{seminar}"))
        res = measure("POST /api/reservations seminar (no key)", lambda: call(member, "POST", "/api/reservations", {"offering_id": seminar, "slot_id": s[0]}))
        measure("GET /api/reservations", lambda: call(member, "GET", "/api/reservations"))
        measure("GET /api/reservations/{id}", lambda: call(member, "GET", f"/api/reservations/{res['id']}"))
        measure("PUT /api/reservations/{id} seminar change", lambda: call(member, "PUT", f"/api/reservations/{res['id']}", {"slot_id": s[1]}))
        measure("DELETE /api/reservations/{id} seminar cancel", lambda: call(member, "DELETE", f"/api/reservations/{res['id']}"))
        key = {"Idempotency-Key": "bench-1"}
        body = {"offering_id": seminar, "slot_id": s[0]}
        res = measure("POST /api/reservations seminar (Idempotency-Key)", lambda: call(member, "POST", "/api/reservations", body, key))
        measure("POST /api/reservations same key again (replay)", lambda: call(member, "POST", "/api/reservations", body, key))
        measure(
            "POST /api/reservations again -> 409 already_reserved", lambda: call(member, "POST", "/api/reservations", {"offering_id": seminar, "slot_id": s[2]})
        )
        cres = measure(
            "POST /api/reservations counseling", lambda: call(member, "POST", "/api/reservations", {"offering_id": counseling, "preferences": [c[0], c[1]]})
        )
        measure(
            "PUT /api/reservations/{id} counseling preferences",
            lambda: call(member, "PUT", f"/api/reservations/{cres['id']}", {"preferences": [c[2]], "note": "午後"}),
        )
        measure("POST /api/admin/reservations/{id}/attendance", lambda: call(staff, "POST", f"/api/admin/reservations/{res['id']}/attendance"))
        measure("GET /api/usage-history", lambda: call(member, "GET", "/api/usage-history"))
        later = clock.now() + dt.timedelta(days=6)
        original = clock.now
        clock.now = lambda: later  # type: ignore[assignment]
        try:
            call(staff, "POST", "/api/auth/login", {"email": STAFF[0], "password": STAFF[1]})
            measure(
                "POST /api/admin/offerings/{id}/lottery (1 applicant)", lambda: call(staff, "POST", f"/api/admin/offerings/{counseling}/lottery", {"seed": 1})
            )
        finally:
            clock.now = original  # type: ignore[assignment]


if __name__ == "__main__":
    main()
