"""Registration with staff approval, and password reset, through the real handlers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import DEMO, SCHEDULED_EVENT, Env, Portal

NEW = "new-member@example.jp"
PROFILE = {
    "corporate_type": "corporation",
    "company_name": "株式会社テスト製作所",
    "office_name": "本社",
    "industry": {"major": "E", "middle": "24", "minor": "2441"},
    "capital_thousand_yen": 30000,
    "employees": {"total": 12, "full_time": 10, "part_time": 2},
    "user": {"name": "試験花子", "name_kana": "シケンハナコ"},
}


def _register(env: Env, portal: Portal, email: str = NEW, profile: dict | None = None, password: str = "Regist#2026") -> tuple[str, object]:
    assert portal.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    token = env.link_token(email, "/register/confirm")
    answer = portal.post("/api/registrations/confirm", {"token": token, "password": password, "password_confirm": password, "profile": profile or PROFILE})
    return token, answer


def test_registration_creates_a_pending_member(env: Env, portal: Portal) -> None:
    _, answer = _register(env, portal)
    assert answer.status == 201, answer.body
    assert answer.body["status"] == "pending_review"
    assert any("会員登録を受け付けました" in m["subject"] for m in env.mails(NEW))


def test_registration_token_is_single_use(env: Env, portal: Portal) -> None:
    token, first = _register(env, portal)
    assert first.status == 201
    again = portal.post("/api/registrations/confirm", {"token": token, "password": "Regist#2026", "password_confirm": "Regist#2026", "profile": PROFILE})
    assert again.status == 400
    assert again.error["code"] == "invalid_token"


def test_registration_token_expires_after_60_minutes(env: Env, portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    assert portal.post("/api/registrations", {"email": NEW, "email_confirm": NEW}).status == 202
    token = env.link_token(NEW, "/register/confirm")
    later = clock.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    answer = portal.post("/api/registrations/confirm", {"token": token, "password": "Regist#2026", "password_confirm": "Regist#2026", "profile": PROFILE})
    assert answer.status == 400
    assert answer.error["code"] == "invalid_token"


def test_registration_of_a_known_address_answers_the_same_and_mails_the_owner(env: Env, portal: Portal) -> None:
    fresh = portal.post("/api/registrations", {"email": NEW, "email_confirm": NEW})
    known = portal.post("/api/registrations", {"email": DEMO[0], "email_confirm": DEMO[0]})
    assert fresh.status == known.status == 202
    assert fresh.body == known.body
    assert any("会員登録のお申込みについて" in m["subject"] for m in env.mails(DEMO[0]))


def test_registration_reports_profile_and_password_errors_per_field(env: Env, portal: Portal) -> None:
    bad_profile = {"corporate_type": "corporation", "company_name": "", "user": {"name": "x"}, "homepage_url": "ftp://example.com", "postal_code": "1234"}
    _, answer = _register(env, portal, profile=bad_profile, password="short")
    assert answer.status == 400
    fields = answer.field_messages()
    assert "password" in fields
    assert "password_confirm" not in fields
    assert "profile.homepage_url" in fields
    assert "profile.postal_code" in fields


def test_corporation_rule_requires_industry_capital_employees_office(env: Env, portal: Portal) -> None:
    profile = {"corporate_type": "corporation", "company_name": "株式会社テスト", "user": {"name": "試験"}}
    _, answer = _register(env, portal, profile=profile)
    assert answer.status == 400
    fields = answer.field_messages()
    for name in ("industry.major", "industry.middle", "capital_thousand_yen", "employees.total", "office_name"):
        assert f"profile.{name}" in fields, fields


def test_emails_must_match(portal: Portal) -> None:
    answer = portal.post("/api/registrations", {"email": NEW, "email_confirm": "other@example.jp"})
    assert answer.status == 400
    assert set(answer.field_messages()) == {"email_confirm"}


def test_staff_lists_and_approves_with_a_notification_mail(env: Env, portal: Portal, staff: Portal) -> None:
    _, created = _register(env, portal)
    member_id = created.body["member_id"]  # type: ignore[attr-defined]
    listed = staff.get("/api/admin/members?status=pending_review")
    assert listed.status == 200
    assert [m["member_id"] for m in listed.body["items"]] == [member_id]
    approved = staff.post(f"/api/admin/members/{member_id}/approve")
    assert approved.status == 200
    assert approved.body["status"] == "active"
    assert any("通知メール" in m["subject"] for m in env.mails(NEW))
    assert staff.post(f"/api/admin/members/{member_id}/approve").status == 409
    assert staff.post("/api/admin/members/unknown/approve").status == 404
    assert staff.get("/api/admin/members?status=active").status == 200
    assert staff.get("/api/admin/members?status=nonsense").status == 400


def test_approval_is_audit_logged(env: Env, portal: Portal, staff: Portal) -> None:
    from netclub.services import audit

    _, created = _register(env, portal)
    member_id = created.body["member_id"]  # type: ignore[attr-defined]
    staff.post(f"/api/admin/members/{member_id}/approve")
    entries, _ = audit.page()
    assert entries[0]["action"] == "member.approve"
    assert entries[0]["target"] == f"member:{member_id}"
    assert entries[0]["actor_id"] == env.accounts["staff"]


def test_reset_answers_the_same_for_unknown_addresses_and_mails_only_members(env: Env, portal: Portal) -> None:
    known = portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]})
    unknown = portal.post("/api/password-reset", {"email": "ghost@example.jp", "email_confirm": "ghost@example.jp"})
    assert known.status == unknown.status == 202
    assert known.body == unknown.body
    assert env.mails("ghost@example.jp") == []
    assert any("パスワード再設定のご案内" in m["subject"] for m in env.mails(DEMO[0]))


def test_reset_sets_a_new_password_revokes_sessions_and_is_single_use(env: Env, portal: Portal, member: Portal) -> None:
    portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]})
    token = env.link_token(DEMO[0], "/password-reset/confirm")
    body = {"token": token, "new_password": "Reset#2026new", "new_password_confirm": "Reset#2026new"}
    assert portal.post("/api/password-reset/confirm", body).status == 204
    assert member.get("/api/me").status == 401
    assert env.new_client().login(DEMO[0], "Reset#2026new").status == 200
    assert env.new_client().login(*DEMO).status == 401
    again = portal.post("/api/password-reset/confirm", {**body, "new_password": "Reset#2026two", "new_password_confirm": "Reset#2026two"})
    assert again.status == 400 and again.error["code"] == "invalid_token"
    assert any("パスワード再設定の完了メール" in m["subject"] for m in env.mails(DEMO[0]))


def test_reset_refuses_the_current_password_and_weak_ones(env: Env, portal: Portal) -> None:
    portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]})
    token = env.link_token(DEMO[0], "/password-reset/confirm")
    same = portal.post("/api/password-reset/confirm", {"token": token, "new_password": DEMO[1], "new_password_confirm": DEMO[1]})
    assert same.status == 400 and "new_password" in same.field_messages()
    common = portal.post("/api/password-reset/confirm", {"token": token, "new_password": "P@ssw0rd", "new_password_confirm": "P@ssw0rd"})
    assert common.status == 400 and "推測されやすい" in common.field_messages()["new_password"]
    # the token survives failed attempts
    ok = portal.post("/api/password-reset/confirm", {"token": token, "new_password": "Reset#2026new", "new_password_confirm": "Reset#2026new"})
    assert ok.status == 204


def test_unknown_reset_token_is_invalid(portal: Portal) -> None:
    answer = portal.post("/api/password-reset/confirm", {"token": "nope", "new_password": "Reset#2026new", "new_password_confirm": "Reset#2026new"})
    assert answer.status == 400 and answer.error["code"] == "invalid_token"


def test_failed_mail_is_kept_and_retried(env: Env, portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError
    from netclub.mail import sender
    from netclub.services import mail_retry
    from netclub.store import outbox

    real = sender.deliver

    def broken(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
        raise ClientError({"Error": {"Code": "Throttling", "Message": "x"}}, "SendEmail")

    monkeypatch.setattr(sender, "deliver", broken)
    assert portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
    assert len(outbox.pending()) == 1
    assert env.mails(DEMO[0]) == []
    monkeypatch.setattr(mail_retry, "deliver", real)
    assert env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 1, "failed": 0, "parked": 0}
    assert outbox.pending() == []
    assert any("パスワード再設定のご案内" in m["subject"] for m in env.mails(DEMO[0]))


def test_staff_see_the_mails_waiting_for_retry(env: Env, portal: Portal, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError
    from netclub.mail import sender
    from netclub.services import mail_retry

    real = sender.deliver

    def broken(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "x"}}, "SendEmail")

    monkeypatch.setattr(sender, "deliver", broken)
    assert portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
    listed = staff.get("/api/admin/mail-outbox")
    assert listed.status == 200
    [waiting] = listed.body["items"]
    assert waiting["to"] == DEMO[0] and "パスワード再設定" in waiting["subject"]
    assert waiting["attempts"] == 1 and waiting["last_error"] == "MessageRejected"
    assert "body" not in waiting and "token" not in json.dumps(listed.body)  # the reset link stays out of the staff view
    assert member.get("/api/admin/mail-outbox").status == 403
    assert staff.get("/api/admin/mail-outbox?cursor=%%%").status == 400
    monkeypatch.setattr(mail_retry, "deliver", real)
    assert env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 1, "failed": 0, "parked": 0}
    assert staff.get("/api/admin/mail-outbox").body["items"] == []


def test_answers_do_not_tell_a_registered_address_by_their_timing(portal: Portal) -> None:
    import time

    from netclub.services import recovery, registration

    for path, floor in (("/api/password-reset", recovery.ANSWER_SECONDS), ("/api/registrations", registration.ANSWER_SECONDS)):
        for address in (DEMO[0], "nobody@example.jp"):
            started = time.monotonic()
            assert portal.post(path, {"email": address, "email_confirm": address}).status == 202
            assert time.monotonic() - started >= floor, (path, address)
