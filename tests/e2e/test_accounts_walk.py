"""Issue 2's walk over HTTP against the local stack started as `make dev` starts it."""

from __future__ import annotations

import urllib.parse
import uuid

import pytest

from tests.conftest import STAFF
from tests.stackutil import LocalStack

pytestmark = pytest.mark.e2e


PROFILE = {
    "corporate_type": "sole_proprietor",
    "company_name": "山田太郎",
    "user": {"name": "山田太郎", "name_kana": "ヤマダタロウ", "phone": "03-5555-1234"},
    "subscriptions": {"mail_magazine": True, "mail_magazine_genres": ["netclub_magazine"]},
}


def _token(link: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]


def test_registration_to_password_reset(local_stack: LocalStack) -> None:
    email = f"walk-{uuid.uuid4().hex[:8]}@example.jp"
    visitor = local_stack.client()

    # 新規会員登録: e-mail twice → verification mail with a link to the front end
    assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    verify = local_stack.wait_for_mail(email, "会員登録のご案内")
    link = local_stack.link_in(verify)
    assert link.startswith(local_stack.url + "/register/confirm?token=")

    # password + profile → pending_review
    created = visitor.post(
        "/api/registrations/confirm",
        {"token": _token(link), "password": "Walk#2026pass", "password_confirm": "Walk#2026pass", "profile": PROFILE},
    )
    assert created.status == 201, created.body
    assert created.body["status"] == "pending_review"
    member_id = created.body["member_id"]
    local_stack.wait_for_mail(email, "会員登録を受け付けました")

    # a pending member may log in, but My情報 is not open yet
    pending = local_stack.client()
    assert pending.login(email, "Walk#2026pass").status == 200
    assert pending.get("/api/me").body["status"] == "pending_review"
    assert pending.get("/api/profile").status == 403

    # staff approval → notification mail → active
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    listed = staff.get("/api/admin/members?status=pending_review")
    assert any(m["member_id"] == member_id for m in listed.body["items"])
    assert staff.post(f"/api/admin/members/{member_id}/approve").status == 200
    local_stack.wait_for_mail(email, "通知メール")
    assert pending.get("/api/me").body["status"] == "active"

    # password change: mail, and the member's other sessions are rejected
    member = local_stack.client()
    assert member.login(email, "Walk#2026pass").status == 200
    changed = member.put("/api/me/password", {"current_password": "Walk#2026pass", "new_password": "Walk#2027pass", "new_password_confirm": "Walk#2027pass"})
    assert changed.status == 204, changed.body
    local_stack.wait_for_mail(email, "パスワード変更の完了メール")
    assert pending.get("/api/me").status == 401
    assert member.get("/api/me").status == 200

    # logout revokes the session on the server
    assert member.post("/api/auth/logout").status == 204
    assert member.get("/api/me").status == 401

    # password reset: the same answer for unknown addresses; the link works once
    unknown = visitor.post("/api/password-reset", {"email": "nobody@example.jp", "email_confirm": "nobody@example.jp"})
    known = visitor.post("/api/password-reset", {"email": email, "email_confirm": email})
    assert unknown.status == known.status == 202
    assert unknown.body == known.body
    reset = local_stack.wait_for_mail(email, "パスワード再設定のご案内")
    reset_link = local_stack.link_in(reset)
    assert reset_link.startswith(local_stack.url + "/password-reset/confirm?token=")
    body = {"token": _token(reset_link), "new_password": "Walk#2028pass", "new_password_confirm": "Walk#2028pass"}
    assert visitor.post("/api/password-reset/confirm", body).status == 204
    local_stack.wait_for_mail(email, "パスワード再設定の完了メール")
    assert local_stack.client().login(email, "Walk#2028pass").status == 200
    assert local_stack.client().login(email, "Walk#2027pass").status == 401
    again = visitor.post("/api/password-reset/confirm", {**body, "new_password": "Walk#2029pass", "new_password_confirm": "Walk#2029pass"})
    assert again.status == 400
    assert again.body["error"]["code"] == "invalid_token"


def test_dev_mailbox_page_lists_mails_with_clickable_links(local_stack: LocalStack) -> None:
    email = f"box-{uuid.uuid4().hex[:8]}@example.jp"
    assert local_stack.client().post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    local_stack.wait_for_mail(email, "会員登録のご案内")
    import urllib.request

    with urllib.request.urlopen(f"{local_stack.url}/_dev/mail.html?to={email}", timeout=10) as resp:
        page = resp.read().decode()
    assert '<a href="' + local_stack.url + "/register/confirm?token=" in page


def test_openapi_document_covers_every_template_route(local_stack: LocalStack) -> None:
    from local import cfn
    from local.functions import discover

    _, routes, _ = discover(cfn.load())
    document = local_stack.client().get("/api/openapi.json").body
    assert document["openapi"].startswith("3.")
    for route in routes:
        assert route.method.lower() in document["paths"].get(route.path, {}), f"{route.method} {route.path} missing from OpenAPI"
