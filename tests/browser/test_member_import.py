"""会員データ移行 in the browser: an admin uploads the old system's CSV (cp932), 検証する shows the encoding and the
errors by row and column, 取り込む with the invitations runs in the background (the local stack's queue poller)
to 完了; a migrated member opens 「ご利用開始のご案内」's link, sets a password and lands on the portal."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.support import STAFF, login, mail_link, shot
from tests.member_files import csv_bytes, row
from tests.stackutil import LocalStack


def test_upload_validate_import_and_welcome(local_stack: LocalStack, page: Page) -> None:
    base = local_stack.url
    domain = f"m{uuid.uuid4().hex[:8]}.example"
    first = 700_000 + int(uuid.uuid4().int % 90_000)
    rows = [row(first, domain=domain), row(first + 1, domain=domain), row(first + 2, domain=domain, **{"郵便番号": "12-345"})]
    login(page, base, *STAFF)
    page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="会員データ移行").click()
    expect(page.get_by_role("heading", level=1, name="会員データ移行")).to_be_visible()
    page.get_by_test_id("import-validate").click()  # no file yet: the field says so
    expect(page.get_by_text("CSVファイルを選んでください。").first).to_be_visible()
    page.get_by_test_id("import-file").set_input_files({"name": "旧システム会員.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)})
    page.get_by_test_id("import-validate").click()
    expect(page.get_by_test_id("import-status")).to_have_text("検証済み", timeout=20_000)
    expect(page.get_by_test_id("import-encoding")).to_have_text("Shift_JIS (cp932)")
    expect(page.get_by_test_id("import-valid")).to_have_text("2行")
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr").first).to_contain_text("3行目")
    expect(errors.locator("tbody tr").first).to_contain_text("郵便番号")
    shot(page, "s27-member-import-validated")
    expect(page.get_by_test_id("import-invite")).to_be_checked()
    page.get_by_test_id("import-run").click()
    expect(page.get_by_test_id("import-status")).to_have_text("完了", timeout=30_000)
    expect(page.get_by_test_id("import-created")).to_have_text("2")
    expect(page.get_by_test_id("import-invited")).to_have_text("2")
    shot(page, "s27-member-import-done")
    page.context.clear_cookies()

    # ご利用開始: the link of the mail → a password → the portal
    address = f"member{first:06d}@{domain}"
    page.goto(mail_link(local_stack, address, "ご利用開始のご案内", "/welcome"))
    expect(page.get_by_role("heading", level=1, name="企業Myポータルのご利用開始")).to_be_visible()
    page.locator("#f-password").fill("Welcome#2026pw")
    page.locator("#f-password_confirm").fill("Welcome#2026pw")
    shot(page, "s28-welcome")
    page.get_by_test_id("welcome-submit").click()
    expect(page).to_have_url(f"{base}/portal?welcome=1")
    expect(page.get_by_test_id("login-info")).to_contain_text(f"株式会社テスト製作所{first}")
