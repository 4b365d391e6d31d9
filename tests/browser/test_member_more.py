"""More of the members' manual in Chromium: 専門家カウンセリング (p.13-15 with 第一希望/第二希望) and the e-mail (会員ID) change of My情報 (p.17-19)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.support import STAFF, login, mail_link, member_client, new_member, shot
from tests.stackutil import LocalStack


def _counselling(stack: LocalStack) -> tuple[str, str, list[dict[str, str]]]:
    """A counselling offering of this test's own with three open slots (title, id, slots)."""
    staff = stack.client()
    assert staff.login(*STAFF).status == 200
    title = f"専門家カウンセリング（希望変更{uuid.uuid4().hex[:4]}）"
    offering = staff.post(
        "/api/admin/offerings",
        {
            "kind": "counseling",
            "title": title,
            "description": "ビジネスチャンスを探している中小企業様向けの無料カウンセリング（30分）",
            "apply_until": "2030-07-20T17:00:00+09:00",
        },
    )
    assert offering.status == 201, offering.body
    oid = offering.body["id"]
    slots = []
    for date, place in [("2030-07-25", "秋葉原ビル5F"), ("2030-07-26", "大崎ビル3F"), ("2030-07-30", "多摩支社2F")]:
        slot = staff.post(f"/api/admin/offerings/{oid}/slots", {"date": date, "start_time": "09:00", "end_time": "16:00", "place": place, "capacity": 3})
        assert slot.status == 201, slot.body
        slots.append({"id": slot.body["id"], "place": place})
    return title, oid, slots


def test_counselling_preferences_change_and_cancel(local_stack: LocalStack, page: Page) -> None:
    """予約申込 with 第一希望・第二希望・連絡事項 → 申込完了 → 予約申込内容確認 → 予約申込変更 → 予約変更完了 → 予約キャンセル (確認) → キャンセル完了."""
    base = local_stack.url
    title, _oid, (a, b, c) = _counselling(local_stack)
    acct = new_member(local_stack, company="株式会社相談テスト", name="相談三郎")
    login(page, base, acct.email, acct.password)

    page.goto(f"{base}/offerings")
    page.get_by_role("link", name=f"{title}の詳細・申込").click()
    expect(page.get_by_role("heading", level=1, name="予約申込")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=f"{title}申込")).to_be_visible()
    expect(page.get_by_text("受付日時は、第二希望までご選択ください。時間は決定後、ご連絡いたします。", exact=False)).to_be_visible()
    expect(page.get_by_test_id("member-info")).to_contain_text(acct.email)

    # 第一希望 is required: the error is next to the field
    page.get_by_test_id("reservation-submit").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator("#pref-first")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#pref-first-error")).to_have_text("第一希望の日程を選択してください。")

    first, second = page.get_by_label("第一希望"), page.get_by_label("第二希望")
    first.select_option(a["id"])
    expect(second.locator(f"option[value='{a['id']}']")).to_be_disabled()  # the 第一希望 cannot be the 第二希望 too
    second.select_option(b["id"])
    page.get_by_label("相談内容・連絡事項").fill("販路開拓について相談したい。午前中を希望します。")
    shot(page, "counseling-apply")
    page.get_by_test_id("reservation-submit").click()
    expect(page.get_by_role("heading", level=1, name="申込完了")).to_be_visible()
    expect(page.get_by_test_id("applied-status")).to_have_text("申込済み（抽選待ち）")
    expect(page.get_by_text("時間は決定後、ご連絡いたします。", exact=False)).to_be_visible()
    shot(page, "counseling-applied")
    applied = local_stack.wait_for_mail(acct.email, "専門家カウンセリングのお申込みを受け付けました")
    assert "第一希望：2030年7月25日（木） 秋葉原ビル5F" in applied["body"] and "第二希望：2030年7月26日（金） 大崎ビル3F" in applied["body"], applied["body"]

    # 予約確認・変更 → 詳細 → 予約申込内容確認
    page.get_by_role("link", name="予約確認・変更へ").click()
    expect(page.get_by_role("heading", level=1, name="予約確認・変更")).to_be_visible()
    page.get_by_role("link", name=f"{title}の詳細").click()
    expect(page.get_by_role("heading", level=1, name="予約申込内容確認")).to_be_visible()
    detail = page.get_by_test_id("reservation-detail")
    expect(page.get_by_test_id("reservation-status")).to_have_text("申込済み（抽選待ち）")
    expect(detail.locator("dt:has-text('第一希望') + dd")).to_contain_text("2030/07/25")
    expect(detail.locator("dt:has-text('第一希望') + dd")).to_contain_text("秋葉原ビル5F")
    expect(detail.locator("dt:has-text('第二希望') + dd")).to_contain_text("大崎ビル3F")
    expect(detail.locator("dt:has-text('相談内容・連絡事項') + dd")).to_have_text("販路開拓について相談したい。午前中を希望します。")
    shot(page, "p13-counseling-detail")

    # 予約変更: the form starts from the current choices; change both and the note
    page.get_by_test_id("reservation-change").click()
    expect(page.get_by_role("heading", level=1, name="予約申込変更")).to_be_visible()
    expect(page.get_by_text("※会員情報の変更は、「My情報更新」画面からお願いします。")).to_be_visible()
    expect(first).to_have_value(a["id"])
    expect(second).to_have_value(b["id"])
    expect(page.get_by_label("相談内容・連絡事項")).to_have_value("販路開拓について相談したい。午前中を希望します。")
    first.select_option(c["id"])
    second.select_option(a["id"])
    page.get_by_label("相談内容・連絡事項").fill("販路開拓と資金調達について相談したい。")
    shot(page, "p14-counseling-change")
    page.get_by_test_id("reservation-submit").click()
    expect(page.get_by_role("heading", level=1, name="予約変更完了")).to_be_visible()
    expect(page.get_by_text("状況：申込済み（抽選待ち）")).to_be_visible()
    shot(page, "p14-counseling-changed")
    changed = local_stack.wait_for_mail(acct.email, "ご予約の変更を受け付けました")
    assert "第一希望：2030年7月30日（火） 多摩支社2F" in changed["body"] and "第二希望：2030年7月25日（木） 秋葉原ビル5F" in changed["body"], changed["body"]

    page.get_by_role("link", name="予約申込内容確認へ").click()
    expect(detail.locator("dt:has-text('第一希望') + dd")).to_contain_text("多摩支社2F")
    expect(detail.locator("dt:has-text('第二希望') + dd")).to_contain_text("秋葉原ビル5F")
    expect(detail.locator("dt:has-text('相談内容・連絡事項') + dd")).to_have_text("販路開拓と資金調達について相談したい。")

    # 予約キャンセル: 戻る in the confirmation keeps the application; OK cancels it
    page.get_by_test_id("reservation-cancel").click()
    dialog = page.get_by_role("dialog", name="予約キャンセルの確認")
    expect(dialog).to_contain_text(f"「{title}」の予約をキャンセルします。よろしいですか？")
    dialog.get_by_role("button", name="戻る").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("reservation-status")).to_have_text("申込済み（抽選待ち）")
    page.get_by_test_id("reservation-cancel").click()
    shot(page, "p15-counseling-cancel-confirm")
    page.get_by_test_id("dialog-ok").click()
    expect(page.get_by_role("heading", level=1, name="キャンセル完了")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"「{title}」の予約をキャンセルしました。")
    shot(page, "p15-counseling-cancelled")
    local_stack.wait_for_mail(acct.email, "ご予約のキャンセルを受け付けました")

    page.get_by_role("link", name="予約確認・変更へ").click()
    reservation = member_client(local_stack, acct).get("/api/reservations").body["items"]
    assert [(r["offering_title"], r["status"]) for r in reservation] == [(title, "cancelled")]
    expect(page.get_by_test_id(f"status-{reservation[0]['id']}")).to_have_text("キャンセル済み")


