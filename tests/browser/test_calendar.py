"""予約確認・変更's calendars in Chromium: 「カレンダーに追加」 on 予約詳細 and 「カレンダー配信URL」 (コピー, 「URLを再発行」) under 予約確認・変更."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.support import STAFF, login, member_client, new_member, shot
from tests.stackutil import Browserish, LocalStack


def test_calendar_link_and_feed_url(local_stack: LocalStack, page: Page) -> None:
    base = local_stack.url
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    title = f"カレンダー連携セミナー{uuid.uuid4().hex[:4]}"
    offering = staff.post("/api/admin/offerings", {"kind": "seminar", "title": title, "description": "説明", "apply_until": "2030-07-20T17:00:00+09:00"})
    assert offering.status == 201, offering.body
    slot = staff.post(
        f"/api/admin/offerings/{offering.body['id']}/slots",
        {"date": "2030-07-25", "start_time": "13:30", "end_time": "15:00", "place": "秋葉原ビル5F", "capacity": 5},
    )
    assert slot.status == 201, slot.body
    acct = new_member(local_stack, company="株式会社暦工業", name="暦花子")
    booked = member_client(local_stack, acct).post("/api/reservations", {"offering_id": offering.body["id"], "slot_id": slot.body["id"]})
    assert booked.status == 201, booked.body
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    login(page, base, acct.email, acct.password)

    page.goto(f"{base}/reservations")
    expect(page.get_by_role("heading", level=2, name="カレンダー配信URL")).to_be_visible()
    field = page.get_by_test_id("calendar-feed-url")
    expect(field).to_have_value(re.compile(re.escape(base) + r"/api/calendar/[A-Za-z0-9_-]{43}\.ics$"))
    expect(field).to_have_attribute("readonly", "")
    first = field.input_value()
    page.get_by_test_id("calendar-feed-copy").click()
    expect(page.get_by_test_id("calendar-feed-message")).to_contain_text("コピー")
    shot(page, "calendar-feed")

    page.get_by_test_id("calendar-feed-rotate").click()
    dialog = page.get_by_role("dialog", name="カレンダー配信URLの再発行")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="再発行する").click()
    expect(page.get_by_test_id("calendar-feed-message")).to_contain_text("再発行しました")
    expect(field).not_to_have_value(first)
    app = Browserish(base)  # a calendar app: no cookie
    assert app.get(first.removeprefix(base)).status == 404
    assert app.get(field.input_value().removeprefix(base)).status == 200

    page.get_by_role("link", name=f"{title}の詳細").click()
    expect(page.get_by_role("heading", level=1, name="予約申込内容確認")).to_be_visible()
    link = page.get_by_test_id("reservation-ics")
    expect(link).to_have_text("カレンダーに追加")
    href = link.get_attribute("href")
    assert href == f"/api/reservations/{booked.body['id']}/calendar.ics"
    ics = page.request.get(base + href)
    assert ics.status == 200 and ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert f"SUMMARY:{title}" in ics.text()
    shot(page, "reservation-detail-calendar")
