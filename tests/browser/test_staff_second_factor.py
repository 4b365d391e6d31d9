"""The staff journey of going live, in the browser: an admin invites → 職員招待 sets a password → the first login
sets up 2段階認証 (the secret read from the page, the QR code drawn beside it) → the recovery codes → the console;
then a sign-in with a code from the authenticator app."""

from __future__ import annotations

import time
import uuid

from netclub import totp
from playwright.sync_api import Page, expect

from tests import second_factor
from tests.browser.support import STAFF, login, mail_link, shot
from tests.stackutil import Browserish, LocalStack


def test_invite_set_password_enrol_and_sign_in_with_a_code(local_stack: LocalStack, page: Page) -> None:
    base = local_stack.url
    email = f"newstaff-{uuid.uuid4().hex[:8]}@netclub.example"
    admin = Browserish(base)
    assert admin.login(*STAFF).status == 200
    # 職員管理: the admin invites (by the screen)
    login(page, base, *STAFF)
    page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="職員管理").click()
    expect(page.get_by_role("heading", level=1, name="職員管理")).to_be_visible()
    page.locator("#s-email").fill(email)
    page.locator("#s-name").fill("新任 職員")
    page.get_by_test_id("staff-submit").click()
    expect(page.get_by_test_id(f"staff-row-{email}")).to_contain_text("招待中")
    shot(page, "s24-staff-admin")
    page.context.clear_cookies()

    # 職員招待: the link of the mail
    page.goto(mail_link(local_stack, email, "職員アカウントへのご招待", "/staff/invite"))
    page.locator("#f-password").fill("NewStaff#2026pw")
    page.locator("#f-password_confirm").fill("NewStaff#2026pw")
    shot(page, "s25-staff-invite")
    page.get_by_test_id("staff-invite-submit").click()
    page.get_by_test_id("staff-invite-login").click()

    # the first login: 2段階認証の設定
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill("NewStaff#2026pw")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("heading", level=1, name="2段階認証の設定")).to_be_visible()
    expect(page.get_by_test_id("mfa-qr").locator("svg")).to_be_visible()  # drawn in the browser
    secret = page.get_by_test_id("mfa-secret").inner_text().strip()
    shot(page, "s23-mfa-enrol")
    page.locator("#f-code").fill("000000")
    page.get_by_test_id("mfa-submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("確認コードが正しくありません")
    enrolled_at = time.time()
    page.locator("#f-code").fill(totp.code_at(secret, enrolled_at))
    page.get_by_test_id("mfa-submit").click()
    second_factor.USED[(base, secret)] = totp.step_at(enrolled_at)  # that step's code is spent
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    shot(page, "s23-recovery-codes")
    page.get_by_test_id("recovery-codes-done").click()
    expect(page).to_have_url(f"{base}/admin")
    expect(page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="職員管理")).to_have_count(0)  # not an admin

    # a later sign-in: the code of the next step (the enrolment used this one)
    page.context.clear_cookies()
    login(page, base, email, "NewStaff#2026pw", totp_secret=secret)
    expect(page.get_by_test_id("login-info")).to_be_visible()


def test_staff_login_second_step_on_a_phone(local_stack: LocalStack, page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{local_stack.url}/login")
    page.locator("#f-email").fill(STAFF[0])
    page.locator("#f-password").fill(STAFF[1])
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("heading", level=1, name="2段階認証")).to_be_visible()
    page.get_by_test_id("mfa-use-recovery").click()
    expect(page.locator("#f-recovery")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "s23-mfa-verify-phone")
