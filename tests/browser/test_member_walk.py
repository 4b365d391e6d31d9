"""The members' manual walked screen by screen in Chromium (p.4-p.22), with axe and screenshots on each screen."""

from __future__ import annotations

import re
from collections import Counter

from playwright.sync_api import Page, expect

from tests.browser.support import DEMO, login, mail_link, new_member, shot
from tests.stackutil import LocalStack


def test_login_and_portal_top(local_stack: LocalStack, page: Page) -> None:
    """p.4 ログイン → p.5 企業Myポータル (menu ①-⑪, login info, お知らせ)."""
    base = local_stack.url
    page.goto(f"{base}/portal")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("link", name="パスワードが不明な方")).to_be_visible()
    expect(page.get_by_role("link", name="新規会員登録を希望の方")).to_be_visible()
    shot(page, "p04-login")

    # wrong password: one generic Japanese message, announced
    page.locator("#f-email").fill(DEMO[0])
    page.locator("#f-password").fill("Wrong#pass123")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    shot(page, "p04-login-error")

    login(page, base, *DEMO)
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(page.get_by_test_id("login-info")).to_have_text("株式会社中小ニット 中企小太郎 様")
    for label in [
        "公社HP",
        "お問い合わせ",
        "ヘルプ",
        "パスワード変更",
        "ログアウト",
        "イベントカレンダー",
        "予約確認・変更",
        "利用履歴・管理",
        "My情報管理",
        "動画コンテンツ",
    ]:
        expect(page.get_by_role("navigation", name="メニュー").get_by_text(label, exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("公社からのお知らせ"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("公社HP")).first).to_have_attribute("href", "https://www.tokyo-kosha.or.jp/")
    shot(page, "p05-portal")

    # ヘルプ from the header opens the help of this screen; footer has 個人情報保護方針
    page.get_by_test_id("header-help").click()
    expect(page.get_by_role("heading", name="ヘルプ：企業Myポータル")).to_be_visible()
    shot(page, "help-portal")
    page.get_by_role("link", name="個人情報保護方針").click()
    expect(page.get_by_role("heading", name="個人情報保護方針")).to_be_visible()
    expect(page.get_by_text("All Rights Reserved.")).to_be_visible()
    shot(page, "privacy")


def test_pending_member_sees_locked_menu(local_stack: LocalStack, page: Page) -> None:
    """利用履歴・管理 and My情報管理 are shown as unavailable until staff approval."""
    acct = new_member(local_stack, approve=False, company="株式会社承認待ち", name="待機一郎")
    login(page, local_stack.url, acct.email, acct.password)
    expect(page.get_by_test_id("pending-notice")).to_be_visible()
    expect(page.get_by_test_id("menu-history-reason")).to_be_visible()
    expect(page.get_by_test_id("menu-profile-reason")).to_be_visible()
    expect(page.get_by_test_id("menu-profile").get_by_role("link")).to_have_count(0)
    shot(page, "p05-portal-pending")


def test_every_menu_item(local_stack: LocalStack, page: Page) -> None:
    """Each menu item of p.5 opens its screen (p.6, p.9, p.11-13, p.16, p.17), keyboard reachable."""
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)

    screens = [
        ("menu-inquiry", "お問い合わせ", "p06-inquiry-kinds"),
        ("menu-password", "パスワード変更", "p09-password"),
        ("menu-events", "イベントカレンダー", "p12-events"),
        ("menu-reservations", "予約確認・変更", "p13-reservations"),
        ("menu-history", "利用履歴", "p16-history"),
        ("menu-profile", "My情報管理", "p17-profile"),
        ("menu-videos", "動画コンテンツ", "p12-videos"),
        ("menu-offerings", "セミナー・相談の申込", "p13-offerings"),  # booking has its own menu entry
    ]
    for testid, heading, name in screens:
        page.goto(f"{base}/portal")
        link = page.get_by_test_id(testid).get_by_role("link")
        link.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        shot(page, name)

    # 動画コンテンツ: the chosen video plays in the page
    page.goto(f"{base}/videos")
    page.get_by_role("button", name=re.compile("を再生する")).first.click()
    expect(page.get_by_test_id("player")).to_be_visible()
    expect(page.get_by_test_id("player").locator("video, iframe")).to_have_count(1)
    shot(page, "p12-videos-playing")

    # イベントカレンダー: month grid with links to each event's page
    page.goto(f"{base}/events")
    expect(page.locator(".fc-dayGridMonth-view")).to_be_visible()
    expect(page.locator(".fc-event").first).to_be_visible()
    # an event without a page of its own is not a link to "undefined" (the demo events have none)
    assert page.locator('.fc-event[href="undefined"], a[href="undefined"]').count() == 0

    # ⑤ ログアウト from the menu asks first (p.11)
    page.goto(f"{base}/portal")
    page.get_by_test_id("menu-logout").get_by_role("button").click()
    expect(page.get_by_role("dialog", name="ログアウト確認")).to_be_visible()
    shot(page, "p11-logout-confirm")
    page.get_by_role("dialog").get_by_role("button", name="キャンセル").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_inquiry_with_uploaded_file(local_stack: LocalStack, page: Page) -> None:
    """p.6-8: kind → 申請入力 (800 counter, 参照/クリア, progress) → 申請入力確認 → 申請 → 申請完了."""
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)
    page.goto(f"{base}/inquiry")
    page.get_by_role("link", name=re.compile("お問い合わせフォームへ")).first.click()
    expect(page.get_by_role("heading", level=1, name="申請入力")).to_be_visible()
    expect(page.get_by_test_id("time-limit")).to_have_text("※60分以内に内容を入力の上、「確認」をクリックして下さい。")
    expect(page.get_by_test_id("inquiry-kind").locator("strong")).not_to_be_empty()  # the kinds have arrived

    # empty content: the error is next to the field and in the summary
    page.get_by_test_id("inquiry-confirm").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator("#f-content")).to_have_attribute("aria-invalid", "true")

    text = "●●について相談したい。\n○○○は△△△で□□□にできないか。👨‍👩‍👧"
    page.locator("#f-content").fill(text)
    expect(page.get_by_test_id("char-counter")).to_have_attribute("data-count", str(len(text) - 4))  # the family emoji is one character

    # a file over 10MB is refused before upload, with the compression hint
    # (10 MB travel to the browser over the DevTools pipe: on a loaded 2-core machine that took over the default 15 s once)
    big = [{"name": "big.bin", "mimeType": "application/octet-stream", "buffer": b"0" * (10 * 1024 * 1024 + 1)}]
    page.get_by_test_id("file-input").set_input_files(big, timeout=60_000)
    expect(page.get_by_test_id("file-size-error")).to_contain_text("圧縮")

    # two small files upload with a progress bar each
    page.get_by_test_id("file-input").set_input_files(
        [
            {"name": "参考資料.txt", "mimeType": "text/plain", "buffer": "参考資料です。".encode()},
            {"name": "図面.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"},
        ]
    )
    items = page.get_by_test_id("file-list").locator("li")
    expect(items).to_have_count(2)
    expect(page.get_by_test_id("file-list").locator("li[data-status=done]")).to_have_count(2)
    expect(page.get_by_test_id("upload-progress").first).to_have_attribute("value", "100")
    shot(page, "p07-inquiry-input")

    page.get_by_test_id("inquiry-confirm").click()
    expect(page.get_by_role("heading", level=1, name="申請入力確認")).to_be_visible()
    expect(page.get_by_test_id("confirm-content")).to_contain_text("●●について相談したい。")
    shot(page, "p08-inquiry-confirm")
    page.get_by_test_id("inquiry-submit").dblclick()  # a double click sends once
    expect(page.get_by_role("heading", level=1, name="申請完了")).to_be_visible()
    shot(page, "p08-inquiry-done")
    page.get_by_role("link", name="企業Myポータルへ").click()
    expect(page).to_have_url(re.compile(r"/portal$"))

    member = local_stack.client()
    assert member.login(acct.email, acct.password).status == 200
    mine = member.get("/api/inquiries").body["items"]
    assert len(mine) == 1, mine
    assert len(mine[0]["attachments"]) == 2


