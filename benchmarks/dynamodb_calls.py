"""DynamoDB calls per account use case, counted on the wire (botocore's before-call event), under moto.

Run: .venv/bin/python -m benchmarks.dynamodb_calls
Authorizer calls are included where the route needs a session: every authenticated request adds them.

Every route of template.yaml, pinned by a test: .venv/bin/python -m benchmarks.route_calls (tests/functional/test_dynamodb_calls_per_route.py).
"""

from __future__ import annotations

from benchmarks.harness import DEMO, STAFF, bench
from local import mailbox, stack


def _token(to: str, subject_part: str = "") -> str:
    return next(m["body"].split("token=")[1].split()[0] for m in mailbox.messages(stack.REGION, to) if subject_part in m["subject"])


def main() -> None:
    with bench() as b:
        web = b.browser()
        m = b.measure
        w = 44
        print(f"{'use case':<{w}} {'HTTP':>3}  DynamoDB calls (authorizer included where a session is needed)")
        m("login (success)", lambda: web.call("POST", "/api/auth/login", {"email": DEMO[0], "password": DEMO[1]}), w)
        m("me", lambda: web.call("GET", "/api/me"), w)
        m(
            "password change",
            lambda: web.call("PUT", "/api/me/password", {"current_password": DEMO[1], "new_password": "Bench#2026x", "new_password_confirm": "Bench#2026x"}),
            w,
        )
        m("logout", lambda: web.call("POST", "/api/auth/logout"), w)
        m("login (wrong password)", lambda: web.call("POST", "/api/auth/login", {"email": DEMO[0], "password": "Wrong#2026x"}), w)
        m("login (unknown e-mail)", lambda: web.call("POST", "/api/auth/login", {"email": "x@example.jp", "password": "Wrong#2026x"}), w)
        m("password reset request (known)", lambda: web.call("POST", "/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}), w)
        m("password reset request (unknown)", lambda: web.call("POST", "/api/password-reset", {"email": "x@example.jp", "email_confirm": "x@example.jp"}), w)
        m("registration request", lambda: web.call("POST", "/api/registrations", {"email": "b@example.jp", "email_confirm": "b@example.jp"}), w)
        token = _token("b@example.jp")
        profile = {"corporate_type": "founder", "company_name": "創業太郎", "user": {"name": "創業太郎"}}
        body = {"token": token, "password": "Bench#2026x", "password_confirm": "Bench#2026x", "profile": profile}
        m("registration confirm", lambda: web.call("POST", "/api/registrations/confirm", body), w)
        reset = {"token": _token(DEMO[0], "再設定のご案内"), "new_password": "Bench#2027x", "new_password_confirm": "Bench#2027x"}
        m("password reset confirm", lambda: web.call("POST", "/api/password-reset/confirm", reset), w)
        web.login(STAFF)
        m("staff: list pending members", lambda: web.call("GET", "/api/admin/members?status=pending_review"), w)
        member_id = web.call("GET", "/api/admin/members?status=pending_review")[1]["items"][0]["member_id"]
        m("staff: approve", lambda: web.call("POST", f"/api/admin/members/{member_id}/approve"), w)


if __name__ == "__main__":
    main()