def test_email_change_confirmed_from_the_new_address(local_stack: LocalStack, page: Page) -> None:
    """My情報更新 with a new メールアドレス → 確認 → 更新 → the link mailed to the new address confirms it; then only the new address logs in."""
    base = local_stack.url
    acct = new_member(local_stack, company="株式会社アドレス変更", name="変更四郎")
    new_email = f"moved-{uuid.uuid4().hex[:10]}@example.jp"
    login(page, base, acct.email, acct.password)

    page.goto(f"{base}/profile")
    page.get_by_test_id("profile-edit").click()
    expect(page.get_by_role("heading", level=1, name="My情報更新")).to_be_visible()
    email = page.locator("#f-user-email")
    expect(email).to_have_value(acct.email)
    email.fill("not-an-address")
    page.get_by_test_id("profile-confirm").click()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-user-email-error")).to_have_text("メールアドレスの形式が正しくありません。")
    email.fill(new_email)
    page.get_by_test_id("profile-confirm").click()
    expect(page.get_by_role("heading", level=1, name="My情報更新確認")).to_be_visible()
    expect(page.get_by_text("メールアドレス（会員ID）の変更は、新しいメールアドレスに届く確認メールのリンクを開いた時点で反映されます。")).to_be_visible()
    expect(page.locator("[data-field='user.email']")).to_have_text(new_email)
    shot(page, "p19-email-change-confirm")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_role("heading", level=1, name="My情報更新完了")).to_be_visible()
    expect(page.get_by_text("新しいメールアドレス宛に確認メールを送信しました。", exact=False)).to_be_visible()
    shot(page, "p19-email-change-done")

    # not yet: the old address is still the member ID
    assert local_stack.client().login(new_email, acct.password).status == 401
    page.goto(f"{base}/profile")
    expect(page.locator("[data-field='user.email']")).to_have_text(acct.email)

    # the link in the mail to the new address confirms it
    link = mail_link(local_stack, new_email, "メールアドレス変更の確認", "/profile/email/confirm")
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="メールアドレス変更の確認")).to_be_visible()
    expect(page.get_by_test_id("email-confirmed")).to_contain_text("メールアドレス（会員ID）の変更が完了しました。")
    shot(page, "email-change-confirmed")
    notice = local_stack.wait_for_mail(acct.email, "会員ID（メールアドレス）変更のお知らせ")  # the old address is told
    assert new_email not in notice["body"]  # …with the new one masked

    # the link works once only
    page.goto(link)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_test_id("email-confirmed")).to_have_count(0)
    shot(page, "email-change-link-used")

    # the session goes on (the password did not change); log out, then the old address no longer logs in, the new one does
    page.get_by_role("link", name="企業Myポータルへ").click()
    expect(page.get_by_test_id("login-info")).to_have_text("株式会社アドレス変更 変更四郎 様")
    page.get_by_test_id("header-logout").click()
    page.get_by_test_id("dialog-ok").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.locator("#f-email").fill(acct.email)
    page.locator("#f-password").fill(acct.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    login(page, base, new_email, acct.password)
    expect(page.get_by_test_id("login-info")).to_have_text("株式会社アドレス変更 変更四郎 様")
    page.goto(f"{base}/profile")
    expect(page.locator("[data-field='user.email']")).to_have_text(new_email)