def test_expired_session_keeps_the_form(local_stack: LocalStack, page: Page) -> None:
    """A session that expires while typing: the form stays, a login dialog asks to log in again, then the submit goes through."""
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)
    page.goto(f"{base}/inquiry")
    page.get_by_role("link", name=re.compile("お問い合わせフォームへ")).first.click()
    expect(page.get_by_test_id("inquiry-kind").locator("strong")).not_to_be_empty()
    page.locator("#f-content").fill("セッションが切れても消えない相談内容")
    page.get_by_test_id("inquiry-confirm").click()
    page.context.clear_cookies()  # the session is gone (as after 60 idle minutes)
    page.get_by_test_id("inquiry-submit").click()
    dialog = page.get_by_test_id("reauth-dialog")
    expect(dialog).to_be_visible()
    shot(page, "session-expired-dialog")
    dialog.locator("#reauth-password").fill(acct.password)
    dialog.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="申請完了")).to_be_visible()


def test_seminar_booking_change_cancel(local_stack: LocalStack, page: Page) -> None:
    """p.13-15: book a seminar, see 詳細 (予約申込内容確認), 予約変更 with 「この日程を選択」, 予約キャンセル → キャンセル完了."""
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)

    member = local_stack.client()
    assert member.login(acct.email, acct.password).status == 200
    offerings = member.get("/api/offerings").body["items"]
    titles = Counter(o["title"] for o in offerings)  # the link is found by its title: other tests on this stack may reuse one
    seminar = next(
        o
        for o in offerings
        if o["kind"] == "seminar"
        and titles[o["title"]] == 1
        and sum(1 for s in member.get(f"/api/offerings/{o['id']}").body["slots"] if s["seats_left"] > 0) >= 2
    )
    slots = [s for s in member.get(f"/api/offerings/{seminar['id']}").body["slots"] if s["seats_left"] > 0]

    page.goto(f"{base}/offerings")
    shot(page, "offerings")
    page.get_by_role("link", name=f"{seminar['title']}の詳細・申込").click()
    expect(page.get_by_test_id("member-info")).to_contain_text(acct.email)
    expect(page.get_by_test_id("member-info")).not_to_have_attribute("aria-busy", "true")
    page.locator(f"li[data-slot-id='{slots[0]['id']}'] input[type=radio]").check()
    shot(page, "offering-apply")
    page.get_by_test_id("reservation-submit").dblclick()
    expect(page.get_by_role("heading", level=1, name="申込完了")).to_be_visible()
    expect(page.get_by_test_id("applied-status")).to_have_text("予約済み")
    assert len(member.get("/api/reservations").body["items"]) == 1  # the double click booked once

    page.get_by_role("link", name="予約確認・変更へ").click()
    page.get_by_role("link", name=f"{seminar['title']}の詳細").click()
    expect(page.get_by_role("heading", level=1, name="予約申込内容確認")).to_be_visible()
    shot(page, "p13-reservation-detail")

    page.get_by_test_id("reservation-change").click()
    expect(page.get_by_role("heading", level=1, name="予約申込変更")).to_be_visible()
    expect(page.get_by_text("※会員情報の変更は、「My情報更新」画面からお願いします。")).to_be_visible()
    expect(page.get_by_text("この日程を選択").first).to_be_visible()
    expect(page.get_by_test_id("member-info")).not_to_have_attribute("aria-busy", "true")  # the profile has arrived
    page.locator(f"li[data-slot-id='{slots[1]['id']}'] input[type=radio]").check()
    shot(page, "p14-reservation-change")
    page.get_by_test_id("reservation-submit").click()
    expect(page.get_by_role("heading", level=1, name="予約変更完了")).to_be_visible()
    shot(page, "p14-reservation-changed")

    page.get_by_role("link", name="予約申込内容確認へ").click()
    expect(page.get_by_role("heading", level=1, name="予約申込内容確認")).to_be_visible()
    expect(page.get_by_role("link", name="カレンダーに追加")).to_be_visible()  # the reservation and its offering are shown
    page.get_by_test_id("reservation-cancel").click()
    expect(page.get_by_role("dialog", name="予約キャンセルの確認")).to_be_visible()
    shot(page, "p15-cancel-confirm")
    page.get_by_test_id("dialog-ok").click()
    expect(page.get_by_role("heading", level=1, name="キャンセル完了")).to_be_visible()
    shot(page, "p15-cancel-done")
    statuses = [r["status"] for r in member.get("/api/reservations").body["items"]]
    assert statuses == ["cancelled"]


