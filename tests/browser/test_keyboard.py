"""Every journey by keyboard alone, with a visible focus (WCAG 2.1.1, 2.1.2, 2.4.3, 2.4.7; issue 27).

No click and no locator-driven fill: every step moves focus with Tab / Shift+Tab (from wherever the
previous step left it), selects with Space and the arrow keys, and presses Enter; each step checks that
the focused control is the expected one and shows the focus ring. The journeys: login → inquiry with an
attachment → logout; booking a seminar; 会員企業検索 → 企業詳細 → 商談申込; My情報更新 with a 設備 row;
the staff sending a メールマガジン. Each journey is a section of the published test record (a11y_record.py).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser import a11y_record
from tests.browser.support import STAFF, login, member_client, new_member, shot
from tests.stackutil import LocalStack

FOCUSED = """() => {
  const el = document.activeElement
  if (!el || el === document.body) return null
  const style = getComputedStyle(el)
  return {
    id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 60),
    testid: el.getAttribute('data-testid') || el.closest('[data-testid]')?.getAttribute('data-testid') || '',
    label: el.getAttribute('aria-label') || '',
    // a visible focus indicator: the design system's ring (a 2px+ outline) or a box-shadow
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none',
    inDialog: !!el.closest('dialog[open]'),
  }
}"""

KEYBOARD_CRITERIA = ["2.1.1", "2.1.2", "2.4.3", "2.4.7"]


class Keys:
    """The keyboard, and the count of focus checks made (part of the journey's record)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.checks = 0

    def focused(self) -> dict[str, Any] | None:
        return self.page.evaluate(FOCUSED)  # type: ignore[no-any-return]

    def tab_to(self, what: str, limit: int = 40, *, key: str = "Tab") -> dict[str, Any]:
        """Press Tab (or `key`) until the focused element's id, test id, text or aria-label matches `what`; it must show the focus ring."""
        seen = []
        for _ in range(limit):
            self.page.keyboard.press(key)
            el = self.focused()
            if el is None:
                continue
            seen.append(el["id"] or el["testid"] or el["text"])
            if any(re.search(what, str(el[k])) for k in ("id", "testid", "text", "label")):
                assert el["ring"], f"no visible focus ring on {el}"
                self.checks += 1
                return el
        raise AssertionError(f"{what!r} not reached with {key} in {limit} presses; focus went through {seen}")

    def is_on(self, what: str) -> dict[str, Any]:
        """The focus is (already) on `what`: after a step that moves it on purpose (a new row, a dialog)."""
        el = self.focused()
        assert el is not None, f"the focus is lost (on <body>), expected {what!r}"
        assert any(re.search(what, str(el[k])) for k in ("id", "testid", "text", "label")), f"focus on {el}, expected {what!r}"
        self.checks += 1
        return el

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def tab_to(page: Page, what: str, limit: int = 40, *, key: str = "Tab") -> dict[str, Any]:
    """Keys(page).tab_to for a test that does not count its checks (test_directory's keyboard search)."""
    return Keys(page).tab_to(what, limit, key=key)


def record(name: str, journey: str, area: str, keys: Keys, criteria: list[str] = KEYBOARD_CRITERIA) -> None:
    a11y_record.settle(f"keyboard-{name}", {"kind": "keyboard", "journey": journey, "area": area, "focus_checks": keys.checks, "criteria": criteria})


def heading_focused(page: Page, name: str) -> None:
    """After a navigation the focus starts at the new page's heading (App.vue), not back at the top."""
    expect(page.get_by_role("heading", level=1, name=name)).to_be_focused()


def test_keyboard_only_login_inquiry_with_attachment_and_logout(local_stack: LocalStack, page: Page) -> None:
    acct = new_member(local_stack)
    base = local_stack.url
    keys = Keys(page)
    # intercept the file dialog from the start: turned on only with the listener, it could miss the first one
    page.on("filechooser", lambda _chooser: None)
    page.goto(f"{base}/login")

    # the first Tab lands on the skip link, which moves focus to the main area
    first = keys.tab_to("本文へ移動", limit=1)
    assert first["tag"] == "a"
    keys.press("Enter")
    keys.tab_to("^f-email")
    keys.type(acct.email)
    keys.tab_to("^f-password", limit=3)
    keys.type(acct.password)
    keys.press("Enter")  # submits the form
    expect(page.get_by_test_id("login-info")).to_be_visible()

    # portal menu → お問い合わせ (after a navigation the focus starts at the new page's heading)
    keys.tab_to("menu-inquiry")
    keys.press("Enter")
    heading_focused(page, "お問い合わせ")
    keys.tab_to("のお問い合わせフォームへ")
    keys.press("Enter")
    heading_focused(page, "申請入力")
    keys.tab_to("^f-content$")
    keys.type("キーボードだけで相談内容を入力しました。")
    expect(page.get_by_test_id("char-counter")).to_have_attribute("data-count", "20")

    # 参照 opens the browser's file dialog (Enter on the button), the file uploads with its progress
    keys.tab_to("file-browse")
    with page.expect_file_chooser() as chooser:
        keys.press("Enter")
    chooser.value.set_files([{"name": "キーボード資料.txt", "mimeType": "text/plain", "buffer": "添付の内容".encode()}])
    expect(page.get_by_test_id("file-list").locator("li[data-status=done]")).to_have_count(1)
    keys.tab_to("inquiry-confirm")
    keys.press("Enter")
    heading_focused(page, "申請入力確認")
    keys.tab_to("inquiry-submit")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="申請完了")).to_be_visible()
    shot(page, "kb-inquiry-done")

    # ログアウト: the dialog takes the focus, Esc closes it and gives the focus back
    keys.tab_to("header-logout", key="Shift+Tab")
    keys.press("Enter")
    expect(page.get_by_role("dialog", name="ログアウト確認")).to_be_visible()
    assert keys.is_on(".")["inDialog"]
    keys.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    keys.is_on("header-logout")
    keys.press("Enter")
    expect(page.get_by_role("dialog", name="ログアウト確認")).to_be_visible()
    ok = keys.tab_to("dialog-ok", limit=3)
    assert ok["inDialog"]
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))

    member = member_client(local_stack, acct)
    [sent] = member.get("/api/inquiries").body["items"]
    assert sent["content"] == "キーボードだけで相談内容を入力しました。"
    assert [a["filename"] for a in sent["attachments"]] == ["キーボード資料.txt"]
    record("login-inquiry", "ログイン、添付ファイル付きのお問い合わせ、ログアウト", "member", keys, ["2.1.1", "2.1.2", "2.4.1", "2.4.3", "2.4.7"])


