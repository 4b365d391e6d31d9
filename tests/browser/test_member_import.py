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

    # 会員検索: the migrated member found by a part of the company name's kana (the index follows the table's stream)
    page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="会員・登録確認").click()
    page.get_by_test_id("member-search-q").fill(f"ｾｲｻｸｼｮ {domain}")
    rows = page.get_by_test_id("members").locator("tbody tr")
    for _ in range(40):  # the stream reaches MemberIndexFunction within a poll or two
        page.get_by_test_id("member-search").click()
        page.wait_for_load_state("networkidle")
        if rows.count() == 2:
            break
        page.wait_for_timeout(500)
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("member-search-total")).to_contain_text("2件")
    expect(rows.first).to_contain_text(f"NC{first + 1:06d}")
    shot(page, "s27-member-search")
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


def test_download_my_data_then_withdraw(local_stack: LocalStack, page: Page) -> None:
    """My情報管理: 登録情報のダウンロード saves a JSON file of the member's data; 退会する (reason, password, confirm) ends
    the membership at once: the done page, the mail, and the login answering as for an unknown address."""
    import json

    from tests.browser.support import new_member

    acct = new_member(local_stack, company="株式会社退会テスト")
    login(page, local_stack.url, acct.email, acct.password)
    page.goto(f"{local_stack.url}/profile")
    with page.expect_download() as info:
        page.get_by_test_id("data-export").click()
    saved = json.loads(info.value.path().read_text(encoding="utf-8"))
    assert saved["member"]["email"] == acct.email and saved["member"]["profile"]["company_name"] == "株式会社退会テスト"
    assert info.value.suggested_filename.startswith("netclub-my-data-")
    page.get_by_test_id("withdrawal-link").click()
    expect(page.get_by_role("heading", level=1, name="退会する")).to_be_visible()
    page.get_by_test_id("withdrawal-submit").click()  # no password: the field says so
    expect(page.get_by_text("パスワードを入力してください。").first).to_be_visible()
    page.locator("#f-reason").fill("事業を縮小したため")
    page.locator("#f-password").fill(acct.password)
    shot(page, "s29-withdrawal")
    page.get_by_test_id("withdrawal-submit").click()
    page.get_by_role("dialog").get_by_role("button", name="退会する").click()
    expect(page.get_by_test_id("withdrawal-done")).to_contain_text("退会日")
    shot(page, "s29-withdrawal-done")
    local_stack.wait_for_mail(acct.email, "退会手続き完了のお知らせ")
    assert local_stack.client().post("/api/auth/login", {"email": acct.email, "password": acct.password}).status == 401