def test_profile_update(local_stack: LocalStack, page: Page) -> None:
    """p.17-19: My情報管理 → My情報更新 (法人 rule live) → My情報更新確認 → 更新 → 完了 → 企業Myポータルへ."""
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)
    page.goto(f"{base}/profile")
    expect(page.get_by_test_id("profile-display")).to_contain_text(acct.email)
    page.get_by_test_id("profile-edit").click()
    expect(page.get_by_role("heading", level=1, name="My情報更新")).to_be_visible()

    # the 法人 rule is reflected live on the labels
    office_label = page.locator("label[for='f-office_name']")
    page.locator("#f-corporate_type-sole_proprietor").check()
    expect(office_label.locator(".badge-required")).to_have_count(0)
    page.locator("#f-corporate_type").check()  # 法人
    expect(office_label.locator(".badge-required")).to_have_count(1)
    page.locator("#f-office_name").fill("")
    page.get_by_test_id("profile-confirm").click()
    expect(page.locator("#f-office_name")).to_have_attribute("aria-invalid", "true")
    shot(page, "p18-profile-edit-errors")

    page.locator("#f-office_name").fill("大森事業所")
    major = page.get_by_test_id("industry-major")
    major.select_option(index=1)
    page.get_by_test_id("industry-middle").select_option(index=1)
    page.locator("#f-capital_thousand_yen").fill("30000")
    page.locator("#f-employees-total").fill("25")
    page.locator("#f-user-department").fill("総務部")
    page.get_by_test_id("equipment-add").click()
    page.locator("#f-equipment-0-name").fill("NC旋盤")
    page.locator("#f-equipment-0-count").fill("2")
    page.locator("#f-subscriptions-mail_magazine_genres-e_argus").check()
    # お取引エリア・加工分類: checkboxes of the lists 会員企業検索 searches (no free text)
    page.get_by_role("group", name="お取引エリア【複数選択可】").get_by_label("全国").check()
    page.locator("#f-trade_areas").check()  # the first choice: 東京都内
    page.get_by_role("group", name="加工分類【複数選択可】").get_by_label("プレス").check()
    page.get_by_test_id("profile-confirm").click()
    expect(page.get_by_role("heading", level=1, name="My情報更新確認")).to_be_visible()
    expect(page.get_by_test_id("profile-display").locator("[data-field='trade_areas']")).to_have_text("東京都内\n全国")
    shot(page, "p19-profile-confirm")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_role("heading", level=1, name="My情報更新完了")).to_be_visible()
    shot(page, "p19-profile-done")
    page.get_by_role("link", name="企業Myポータルへ").click()
    page.goto(f"{base}/profile")
    expect(page.get_by_test_id("profile-display")).to_contain_text("大森事業所")
    expect(page.get_by_test_id("profile-display")).to_contain_text("NC旋盤")
    expect(page.get_by_test_id("profile-display").locator("[data-field='processing_categories']")).to_have_text("プレス")


