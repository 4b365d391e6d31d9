"""Login, logout, me, password change through the real authorizer and handlers."""

from __future__ import annotations

from tests.conftest import DEMO, Env, Portal


def test_login_sets_httponly_strict_cookie_and_returns_me(portal: Portal) -> None:
    answer = portal.login(*DEMO)
    assert answer.status == 200
    assert answer.body["member"]["company_name"] == "株式会社中小ニット"
    assert answer.body["member"]["user_name"] == "中企小太郎"
    assert answer.body["csrf_token"]
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "netclub_session=" in cookie


def test_wrong_password_and_unknown_email_give_the_same_answer(portal: Portal) -> None:
    wrong = portal.post("/api/auth/login", {"email": DEMO[0], "password": "Wrong#2026pass"})
    unknown = portal.post("/api/auth/login", {"email": "nobody@example.com", "password": "Wrong#2026pass"})
    assert wrong.status == unknown.status == 401
    assert wrong.error == unknown.error
    assert wrong.error["code"] == "invalid_credentials"


def test_me_requires_a_session(portal: Portal) -> None:
    answer = portal.get("/api/me")
    assert answer.status == 401
    assert answer.error["code"] == "unauthenticated"


def test_me_returns_the_member_and_csrf_token(member: Portal) -> None:
    answer = member.get("/api/me")
    assert answer.status == 200
    assert answer.body["email"] == DEMO[0]
    assert answer.body["csrf_token"] == member.csrf


def test_unsafe_method_without_csrf_is_403(member: Portal) -> None:
    answer = member.post("/api/auth/logout", csrf=False)
    assert answer.status == 403
    assert answer.error["code"] == "forbidden"


def test_logout_revokes_the_session_on_the_server(env: Env, member: Portal) -> None:
    cookie = member.client.get_cookie("netclub_session")
    assert cookie is not None
    stolen = env.new_client()
    stolen.client.set_cookie("netclub_session", cookie.value)
    assert stolen.get("/api/me").status == 200
    assert member.post("/api/auth/logout").status == 204
    assert stolen.get("/api/me").status == 401


def test_member_cannot_reach_staff_routes(member: Portal) -> None:
    answer = member.get("/api/admin/members?status=pending_review")
    assert answer.status == 403


def test_login_is_throttled_then_released(env: Env, portal: Portal, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from netclub import clock

    for _ in range(5):
        assert portal.post("/api/auth/login", {"email": DEMO[0], "password": "Wrong#2026pass"}).status == 401
    blocked = portal.post("/api/auth/login", {"email": DEMO[0], "password": DEMO[1]})
    assert blocked.status == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.error["code"] == "too_many_requests"
    later = clock.now()
    import datetime as dt

    monkeypatch.setattr(clock, "now", lambda: later + dt.timedelta(minutes=16))
    assert portal.login(*DEMO).status == 200


def test_password_change_revokes_other_sessions_and_mails(env: Env, member: Portal) -> None:
    other = env.new_client()
    assert other.login(*DEMO).status == 200
    answer = member.put("/api/me/password", {"current_password": DEMO[1], "new_password": "Fresh#2026pass", "new_password_confirm": "Fresh#2026pass"})
    assert answer.status == 204, answer.body
    assert member.get("/api/me").status == 200
    assert other.get("/api/me").status == 401
    assert any(m["subject"] == "【ネットクラブ】パスワード変更の完了メール" for m in env.mails(DEMO[0]))
    assert env.new_client().login(DEMO[0], "Fresh#2026pass").status == 200


def test_password_change_errors_are_per_field(member: Portal) -> None:
    answer = member.put("/api/me/password", {"current_password": "nope", "new_password": "short", "new_password_confirm": "other"})
    assert answer.status == 400
    fields = answer.field_messages()
    assert set(fields) == {"current_password", "new_password", "new_password_confirm"}
    assert "8文字以上" in fields["new_password"]
