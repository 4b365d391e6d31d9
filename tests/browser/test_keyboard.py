"""Keyboard-only use: log in, send an inquiry and log out with Tab, typing, Enter and Esc only.

No click and no locator-driven fill: every step moves focus with Tab (from wherever the previous
step left it) and checks that the focused control is the expected one and shows the focus ring.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.support import new_member, shot
from tests.stackutil import LocalStack

FOCUSED = """() => {
  const el = document.activeElement
  if (!el || el === document.body) return null
  const style = getComputedStyle(el)
  return {
    id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 60),
    testid: el.getAttribute('data-testid') || el.closest('[data-testid]')?.getAttribute('data-testid') || '',
    label: el.getAttribute('aria-label') || '',
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    inDialog: !!el.closest('dialog[open]'),
  }
}"""


def tab_to(page: Page, what: str, limit: int = 40, *, key: str = "Tab") -> dict[str, object]:
    """Press Tab until the focused element's id, test id, text or aria-label matches `what`."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        el = page.evaluate(FOCUSED)
        if el is None:
            continue
        seen.append(el["id"] or el["testid"] or el["text"])
        if any(re.search(what, str(el[k])) for k in ("id", "testid", "text", "label")):
            assert el["ring"], f"no visible focus ring on {el}"
            return el  # type: ignore[no-any-return]
    raise AssertionError(f"{what!r} not reached with {key} in {limit} presses; focus went through {seen}")


def test_keyboard_only_login_inquiry_and_logout(local_stack: LocalStack, page: Page) -> None:
    acct = new_member(local_stack)
    base = local_stack.url
    page.goto(f"{base}/login")

    # the first Tab lands on the skip link, which moves focus to the main area
    first = tab_to(page, "本文へ移動", limit=1)
    assert first["tag"] == "a"
    page.keyboard.press("Enter")
    tab_to(page, "^f-email")
    page.keyboard.type(acct.email)
    tab_to(page, "^f-password", limit=3)
    page.keyboard.type(acct.password)
    page.keyboard.press("Enter")  # submits the form
    expect(page.get_by_test_id("login-info")).to_be_visible()

    # portal menu → お問い合わせ (after a navigation the focus starts at the new page's heading)
    tab_to(page, "menu-inquiry")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="お問い合わせ")).to_be_focused()
    tab_to(page, "のお問い合わせフォームへ")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="申請入力")).to_be_focused()
    tab_to(page, "^f-content$")
    page.keyboard.type("キーボードだけで相談内容を入力しました。")
    expect(page.get_by_test_id("char-counter")).to_have_attribute("data-count", "20")
    tab_to(page, "inquiry-confirm")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="申請入力確認")).to_be_focused()
    tab_to(page, "inquiry-submit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="申請完了")).to_be_visible()
    shot(page, "kb-inquiry-done")

    # ログアウト: the dialog takes the focus, Esc closes it and gives the focus back
    tab_to(page, "header-logout", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="ログアウト確認")).to_be_visible()
    assert page.evaluate(FOCUSED)["inDialog"]
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert page.evaluate(FOCUSED)["testid"] == "header-logout"
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="ログアウト確認")).to_be_visible()
    ok = tab_to(page, "dialog-ok", limit=3)
    assert ok["inDialog"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))

    member = local_stack.client()
    assert member.login(acct.email, acct.password).status == 200
    [sent] = member.get("/api/inquiries").body["items"]
    assert sent["content"] == "キーボードだけで相談内容を入力しました。"