def test_keyboard_only_booking(local_stack: LocalStack, page: Page) -> None:
    """セミナー・相談の申込 → 詳細・申込 → a date chosen with the arrow keys → 申込 → 申込完了."""
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    title = f"キーボード予約セミナー{uuid.uuid4().hex[:6]}"
    offering = staff.post(
        "/api/admin/offerings", {"kind": "seminar", "title": title, "description": "キーボード操作の確認", "apply_until": "2031-01-01T17:00:00+09:00"}
    )
    assert offering.status == 201, offering.body
    oid = offering.body["id"]
    slot_ids = []
    for day in ("2030-12-10", "2030-12-17"):
        slot = staff.post(f"/api/admin/offerings/{oid}/slots", {"date": day, "start_time": "10:00", "end_time": "12:00", "place": "秋葉原", "capacity": 5})
        assert slot.status == 201, slot.body
        slot_ids.append(slot.body["id"])
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)
    keys = Keys(page)
    page.goto(f"{base}/portal")

    keys.tab_to("menu-offerings|セミナー・カウンセリング申込", limit=60)  # the portal menu's booking entry
    keys.press("Enter")
    heading_focused(page, "セミナー・相談の申込")
    keys.tab_to(f"{title}の詳細・申込", limit=60)
    keys.press("Enter")
    expect(page.get_by_test_id("member-info")).not_to_have_attribute("aria-busy", "true")
    # into the radio group: the first date; the arrow key moves to (and selects) the second
    first = keys.tab_to("^slot$", limit=40)
    assert first["tag"] == "input"
    keys.press("ArrowDown")
    keys.is_on(f"^slot-{re.escape(slot_ids[1])}$")
    expect(page.locator(f"input[value='{slot_ids[1]}']")).to_be_checked()
    keys.tab_to("reservation-submit")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="申込完了")).to_be_visible()
    expect(page.get_by_test_id("applied-status")).to_have_text("予約済み")

    [booked] = member_client(local_stack, acct).get("/api/reservations").body["items"]
    assert booked["slot"]["id"] == slot_ids[1]
    record("booking", "セミナーの予約", "member", keys)