def test_password_change_logout_and_reset(local_stack: LocalStack, page: Page) -> None:
    """p.9-10 パスワード変更, p.11 ログアウト, p.20-22 パスワード再設定 from the mail view."""
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)

    page.goto(f"{base}/password")
    expect(page.get_by_text("そのパスワードは大丈夫ですか？")).to_be_visible()
    page.locator("#f-current_password").fill(acct.password)
    page.locator("#f-new_password").fill("abc")
    checklist = page.get_by_test_id("password-checklist")
    expect(checklist.locator("li[data-ok=false]").first).to_be_visible()
    page.locator("#f-new_password").fill("Walk#2027pass¥")
    expect(checklist.locator("li[data-ok=false]")).to_have_count(0)
    page.locator("#f-new_password").fill("Walk#2027pass")
    page.locator("#f-new_password_confirm").fill("Walk#2027pazz")
    page.get_by_test_id("password-submit").click()
    expect(page.locator("#f-new_password_confirm")).to_have_attribute("aria-invalid", "true")
    shot(page, "p09-password-errors")
    page.locator("#f-new_password_confirm").fill("Walk#2027pass")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_role("heading", level=1, name="パスワード変更完了")).to_be_visible()
    expect(page.get_by_text("ご登録頂いているメールアドレス宛にパスワード変更の完了メールを送信しました。")).to_be_visible()
    shot(page, "p10-password-done")

    # p.11 ログアウト: confirmation → OK → login screen; the session is gone on the server
    page.get_by_test_id("header-logout").click()
    expect(page.get_by_role("dialog", name="ログアウト確認")).to_be_visible()
    page.get_by_test_id("dialog-ok").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto(f"{base}/portal")
    expect(page).to_have_url(re.compile(r"/login\?next="))

    # p.20-22 パスワード再設定
    page.get_by_role("link", name="パスワードが不明な方").click()
    expect(page.get_by_role("heading", level=1, name="パスワード再設定")).to_be_visible()
    page.locator("#f-email").fill(acct.email)
    page.locator("#f-email_confirm").fill(acct.email)
    shot(page, "p20-reset-request")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    shot(page, "p21-reset-sent")
    page.get_by_role("dialog").get_by_role("button", name="閉じる").click()

    # the mail view of the local stack, then its link
    page.goto(f"{base}/_dev/mail.html?to={acct.email}")
    shot(page, "p22-mailbox", axe=False)
    link = mail_link(local_stack, acct.email, "パスワード再設定", "/password-reset/confirm")
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="パスワード再設定")).to_be_visible()
    page.locator("#f-new_password").fill("Walk#2028pass")
    page.locator("#f-new_password_confirm").fill("Walk#2028pass")
    shot(page, "p22-reset-form")
    page.get_by_test_id("reset-confirm-submit").click()
    expect(page.get_by_role("heading", level=1, name="パスワード再設定完了")).to_be_visible()
    shot(page, "p22-reset-done")
    page.get_by_role("link", name="ログイン画面へ").click()
    login(page, base, acct.email, "Walk#2028pass")

    # the used link does not work twice
    page.goto(link)
    page.locator("#f-new_password").fill("Walk#2029pass")
    page.locator("#f-new_password_confirm").fill("Walk#2029pass")
    page.get_by_test_id("reset-confirm-submit").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()


