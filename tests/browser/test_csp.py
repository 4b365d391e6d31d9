"""The front end under template.yaml's Content-Security-Policy (the local stack sends the CloudFront headers).

Every browser test fails on a CSP violation (conftest `_open_page`); these walk the main screens of a
member and of the staff on purpose, and prove the watcher itself sees a violation.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from local import cfn
from tests.browser.support import DEMO, STAFF, login, watch_csp
from tests.stackutil import LocalStack

MEMBER_SCREENS = [
    "/portal",
    "/events",
    "/videos",
    "/offerings",
    "/reservations",
    "/history",
    "/profile",
    "/profile/edit",
    "/inquiry",
    "/password",
    "/help",
    "/privacy",
]
STAFF_SCREENS = [
    "/admin",
    "/admin/members",
    "/admin/offerings",
    "/admin/content/events",
    "/admin/content/videos",
    "/admin/content/notices",
    "/admin/inquiries",
    "/admin/mail-outbox",
    "/admin/audit-log",
]


def _template_csp() -> re.Pattern[str]:
    """The front end's CSP as template.yaml writes it, each ${...} (the bucket's names) any host name."""
    policy = cfn.load()["Resources"]["FrontendHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    text = str(policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"])
    return re.compile("[^ ;]+".join(re.escape(part) for part in re.split(r"\$\{[^}]+\}", text)))


def _walk(page: Page, base: str, screens: list[str]) -> None:
    for path in screens:
        response = page.goto(f"{base}{path}")
        assert response is not None
        csp = response.headers.get("content-security-policy", "")
        assert _template_csp().fullmatch(csp), f"{path}: {csp!r}"
        expect(page.locator("main h1").first).to_be_visible()
        page.wait_for_load_state("networkidle")


def test_member_screens_run_under_the_csp(local_stack: LocalStack, page: Page) -> None:
    login(page, local_stack.url, *DEMO)
    _walk(page, local_stack.url, MEMBER_SCREENS)
    # the calendar's styles, added through the CSSOM into the one empty <style> the policy admits
    page.goto(f"{local_stack.url}/events")
    expect(page.locator(".fc").first).to_be_visible()
    rules = page.evaluate("document.querySelector('style[data-fullcalendar]')?.sheet?.cssRules.length ?? 0")
    assert rules > 100, f"FullCalendar's styles are missing ({rules} rules)"


def test_staff_screens_run_under_the_csp(local_stack: LocalStack, page: Page) -> None:
    login(page, local_stack.url, *STAFF)
    expect(page).to_have_url(re.compile(r"/admin$"))
    _walk(page, local_stack.url, STAFF_SCREENS)


def test_the_watcher_sees_a_violation(local_stack: LocalStack, browser: Browser) -> None:
    """An inline <style> and an inline script are refused, and reported: the watcher is not blind."""
    ctx = browser.new_context()
    try:
        violations = watch_csp(ctx)
        page = ctx.new_page()
        page.goto(f"{local_stack.url}/login")
        expect(page.locator("#f-email")).to_be_visible()
        page.evaluate("""() => {
          const style = document.createElement('style'); style.textContent = 'body { color: red }'; document.head.append(style);
          const script = document.createElement('script'); script.textContent = 'window.inlineRan = true'; document.head.append(script);
        }""")
        page.wait_for_timeout(300)  # the violation events reach Python over the binding
        assert page.evaluate("window.inlineRan === undefined")
        assert any("style-src" in v for v in violations), violations
        assert any("script-src" in v for v in violations), violations
    finally:
        ctx.close()