def test_keyboard_only_directory_to_business_contact(local_stack: LocalStack, page: Page) -> None:
    """会員企業検索 (keyword, Enter) → the company → 商談を申し込む → 件名・内容 → 確認 → 送信."""
    acct = new_member(local_stack)
    member = member_client(local_stack, acct)
    company = member.get("/api/directory").body["items"][0]
    base = local_stack.url
    login(page, base, acct.email, acct.password)
    keys = Keys(page)
    page.goto(f"{base}/portal")

    keys.tab_to("menu-directory", limit=60)
    keys.press("Enter")
    heading_focused(page, "会員企業検索")
    keys.tab_to("^f-q$")
    keys.type(company["company_name"])
    keys.press("Enter")  # searches (the form's submit)
    link = page.get_by_test_id("company-link").filter(has_text=company["company_name"]).first
    expect(link).to_be_visible()
    keys.tab_to(f"^{re.escape(company['company_name'])}$", limit=80)
    keys.press("Enter")
    expect(page.get_by_test_id("company-name")).to_have_text(company["company_name"])
    keys.tab_to("contact-start", limit=80)
    keys.press("Enter")
    heading_focused(page, "商談申込")
    expect(page.get_by_test_id("contact-company")).to_have_text(company["company_name"])
    keys.tab_to("contact-subject")
    keys.type("キーボードからの商談のお願い")
    keys.tab_to("contact-message", limit=3)
    keys.type("試作品の加工についてご相談させてください。")
    keys.tab_to("contact-confirm")
    keys.press("Enter")
    expect(page.get_by_test_id("contact-review")).to_contain_text("キーボードからの商談のお願い")
    keys.tab_to("contact-send")
    keys.press("Enter")
    expect(page.get_by_test_id("contact-done")).to_be_visible()
    record("directory-contact", "会員企業検索から商談申込", "member", keys)


def test_keyboard_only_profile_update(local_stack: LocalStack, page: Page) -> None:
    """My情報管理 → 変更 → a field and a new 設備 row (the focus moves into it) → 確認 → 更新 → 完了."""
    acct = new_member(local_stack)
    base = local_stack.url
    login(page, base, acct.email, acct.password)
    keys = Keys(page)
    page.goto(f"{base}/portal")

    keys.tab_to("menu-profile", limit=60)
    keys.press("Enter")
    heading_focused(page, "My情報管理")
    keys.tab_to("profile-edit", limit=80)
    keys.press("Enter")
    heading_focused(page, "My情報更新")
    keys.tab_to("^f-user-department$", limit=120)
    keys.type("総務部")
    keys.tab_to("equipment-add", limit=120)
    keys.press("Enter")
    keys.is_on("^f-equipment-0-capability_class$")  # the new row takes the focus
    keys.type("加工")
    keys.tab_to("^f-equipment-0-name$", limit=3)
    keys.type("NC旋盤")
    keys.tab_to("profile-confirm", limit=120)
    keys.press("Enter")
    heading_focused(page, "My情報更新確認")
    keys.tab_to("profile-save", limit=120)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="My情報更新完了")).to_be_visible()

    saved = member_client(local_stack, acct).get("/api/profile").body
    assert saved["user"]["department"] == "総務部"
    assert [e["name"] for e in saved["equipment"]] == ["NC旋盤"]
    record("profile-update", "My情報更新（設備の追加を含む）", "member", keys)


def test_keyboard_only_staff_sends_a_newsletter(local_stack: LocalStack, page: Page) -> None:
    """The staff console: メールマガジン配信 → 新規作成 → 件名・本文・ジャンル → 下書きを保存 → 今すぐ配信 → 配信する."""
    base = local_stack.url
    login(page, base, *STAFF)
    keys = Keys(page)
    subject = f"キーボード配信テスト{uuid.uuid4().hex[:6]}"

    first = keys.tab_to("本文へ移動", limit=1)
    assert first["tag"] == "a"
    keys.press("Enter")
    keys.tab_to("^メールマガジン配信$", limit=40)
    keys.press("Enter")
    heading_focused(page, "メールマガジン配信")
    keys.tab_to("newsletter-new")
    keys.press("Enter")
    keys.is_on("^nl-subject$")  # 新規作成 puts the focus on the form
    keys.type(subject)
    keys.tab_to("^nl-body$", limit=3)
    keys.type("キーボードだけで作成したメールマガジンです。")
    keys.tab_to("^nl-genres-netclub_magazine$", limit=5)
    keys.press("Space")
    expect(page.locator("#nl-genres-netclub_magazine")).to_be_checked()
    keys.tab_to("newsletter-save", limit=10)
    keys.press("Enter")
    expect(page.get_by_test_id("newsletter-notice")).to_contain_text("下書きを保存しました。")
    expect(page.get_by_test_id("newsletter-send")).to_be_enabled()  # (disabled buttons are no tab stops while the list reloads)
    keys.tab_to("^newsletter-send$", limit=10)
    keys.press("Enter")
    dialog = page.get_by_role("dialog", name="配信の確認")
    expect(dialog).to_be_visible()
    assert keys.is_on(".")["inDialog"]
    keys.tab_to("dialog-ok", limit=3)
    keys.press("Enter")
    expect(page.get_by_test_id("newsletter-notice")).to_contain_text("配信")
    expect(page.locator("dialog[open]")).to_have_count(0)
    assert keys.focused() is not None, "the focus is lost (on <body>) after the dialog closed"

    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    mine = [n for n in staff.get("/api/admin/newsletters").body["items"] if n["subject"] == subject]
    assert mine and mine[0]["status"] != "draft", mine
    record("staff-newsletter", "メールマガジンの配信（公社職員）", "staff", keys)
