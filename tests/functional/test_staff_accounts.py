"""Staff accounts (職員管理), the second factor of every staff sign-in (2段階認証) and departments (担当部署)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from netclub import clock, totp

from tests.conftest import DEMO, STAFF, Env, Portal
from tests.functional.test_aws_faults import Ctx, enrol_second_factor


@pytest.fixture
def ctx(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> Ctx:
    return Ctx(env, staff, member, monkeypatch)


def _code(secret: str, steps: int = 0) -> str:
    return totp.code_at(secret, clock.now().timestamp() + steps * totp.STEP_SECONDS)


def _challenge(client: Portal, account: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/auth/login", {"email": account["email"], "password": account["password"]})
    assert (answer.status == 200 and "Set-Cookie" not in answer.headers) or "netclub_session" not in answer.headers.get("Set-Cookie", ""), answer.headers
    return dict(answer.body)


def test_a_staff_password_gives_no_session_until_the_second_factor(env: Env) -> None:
    client = env.new_client()
    answer = client.post("/api/auth/login", {"email": STAFF[0], "password": STAFF[1]})
    assert answer.status == 200 and answer.body["mfa"] == "verify" and answer.body["mfa_token"]
    assert "netclub_session=" not in answer.headers.get("Set-Cookie", "")
    assert client.get("/api/me").status == 401
    wrong = client.post("/api/auth/mfa/verify", {"mfa_token": answer.body["mfa_token"], "code": "000000"})
    assert wrong.status == 401 and wrong.error["code"] == "invalid_code" and "確認コード" in wrong.error["message"]
    assert client.get("/api/me").status == 401
    # a member logs in as before, at once
    assert env.new_client().login(*DEMO).body["member"]["role"] == "member"


def test_invitation_enrolment_recovery_codes_and_sign_in(ctx: Ctx) -> None:
    staff_id, token = ctx.invited(role="staff")
    mail = next(m for m in ctx.env.mails(ctx.staff.get("/api/admin/staff").body["items"][-1]["email"]) if "招待" in m["subject"])
    assert "/staff/invite?token=" in mail["body"] and "72時間" in mail["body"]
    listed = {i["staff_id"]: i for i in ctx.staff.get("/api/admin/staff").body["items"]}
    assert listed[staff_id]["status"] == "invited" and not listed[staff_id]["mfa_enrolled"]
    email = listed[staff_id]["email"]
    visitor = ctx.visitor()
    weak = visitor.post("/api/staff-invitations/confirm", {"token": token, "password": "password", "password_confirm": "password"})
    assert weak.status == 400 and "password" in weak.field_messages()
    # before the password is set, nobody can sign in with any password
    assert ctx.visitor().post("/api/auth/login", {"email": email, "password": "Invited#2026pw"}).status == 401
    assert visitor.post("/api/staff-invitations/confirm", {"token": token, "password": "Invited#2026pw", "password_confirm": "Invited#2026pw"}).status == 204
    again = visitor.post("/api/staff-invitations/confirm", {"token": token, "password": "Invited#2026pw", "password_confirm": "Invited#2026pw"})
    assert again.status == 400 and again.error["code"] == "invalid_token"  # single use
    client = ctx.visitor()
    challenge = client.post("/api/auth/login", {"email": email, "password": "Invited#2026pw"}).body
    assert challenge["mfa"] == "enrol"
    # verifying before enrolling, or with another secret, is refused
    assert client.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": "123456"}).status == 401
    enrolment = client.post("/api/auth/mfa/enrol", {"mfa_token": challenge["mfa_token"]}).body
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/") and enrolment["secret"] in enrolment["otpauth_uri"]
    done = client.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": _code(enrolment["secret"])})
    assert done.status == 200 and done.body["member"]["role"] == "staff" and len(set(done.body["recovery_codes"])) == 10
    client.csrf = done.body["csrf_token"]
    assert client.get("/api/admin/dashboard").status == 200
    assert client.get("/api/admin/staff").status == 403  # staff management is for admins
    # the secret is never answered again: a new login is `verify`, and enrol is refused
    second = ctx.visitor()
    challenge = second.post("/api/auth/login", {"email": email, "password": "Invited#2026pw"}).body
    assert challenge["mfa"] == "verify"
    assert second.post("/api/auth/mfa/enrol", {"mfa_token": challenge["mfa_token"]}).status == 401
    # a recovery code works once
    recovery = done.body["recovery_codes"][0]
    assert second.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "recovery_code": recovery.upper()}).status == 200
    third = ctx.visitor()
    challenge = third.post("/api/auth/login", {"email": email, "password": "Invited#2026pw"}).body
    used = third.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "recovery_code": recovery})
    assert used.status == 401 and used.error["code"] == "invalid_code"
    listed = {i["staff_id"]: i for i in ctx.staff.get("/api/admin/staff").body["items"]}
    assert listed[staff_id]["status"] == "active" and listed[staff_id]["mfa_enrolled"] and listed[staff_id]["last_login_at"]
    actions = [e for e in ctx.staff.get("/api/admin/audit-log").body["items"] if e["target"] == f"staff:{staff_id}"]
    assert {e["action"] for e in actions} >= {"staff.invite", "staff.activate"}
    assert all(e["detail"].get("actor_name") for e in actions)  # with the acting staff's name


def test_a_code_works_once_and_the_mfa_token_once_and_for_five_minutes(ctx: Ctx) -> None:
    _, account = ctx.new_staff()
    first = ctx.visitor()
    challenge = _challenge(first, account)
    code = _code(account["secret"], 1)  # the enrolment took this step's code
    assert first.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": code}).status == 200
    # replay: the same code on a new login (a new mfa_token) is refused
    second = ctx.visitor()
    challenge = _challenge(second, account)
    replay = second.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": code})
    assert replay.status == 401 and replay.error["code"] == "invalid_code"
    # the token is single use
    used = first.post("/api/auth/mfa/verify", {"mfa_token": _challenge(ctx.visitor(), account)["mfa_token"], "code": code})
    assert used.status == 401
    # and lives 5 minutes
    later = clock.now() + dt.timedelta(minutes=5, seconds=1)
    third = ctx.visitor()
    challenge = _challenge(third, account)
    ctx.monkeypatch.setattr(clock, "now", lambda: later)
    expired = third.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": _code(account["secret"])})
    assert expired.status == 401 and expired.error["code"] == "mfa_expired"


def test_five_wrong_codes_then_429_even_for_the_right_one(ctx: Ctx) -> None:
    _, account = ctx.new_staff()
    client = ctx.visitor()
    challenge = _challenge(client, account)
    for n in range(5):
        assert client.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": f"{n:06d}"}).status == 401
    refused = client.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": _code(account["secret"], 1)})
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1 and "確認コード" in refused.error["message"]
    # another person's sign-in (another source) is not locked out by these guesses
    other = ctx.env.new_client("198.51.100.7")
    challenge = _challenge(other, account)
    assert other.post("/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": _code(account["secret"], 1)}).status == 200


def test_disable_ends_the_session_at_once_enable_and_mfa_reset(ctx: Ctx) -> None:
    client, account = ctx.new_staff()
    assert client.get("/api/admin/dashboard").status == 200
    assert ctx.staff.post(f"/api/admin/staff/{account['staff_id']}/disable").status == 200
    assert client.get("/api/admin/dashboard").status == 401  # the authorizer refuses the old session
    refused = ctx.visitor().post("/api/auth/login", {"email": account["email"], "password": account["password"]})
    assert refused.status == 403 and "停止" in refused.error["message"]
    assert ctx.staff.post(f"/api/admin/staff/{account['staff_id']}/enable").body["status"] == "active"
    assert ctx.staff.post(f"/api/admin/staff/{account['staff_id']}/mfa-reset").body["mfa_enrolled"] is False
    assert _challenge(ctx.visitor(), account)["mfa"] == "enrol"


def test_the_last_active_admin_cannot_be_disabled_or_demoted(ctx: Ctx) -> None:
    me = ctx.staff.get("/api/me").body["member_id"]
    refused = ctx.staff.post(f"/api/admin/staff/{me}/disable")
    assert refused.status == 409 and refused.error["code"] == "last_admin"
    demoted = ctx.staff.put(f"/api/admin/staff/{me}", {"name": "公社 管理者", "role": "staff", "departments": []})
    assert demoted.status == 409 and demoted.error["code"] == "last_admin"
    # with a second admin, one of them may go; then the other is the last again
    other_client, other = ctx.new_staff(role="admin")
    assert other_client.post(f"/api/admin/staff/{me}/disable").status == 200
    assert ctx.staff.get("/api/me").status == 401
    assert other_client.post(f"/api/admin/staff/{other['staff_id']}/disable").error["code"] == "last_admin"


def test_demotion_takes_effect_on_the_next_request(ctx: Ctx) -> None:
    client, account = ctx.new_staff(role="admin")
    assert client.get("/api/admin/staff").status == 200
    assert ctx.staff.put(f"/api/admin/staff/{account['staff_id']}", {"name": "元管理者", "role": "staff", "departments": []}).status == 200
    assert client.get("/api/admin/staff").status == 403
    assert client.get("/api/me").body["role"] == "staff"


def test_departments_share_the_desk(ctx: Ctx) -> None:
    grants = ctx.created("/api/admin/departments", {"name": "助成金"})
    advice = ctx.created("/api/admin/departments", {"name": "経営相談"})
    grant_kind = ctx.staff.post("/api/admin/inquiry-kinds", {"name": "助成金の相談", "department_id": grants}).body["id"]
    advice_kind = ctx.staff.post("/api/admin/inquiry-kinds", {"name": "経営の相談", "department_id": advice}).body["id"]
    open_kind = ctx.staff.post("/api/admin/inquiry-kinds", {"name": "その他"}).body["id"]
    unknown = ctx.staff.post("/api/admin/inquiry-kinds", {"name": "x", "department_id": "nope"})
    assert unknown.status == 400 and "department_id" in unknown.field_messages()
    made = {k: ctx.member.post("/api/inquiries", {"kind_id": k, "content": "相談です。"}).body["id"] for k in (grant_kind, advice_kind, open_kind)}
    desk, _ = ctx.new_staff(departments=[grants])
    seen = {i["id"] for i in desk.get("/api/admin/inquiries").body["items"]}
    assert seen == {made[grant_kind], made[open_kind]}
    assert desk.get("/api/admin/dashboard").body["open_inquiries"] == 2
    assert ctx.staff.get("/api/admin/dashboard").body["open_inquiries"] == 3  # the admin sees all
    for path in (f"/api/admin/inquiries/{made[advice_kind]}",):
        assert desk.get(path).status == 404
    assert desk.post(f"/api/admin/inquiries/{made[advice_kind]}/reply", {"body": "回答"}).status == 404
    assert desk.post(f"/api/admin/inquiries/{made[advice_kind]}/close").status == 404
    assert desk.post(f"/api/admin/inquiries/{made[grant_kind]}/reply", {"body": "回答します。"}).status == 200
    assert desk.get(f"/api/admin/inquiries/{made[open_kind]}").status == 200
    # a department some kind names cannot be deleted; staff cannot edit departments
    assert ctx.staff.delete(f"/api/admin/departments/{grants}").error["code"] == "department_in_use"
    assert desk.post("/api/admin/departments", {"name": "総務"}).status == 403
    assert [d["name"] for d in desk.get("/api/admin/departments").body["items"]] == ["助成金", "経営相談"]


# --- every staff route × who calls it ------------------------------------------------------------


def test_every_staff_route_by_role(discovered: tuple[Any, Any, Any], ctx: Ctx) -> None:
    """Each /api/admin route × {member, staff of another department, staff, admin, a disabled staff member's old
    session}: the role the route needs (netclub/access.py) decides; nobody else passes the authorizer."""
    import re

    from netclub import access

    department = ctx.created("/api/admin/departments", {"name": "助成金"})
    other_department = ctx.created("/api/admin/departments", {"name": "経営相談"})
    staff, _ = ctx.new_staff(departments=[department])
    other, _ = ctx.new_staff(departments=[other_department])
    disabled, account = ctx.new_staff(departments=[department])
    assert ctx.staff.post(f"/api/admin/staff/{account['staff_id']}/disable").status == 200
    callers = {"member": (ctx.member, "member"), "other department": (other, "staff"), "staff": (staff, "staff"), "admin": (ctx.staff, "admin")}
    routes = sorted({(r.method, r.path) for r in discovered[1] if access.staff_route(r.path)})
    assert len(routes) > 40 and any(access.required_role(m, p) == "admin" for m, p in routes)
    wrong = []
    for method, route in routes:
        path = re.sub(r"\{[^}]+\}", "nope", route)
        body = {} if method in ("POST", "PUT", "PATCH", "DELETE") else None
        for who, (client, role) in callers.items():
            answer = client.request(method, path, body)
            refused = answer.status == 403 and answer.error.get("code") == "forbidden"
            if refused == access.may_call(role, method, route) or answer.status == 401:
                wrong.append((who, method, route, answer.status))
        if disabled.request(method, path, body).status != 401:
            wrong.append(("disabled", method, route))
    assert wrong == []


def test_first_admin_only_while_no_active_admin(aws: None, discovered: tuple[Any, Any, Any]) -> None:
    """A new deployment: no staff account exists; the first admin is invited by the deployer's command."""
    from local import stack
    from local.gateway import Gateway
    from local.resources import ACCOUNT

    functions, routes, api_props = discovered
    env = Env(Gateway(routes, functions, api_props, stack.REGION, ACCOUNT, static_dir=None, openapi=dict, origin_secret=stack.ORIGIN_VERIFY_SECRET), {})
    assert env.new_client().post("/api/auth/login", {"email": STAFF[0], "password": STAFF[1]}).status == 401  # no default account
    bad = env.invoke("StaffFirstAdminFunction", {"email": "not an address"})
    assert bad["outcome"] == "refused"
    done = env.invoke("StaffFirstAdminFunction", {"email": "First.Admin@example.jp", "name": "初代管理者"})
    assert done["outcome"] == "invited", done
    again = env.invoke("StaffFirstAdminFunction", {"email": "first.admin@example.jp", "name": "初代管理者"})
    assert again["outcome"] == "invited"  # not yet accepted: a new link, the old one ends
    token = env.link_token("first.admin@example.jp", "/staff/invite")
    visitor = env.new_client()
    assert visitor.post("/api/staff-invitations/confirm", {"token": token, "password": "First#2026admin", "password_confirm": "First#2026admin"}).status == 204
    client = env.new_client()
    enrol_second_factor(client, "first.admin@example.jp", "First#2026admin")
    assert client.get("/api/admin/staff").body["items"][0]["role"] == "admin"
    refused = env.invoke("StaffFirstAdminFunction", {"email": "second@example.jp", "name": "二人目"})
    assert refused["outcome"] == "refused" and "管理者" in refused["message"]
