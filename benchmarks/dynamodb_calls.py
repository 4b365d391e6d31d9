"""DynamoDB calls per account use case, counted on the wire (botocore's before-call event), under moto.

Run: .venv/bin/python -m benchmarks.dynamodb_calls
Authorizer calls are counted separately: every authenticated request adds them.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

from moto import mock_aws
from werkzeug.test import Client

from local import seed, stack
from local.gateway import Gateway
from local.resources import ACCOUNT

DEMO = ("chushojiro@netclub.example", "Demo#2026pass")


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
        from netclub.aws import client

        counter = Counter()
        client("dynamodb").meta.events.register("before-call.dynamodb", counter)
        functions, routes, api_props = stack.functions_and_routes(template)
        gateway = Gateway(routes, functions, api_props, stack.REGION, ACCOUNT, static_dir=None, openapi=dict)
        web = Client(gateway)
        csrf: dict[str, str] = {}

        def call(method: str, path: str, body: Any = None) -> int:
            headers = {"Content-Type": "application/json", **({"X-CSRF-Token": csrf["t"]} if "t" in csrf and method != "GET" else {})}
            response = web.open(path, method=method, json=body, headers=headers)
            if path == "/api/auth/login" and response.status_code == 200:
                csrf["t"] = response.get_json()["csrf_token"]
            return response.status_code

        def measure(name: str, action: Callable[[], int]) -> None:
            counter.calls.clear()
            status = action()
            print(f"{name:<44} {status:>3}  {counter.total():>2} calls  {dict(counter.calls)}")

        print(f"{'use case':<44} {'HTTP':>3}  DynamoDB calls (authorizer included where a session is needed)")
        measure("login (success)", lambda: call("POST", "/api/auth/login", {"email": DEMO[0], "password": DEMO[1]}))
        measure("me", lambda: call("GET", "/api/me"))
        measure(
            "password change",
            lambda: call("PUT", "/api/me/password", {"current_password": DEMO[1], "new_password": "Bench#2026x", "new_password_confirm": "Bench#2026x"}),
        )
        measure("logout", lambda: call("POST", "/api/auth/logout"))
        measure("login (wrong password)", lambda: call("POST", "/api/auth/login", {"email": DEMO[0], "password": "Wrong#2026x"}))
        measure("login (unknown e-mail)", lambda: call("POST", "/api/auth/login", {"email": "x@example.jp", "password": "Wrong#2026x"}))
        measure("password reset request (known)", lambda: call("POST", "/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}))
        measure("password reset request (unknown)", lambda: call("POST", "/api/password-reset", {"email": "x@example.jp", "email_confirm": "x@example.jp"}))
        measure("registration request", lambda: call("POST", "/api/registrations", {"email": "b@example.jp", "email_confirm": "b@example.jp"}))
        from local import mailbox

        token = next(m["body"].split("token=")[1].split()[0] for m in mailbox.messages(stack.REGION, "b@example.jp"))
        profile = {"corporate_type": "founder", "company_name": "創業太郎", "user": {"name": "創業太郎"}}
        measure(
            "registration confirm",
            lambda: call(
                "POST", "/api/registrations/confirm", {"token": token, "password": "Bench#2026x", "password_confirm": "Bench#2026x", "profile": profile}
            ),
        )
        reset_token = next(m["body"].split("token=")[1].split()[0] for m in mailbox.messages(stack.REGION, DEMO[0]) if "再設定のご案内" in m["subject"])
        measure(
            "password reset confirm",
            lambda: call("POST", "/api/password-reset/confirm", {"token": reset_token, "new_password": "Bench#2027x", "new_password_confirm": "Bench#2027x"}),
        )
        call("POST", "/api/auth/login", {"email": "staff@netclub.example", "password": "Staff#2026pass"})
        measure("staff: list pending members", lambda: call("GET", "/api/admin/members?status=pending_review"))
        member_id = web.get("/api/admin/members?status=pending_review").get_json()["items"][0]["member_id"]
        measure("staff: approve", lambda: call("POST", f"/api/admin/members/{member_id}/approve"))


if __name__ == "__main__":
    main()
