"""DynamoDB calls per reservation use case, counted on the wire (botocore's before-call event), under moto.

Run: .venv/bin/python -m benchmarks.reservations_calls
Totals include the REQUEST authorizer's calls (every authenticated request pays them; shown on the first line).

Every route of template.yaml, pinned by a test: .venv/bin/python -m benchmarks.route_calls (tests/functional/test_dynamodb_calls_per_route.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from benchmarks.harness import DEMO, STAFF, bench


def main() -> None:
    with bench() as b:
        from netclub import clock

        member, staff = b.browser(), b.browser()
        measure = b.measure

        def call(web: Any, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
            return web.call(method, path, body, headers)  # type: ignore[no-any-return]

        member.login(DEMO)
        staff.login(STAFF)
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
        measure("authorizer (one BatchGetItem) + GET /api/me", lambda: call(member, "GET", "/api/me"))
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
                "POST /api/admin/offerings/{id}/lottery (begun; LotteryWorkerFunction draws)",
                lambda: call(staff, "POST", f"/api/admin/offerings/{counseling}/lottery", {"seed": 1}),
            )
        finally:
            clock.now = original  # type: ignore[assignment]


if __name__ == "__main__":
    main()
