"""Issue 13 in Chromium: キャンセル待ち on a full seminar slot, the promotion by another member's cancel
(the mail 「キャンセル待ちの繰り上げのお知らせ」 in the local mailbox), and the staff dashboard's numbers."""

from __future__ import annotations

import datetime as dt
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _open_page
from tests.browser.support import STAFF, login, member_client, new_member, shot
from tests.stackutil import LocalStack

PROMOTED = "キャンセル待ちの繰り上げのお知らせ"


def _tokyo_day(offset: int) -> str:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    return (dt.datetime.now(tokyo).date() + dt.timedelta(days=offset)).isoformat()


def test_a_waiting_member_is_promoted_by_a_cancel(local_stack: LocalStack, page: Page, browser: Browser) -> None:
    base = local_stack.url
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    title = f"キャンセル待ちセミナー{uuid.uuid4().hex[:4]}"
    offering = staff.post("/api/admin/offerings", {"kind": "seminar", "title": title, "description": "説明", "apply_until": f"{_tokyo_day(2)}T17:00"})
    assert offering.status == 201, offering.body
    slot = staff.post(
        f"/api/admin/offerings/{offering.body['id']}/slots",
        {"date": _tokyo_day(3), "start_time": "10:00", "end_time": "12:00", "place": "秋葉原庁舎 第1会議室", "capacity": 1},
    )
    assert slot.status == 201, slot.body
    oid, sid = offering.body["id"], slot.body["id"]

    first = new_member(local_stack, company="株式会社先着工業", name="先着一郎")
    first_client = member_client(local_stack, first)
    booked = first_client.post("/api/reservations", {"offering_id": oid, "slot_id": sid})
    assert booked.status == 201 and booked.body["status"] == "confirmed", booked.body

    second = new_member(local_stack, company="株式会社待機商事", name="待機花子")
    login(page, base, second.email, second.password)
    page.goto(f"{base}/offerings/{oid}")
    expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    expect(page.get_by_test_id(f"seats-{sid}")).to_have_text("満席")
    expect(page.get_by_test_id(f"choose-{sid}")).to_contain_text("キャンセル待ちに登録")
    page.get_by_test_id(f"choose-{sid}").click()
    expect(page.get_by_test_id("reservation-submit")).to_have_text("キャンセル待ちに登録")
    shot(page, "waitlist-apply-full-slot")
    page.get_by_test_id("reservation-submit").click()
    expect(page.get_by_role("heading", level=1, name="キャンセル待ち登録完了")).to_be_visible()
    expect(page.get_by_test_id("applied-status")).to_have_text("キャンセル待ち（1番目）")
    shot(page, "waitlist-joined")

    page.goto(f"{base}/reservations")
    listed = member_client(local_stack, second).get("/api/reservations").body["items"]
    [mine] = [r for r in listed if r["offering_id"] == oid]
    assert mine["status"] == "waitlisted"
    status = page.get_by_test_id(f"status-{mine['id']}")
    expect(status).to_have_text("キャンセル待ち（1番目）")
    shot(page, "waitlist-reservations-waiting")

    # the staff dashboard: the slot is full, one waits
    with _open_page(browser, 1280, 900) as staff_page:
        login(staff_page, base, *STAFF)
        staff_page.goto(f"{base}/admin")
        row = staff_page.get_by_test_id("upcoming-slots").locator(f'tr[data-slot-id="{sid}"]')
        expect(row.get_by_role("rowheader")).to_have_text(title)
        expect(row.locator('[data-col="capacity"]')).to_have_text("1")
        expect(row.locator('[data-col="seats_left"]')).to_have_text("0（満席）")
        expect(row.locator('[data-col="waitlist_count"]')).to_have_text("1人")
        shot(staff_page, "waitlist-dashboard-full")

        # the first member cancels: the waiting reservation is confirmed in the same step, and mailed
        assert first_client.delete(f"/api/reservations/{booked.body['id']}").status in (200, 204)
        mail = local_stack.wait_for_mail(second.email, PROMOTED)
        assert title in mail["body"]
        assert any(PROMOTED in m["subject"] for m in local_stack.mails(second.email))

        page.reload()
        expect(status).to_have_text("予約済み")
        shot(page, "waitlist-reservations-promoted")

        staff_page.get_by_role("button", name="最新の状態に更新").click()
        expect(row.locator('[data-col="seats_left"]')).to_have_text("0（満席）")
        expect(row.locator('[data-col="waitlist_count"]')).to_have_text("0人")
        shot(staff_page, "waitlist-dashboard-promoted")