def test_registration_from_the_screens(local_stack: LocalStack, page: Page) -> None:
    """新規会員登録: e-mail twice → sent → mail link → password + profile → 確認 → 登録 → 登録受付."""
    import uuid

    email = f"reg-{uuid.uuid4().hex[:8]}@example.jp"
    base = local_stack.url
    page.goto(f"{base}/login")
    page.get_by_role("link", name="新規会員登録を希望の方").click()
    # the login form has its own #f-email: wait until the register view has replaced it
    expect(page.get_by_role("heading", level=1, name="新規会員登録")).to_be_visible()
    page.locator("#f-email").fill(email)
    page.locator("#f-email_confirm").fill(email)
    shot(page, "register-email")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("register-sent")).to_be_visible()

    page.goto(mail_link(local_stack, email, "会員登録", "/register/confirm"))
    page.locator("#f-password").fill("Regi#2026pass")
    page.locator("#f-password_confirm").fill("Regi#2026pass")
    page.locator("#f-corporate_type-sole_proprietor").check()
    page.locator("#f-company_name").fill("登録太郎")
    page.locator("#f-user-name").fill("登録太郎")
    page.locator("#f-user-name_kana").fill("トウロクタロウ")
    shot(page, "register-form")
    page.get_by_test_id("register-confirm").click()
    page.get_by_test_id("register-submit-final").click()
    expect(page.get_by_test_id("register-done")).to_be_visible()
    shot(page, "register-done")
    login(page, base, email, "Regi#2026pass")
    expect(page.get_by_test_id("pending-notice")).to_be_visible()
