"""Helpers for the browser suite: Chromium, axe-core, screenshots, accounts made over HTTP."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.stackutil import Browserish, LocalStack, presigned_post

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
DIST = ROOT / "frontend" / "dist" / "index.html"
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=ja-JP"]  # ja: date inputs as yyyy/mm/dd

STAFF = ("staff@netclub.example", "Staff#2026pass")
DEMO = ("chushojiro@netclub.example", "Demo#2026pass")


CSP_WATCH = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__netclubCspViolation(`${location.pathname}: ${e.effectiveDirective} refused ${e.blockedURI || 'inline'}`
    + ` (${e.sourceFile || '-'}:${e.lineNumber}) ${e.sample || ''}`);
});
"""


def watch_csp(ctx: BrowserContext) -> list[str]:
    """Every Content-Security-Policy violation in this context's pages (the securitypolicyviolation event),
    collected from the first script on; the list fills as the pages run."""
    violations: list[str] = []
    ctx.expose_binding("__netclubCspViolation", lambda _source, text: violations.append(str(text)))
    ctx.add_init_script(CSP_WATCH)
    return violations


# JIS X 8341-3:2016 level AA = WCAG 2.1 AA: every rule axe tags with these, whatever the impact (docs/product.md "ウェブアクセシビリティ方針")
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

AXE_RUN = r"""async (wcag) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: [...wcag, 'best-practice']}, resultTypes: ['violations']});
  const isWcag = (v) => v.tags.some((t) => wcag.includes(t));
  return {
    version: axe.version,
    // the WCAG rules that ran on this screen (applicable or not) and the success criteria each tests (wcag143 → 1.4.3), for the test record
    rules: Object.fromEntries([...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].filter(isWcag)
      .map((v) => [v.id, v.tags.filter((t) => /^wcag\d{3,}$/.test(t))])),
    violations: r.violations
      .filter((v) => isWcag(v) || v.impact === 'serious' || v.impact === 'critical')  // best practices: the serious ones
      .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.html.slice(0, 200))})),
  };
}"""


def run_axe(page: Page) -> dict[str, Any]:
    """axe-core on the current screen: the WCAG 2.1 A/AA rules at any impact, best practices when serious or critical.
    Returns {version, rules: {rule id: its criterion tags}, violations}."""
    # evaluated over the DevTools protocol: an injected inline <script> would be refused by the portal's CSP
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN, list(WCAG_TAGS))  # type: ignore[no-any-return]


def check_axe(page: Page, name: str) -> None:
    """axe-core on the current screen: no WCAG 2.1 A/AA violation of any impact, no serious or critical best-practice one."""
    result = run_axe(page)["violations"]
    assert result == [], f"axe on {name}: " + json.dumps(result, ensure_ascii=False, indent=1)


def shot(page: Page, name: str, *, axe: bool = True) -> None:
    """Screenshot to artifacts/screenshots/<name>.png, then the axe check."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if axe:
        check_axe(page, name)


def login(page: Page, base: str, email: str, password: str, totp_secret: str | None = None) -> None:
    """The login screen; for a staff account (the demo admin, or one whose secret is given) then 2段階認証 with
    the authenticator app's code."""
    if email == STAFF[0] and totp_secret is None:  # the demo admin: the stack's shared staff session (tests/stackutil.py)
        shared = Browserish(base)
        assert shared.login(email, password).status == 200
        page.context.add_cookies([{"name": c.name, "value": c.value or "", "url": base, "httpOnly": True, "sameSite": "Strict"} for c in shared.jar])
        page.goto(f"{base}/admin")
        expect(page.get_by_test_id("login-info")).to_be_visible()
        return
    page.goto(f"{base}/login")
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(password)
    page.get_by_test_id("login-submit").click()
    if totp_secret or email == STAFF[0]:
        from tests import second_factor

        expect(page.locator("#f-code")).to_be_visible()
        page.locator("#f-code").fill(second_factor.next_code(base, totp_secret or second_factor.DEMO_TOTP_SECRET))
        page.get_by_test_id("mfa-submit").click()
    expect(page.get_by_test_id("login-info")).to_be_visible()


def mail_link(stack: LocalStack, to: str, subject_part: str, path: str) -> str:
    mail = stack.wait_for_mail(to, subject_part)
    found = re.search(re.escape(stack.url + path) + r"\?token=\S+", mail["body"])
    assert found, f"no {path} link in {mail['subject']}"
    return found.group(0)


@dataclass
class Account:
    email: str
    password: str
    member_id: str


def new_member(stack: LocalStack, *, approve: bool = True, company: str = "株式会社テスト工業", name: str = "試験花子") -> Account:
    """A fresh member made over HTTP (registration → confirm → staff approval), so the walk never touches the demo data."""
    email = f"browser-{uuid.uuid4().hex[:10]}@example.jp"
    password = "Walk#2026pass"
    visitor = stack.client()
    assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    link = mail_link(stack, email, "会員登録", "/register/confirm")
    token = link.split("token=", 1)[1]
    profile: dict[str, Any] = {
        "corporate_type": "corporation",
        "company_name": company,
        "office_name": "本社",
        "industry": {"major": "E", "middle": "24"},
        "capital_thousand_yen": 10000,
        "employees": {"total": 12},
        "user": {"name": name, "name_kana": "シケンハナコ", "phone": "03-1234-5678"},
        "subscriptions": {"mail_magazine": True, "mail_magazine_genres": ["netclub_magazine"]},
    }
    created = visitor.post("/api/registrations/confirm", {"token": token, "password": password, "password_confirm": password, "profile": profile})
    if created.status != 201:  # JSIC codes differ: fall back to a 個人事業者 profile
        profile = {"corporate_type": "sole_proprietor", "company_name": company, "user": profile["user"], "subscriptions": profile["subscriptions"]}
        created = visitor.post("/api/registrations/confirm", {"token": token, "password": password, "password_confirm": password, "profile": profile})
    assert created.status == 201, created.body
    member_id = created.body["member_id"]
    if approve:
        staff = stack.client()
        assert staff.login(*STAFF).status == 200
        assert staff.post(f"/api/admin/members/{member_id}/approve").status == 200
    return Account(email, password, member_id)


def member_client(stack: LocalStack, acct: Account) -> Browserish:
    """The member's own HTTP session (for setting up state the test does not walk through)."""
    client = stack.client()
    assert client.login(acct.email, acct.password).status == 200
    return client


def upload_attachment(client: Browserish, filename: str, data: bytes, content_type: str) -> str:
    """POST /api/attachments, then the file to the presigned POST as a browser's FormData sends it; the attachment id."""
    started = client.post("/api/attachments", {"filename": filename, "content_type": content_type, "size": len(data)})
    assert started.status == 201, started.body
    presigned_post(started.body["upload"], data, content_type)
    return str(started.body["attachment_id"])
