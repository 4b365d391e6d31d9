"""A phone-sized screen (360px), and the staff console: approving a registration and running the counselling lottery."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.support import DEMO, STAFF, login, new_member, shot
from tests.stackutil import LocalStack


def test_phone_portal_and_calendar_list(local_stack: LocalStack, phone: Page) -> None:
    base = local_stack.url
    login(phone, base, *DEMO)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the portal scrolls sideways at 360px ({width}px)"
    shot(phone, "phone-portal")
    phone.goto(f"{base}/events")
    expect(phone.locator(".fc-listMonth-view")).to_be_visible()  # list view on phones
    shot(phone, "phone-events")
    phone.goto(f"{base}/password")
    shot(phone, "phone-password")


def test_staff_approves_a_registration(local_stack: LocalStack, page: Page) -> None:
    acct = new_member(local_stack, approve=False, company="株式会社承認テスト", name="承認次郎")
    base = local_stack.url
    login(page, base, *STAFF)
    expect(page).to_have_url(re.compile(r"/admin$"))
    shot(page, "admin-home")
    page.get_by_role("link", name="会員・登録確認").first.click()
    row = page.locator(f"tr[data-email='{acct.email}']")
    expect(row).to_be_visible()
    shot(page, "admin-members")
    row.get_by_test_id("approve").click()
    page.get_by_test_id("dialog-ok").click()
    expect(page.get_by_role("status")).to_contain_text("承認しました")
    local_stack.wait_for_mail(acct.email, "通知メール")
    member = local_stack.client()
    assert member.login(acct.email, acct.password).status == 200
    assert member.get("/api/me").body["status"] == "active"


def test_staff_runs_the_lottery(local_stack: LocalStack, page: Page) -> None:
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    offering = staff.post(
        "/api/admin/offerings",
        {"kind": "counseling", "title": "専門家カウンセリング（抽選テスト）", "description": "無料・30分", "apply_until": "2030-07-01T17:00:00+09:00"},
    )
    assert offering.status == 201, offering.body
    oid = offering.body["id"]
    slot = staff.post(
        f"/api/admin/offerings/{oid}/slots", {"date": "2030-07-25", "start_time": "09:00", "end_time": "16:00", "place": "秋葉原ビル5F", "capacity": 1}
    )
    assert slot.status == 201, slot.body
    for n in range(3):
        acct = new_member(local_stack, company=f"株式会社抽選{n}", name=f"抽選{n}")
        m = local_stack.client()
        assert m.login(acct.email, acct.password).status == 200
        applied = m.post("/api/reservations", {"offering_id": oid, "preferences": [slot.body["id"]], "note": ""}, headers={"Idempotency-Key": f"lot-{oid}-{n}"})
        assert applied.status == 201, applied.body

    # the application period ends; staff run the lottery after the deadline
    closed = staff.put(
        f"/api/admin/offerings/{oid}",
        {"kind": "counseling", "title": "専門家カウンセリング（抽選テスト）", "description": "無料・30分", "apply_until": "2020-01-01T00:00:00+09:00"},
    )
    assert closed.status == 200, closed.body

    login(page, local_stack.url, *STAFF)
    page.goto(f"{local_stack.url}/admin/offerings/{oid}")
    expect(page.get_by_role("heading", name="抽選", exact=True)).to_be_visible()
    shot(page, "admin-offering")
    page.locator("#lottery-seed").fill("20260725")
    page.get_by_test_id("lottery-run").click()
    page.get_by_test_id("dialog-ok").click()
    # the draw runs in the background (LotteryWorkerFunction): the screen follows it until every result is in
    results = page.get_by_test_id("lottery-results")
    expect(results).to_be_visible(timeout=30_000)
    expect(page.get_by_role("status").first).to_contain_text("抽選が完了しました")
    expect(page.get_by_test_id("lottery-run")).to_be_disabled()
    expect(page.get_by_test_id("lottery-seed-used")).to_have_text("20260725")
    expect(results.get_by_text("当選")).to_have_count(1)
    expect(results.get_by_text("落選")).to_have_count(2)
    shot(page, "admin-lottery-results")


PHONE_SCREENS = [
    ("/portal", "企業Myポータル"),
    ("/inquiry", "お問い合わせ"),
    ("/password", "パスワード変更"),
    ("/events", "イベントカレンダー"),
    ("/videos", "動画コンテンツ"),
    ("/reservations", "予約確認・変更"),
    ("/offerings", None),
    ("/history", "利用履歴"),
    ("/profile", "My情報管理"),
    ("/profile/edit", "My情報更新"),
    ("/help/reservations", None),
    ("/privacy", "個人情報保護方針"),
]


def test_phone_every_member_screen_fits_360px(local_stack: LocalStack, phone: Page) -> None:
    """Each member screen at 360px: nothing scrolls sideways (wide tables scroll inside their own box) and axe passes."""
    base = local_stack.url
    acct = new_member(local_stack)
    login(phone, base, acct.email, acct.password)
    phone.goto(f"{base}/inquiry")
    phone.get_by_role("link", name=re.compile("お問い合わせフォームへ")).first.click()
    expect(phone.get_by_role("heading", level=1, name="申請入力")).to_be_visible()
    screens = [(phone.url.removeprefix(base), "申請入力"), *PHONE_SCREENS]
    too_wide = []
    for path, heading in screens:
        phone.goto(f"{base}{path}")
        if heading:
            expect(phone.get_by_role("heading", level=1, name=heading)).to_be_visible()
        else:
            expect(phone.get_by_role("heading", level=1)).to_be_visible()
        shot(phone, "phone-inquiry-form" if heading == "申請入力" else "phone" + path.replace("/", "-"))
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide.append((path, width))
    assert too_wide == [], f"screens that scroll sideways at 360px: {too_wide}"
