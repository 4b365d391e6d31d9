"""JIS X 8341-3:2016 AA (WCAG 2.1 AA) on every screen of the router (docs/product.md "ウェブアクセシビリティ方針", issue 27).

For each route of frontend/src/router.ts, as the visitor, the member or the staff who sees it:
- axe-core with the wcag2a/wcag2aa/wcag21a/wcag21aa rules, any impact, at 1280 and at 320 CSS px wide,
  and again in the states that matter (an error summary shown, a confirmation dialog open, the next step);
- at 320 px (400 % zoom, WCAG 1.4.10) nothing scrolls sideways, and at both widths no text is laid
  out one character per line (a squeezed table header, a button).
The routes come from the router itself: a route without a screen here fails `test_every_route_is_checked`.
What each area's walk measured is the section of the published test record (a11y_record.py).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import a11y_record
from tests.browser.conftest import _open_page
from tests.browser.support import ROOT, SHOTS, STAFF, WCAG_TAGS, Account, login, member_client, new_member, run_axe, upload_attachment
from tests.stackutil import Browserish, LocalStack

ROUTER = ROOT / "frontend" / "src" / "router.ts"
WIDE, NARROW = 1280, 320


def router_paths(source: str) -> list[str]:
    """Every route path of router.ts, children joined to their parent (`children: [...]` of the record before it)."""
    paths: list[str] = []
    parents: list[tuple[int, str]] = []  # (the bracket depth the children list closes at, the parent's path)
    depth = 0
    last = ""
    for m in re.finditer(r"path:\s*'([^']*)'|children:\s*\[|\[|\]", source):
        token = m.group(0)
        if m.group(1) is not None or token.startswith("path"):
            own = m.group(1)
            full = own if own.startswith("/") or not parents else (parents[-1][1].rstrip("/") + ("/" + own if own else ""))
            full = full or "/"
            paths.append(full)
            last = full
        elif token.startswith("children"):
            depth += 1
            parents.append((depth, last))
        elif token == "[":
            depth += 1
        else:
            if parents and parents[-1][0] == depth:
                parents.pop()
            depth -= 1
    return paths


REDIRECTS = {"/"}  # { path: '/', redirect: '/portal' } has no screen of its own


def test_router_paths_reads_nested_routes() -> None:
    source = """const routes = [
      { path: '/', redirect: '/portal' },
      { path: '/a', component: A, meta: { list: [1, 2] } },
      { path: '/admin', component: L, children: [ { path: '', component: H }, { path: 'x/:id', component: X } ] },
      { path: '/:pathMatch(.*)*', component: N },
    ]"""
    assert router_paths(source) == ["/", "/a", "/admin", "/admin", "/admin/x/:id", "/:pathMatch(.*)*"]


def test_the_record_cannot_say_what_was_not_measured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard of results.json: a section equal to the measurement passes; a hand-edited one, a future date or a
    missing section fails; recording writes the measurement, dated today."""
    path = tmp_path / "results.json"
    measured = {"kind": "screens", "area": "member", "screens": [{"route": "/portal", "violations": 0, "reflow": True}]}
    monkeypatch.setenv("NETCLUB_A11Y_RECORD", "1")
    monkeypatch.setattr(a11y_record, "LOCK", tmp_path / "lock")
    a11y_record.settle("screens-member", measured, path=path)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["sections"]["screens-member"] == {**measured, "tested_on": a11y_record.today()}

    monkeypatch.delenv("NETCLUB_A11Y_RECORD")
    a11y_record.settle("screens-member", measured, path=path)  # what was measured: passes
    with pytest.raises(AssertionError, match="no section 'screens-staff'"):
        a11y_record.settle("screens-staff", measured, path=path)
    lie = {**measured, "screens": [{"route": "/portal", "violations": 0, "reflow": True}, {"route": "/extra", "violations": 0, "reflow": True}]}
    with pytest.raises(AssertionError, match="not what the suite measured"):
        a11y_record.settle("screens-member", lie, path=path)  # the file claims fewer screens than measured, or the other way round
    edited = json.loads(path.read_text(encoding="utf-8"))
    edited["sections"]["screens-member"]["screens"][0]["violations"] = 0
    edited["sections"]["screens-member"]["tested_on"] = "2999-01-01"
    path.write_text(json.dumps(edited), encoding="utf-8")
    with pytest.raises(AssertionError, match="in the future"):
        a11y_record.settle("screens-member", measured, path=path)
    assert a11y_record.criteria_of(["wcag2a", "wcag111", "wcag1410", "wcag21aa", "cat.color"]) == ["1.1.1", "1.4.10"]


# --- the screens -------------------------------------------------------------------------------------


@dataclass
class World:
    """What the screens with an id in their path need: made over HTTP before the walk."""

    base: str
    member: Account
    pending: Account
    ids: dict[str, str]


@dataclass(frozen=True)
class State:
    name: str
    act: Callable[[Page, World], None]
    undo: Callable[[Page], None] | None = None


@dataclass(frozen=True)
class Screen:
    route: str  # as router.ts names it
    path: str  # the URL, {name} from World.ids
    states: tuple[State, ...] = field(default=())
    heading: str | None = None  # the h1 when it differs per state or must be waited for
    title: str | None = None  # the name on /accessibility, when the page title is not enough

    @property
    def shown_path(self) -> str:
        """The address as published: ids as :name, no query."""
        return re.sub(r"\{(\w+)\}", r":\1", self.path.split("?")[0])


def _errors_shown(page: Page) -> None:
    expect(page.locator("[aria-invalid='true'], [data-testid=error-summary]").first).to_be_visible()


def submit_empty(testid: str | None = None, *, text: str | None = None, clear: str | None = None) -> State:
    """入力エラー: the form sent as it is (or with a required field emptied): errors next to the fields."""

    def act(page: Page, _w: World) -> None:
        if clear:
            page.locator(clear).fill("")
        button = page.get_by_test_id(testid) if testid else page.locator("main button[type=submit]", has_text=text or "")
        button.first.click()
        _errors_shown(page)

    return State("入力エラー", act)


def _close_dialog(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("dialog[open]")).to_have_count(0)


def dialog(name: str, opener: Callable[[Page, World], Any]) -> State:
    """A confirmation dialog open (then closed with Esc)."""

    def act(page: Page, w: World) -> None:
        opener(page, w).click()
        expect(page.locator("dialog[open]")).to_be_visible()

    return State(name, act, _close_dialog)


def step(name: str, act: Callable[[Page, World], None]) -> State:
    return State(name, act)


def _login_mfa(page: Page, _w: World) -> None:
    page.locator("#f-email").fill(STAFF[0])
    page.locator("#f-password").fill(STAFF[1])
    page.get_by_test_id("login-submit").click()
    expect(page.locator("#f-code")).to_be_visible()


def _reset_sent(page: Page, _w: World) -> None:
    page.locator("#f-email").fill("nobody@example.jp")
    page.locator("#f-email_confirm").fill("nobody@example.jp")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()


def _inquiry_confirm(page: Page, _w: World) -> None:
    page.locator("#f-content").fill("アクセシビリティ試験の相談内容です。")
    page.get_by_test_id("inquiry-confirm").click()
    expect(page.get_by_role("heading", level=1, name="申請入力確認")).to_be_visible()


def _inquiry_done(page: Page, _w: World) -> None:
    page.get_by_test_id("inquiry-submit").click()
    expect(page.get_by_role("heading", level=1, name="申請完了")).to_be_visible()


def _profile_confirm(page: Page, _w: World) -> None:
    page.locator("#f-company_name").fill("株式会社アクセシビリティ試験")
    page.get_by_test_id("profile-confirm").click()
    expect(page.get_by_role("heading", level=1, name="My情報更新確認")).to_be_visible()


def _directory_results(page: Page, _w: World) -> None:
    page.get_by_test_id("directory-search").click()
    expect(page.get_by_test_id("directory-total").first).to_be_visible()


def _contact_error(page: Page, _w: World) -> None:
    page.get_by_test_id("contact-confirm").click()
    _errors_shown(page)


VISITOR = [
    Screen("/login", "/login", (submit_empty("login-submit"), step("2段階認証", _login_mfa))),
    Screen("/password-reset", "/password-reset", (submit_empty("reset-submit"), step("送信完了", _reset_sent))),
    Screen("/password-reset/confirm", "/password-reset/confirm?token=a11y", (submit_empty("reset-confirm-submit"),)),
    Screen("/register", "/register", (submit_empty("register-submit"),)),
    Screen("/register/confirm", "/register/confirm?token=a11y", (submit_empty("register-confirm"),)),
    Screen("/profile/email/confirm", "/profile/email/confirm?token=a11y"),
    Screen("/unsubscribe", "/unsubscribe?token=a11y"),
    Screen("/staff/invite", "/staff/invite?token=a11y", (submit_empty("staff-invite-submit"),)),
    Screen("/welcome", "/welcome?token=a11y", (submit_empty("welcome-submit"),)),
    Screen("/help", "/help"),
    Screen("/help/:screen", "/help/reservations"),
    Screen("/privacy", "/privacy"),
    Screen("/accessibility", "/accessibility"),
    Screen("/:pathMatch(.*)*", "/no-such-page"),
]

MEMBER = [
    Screen("/portal", "/portal", (dialog("ログアウト確認", lambda p, _w: p.get_by_test_id("header-logout")),)),
    Screen("/inquiry", "/inquiry"),
    Screen(
        "/inquiry/:kindId",
        "/inquiry/{kind}",
        (submit_empty("inquiry-confirm"), step("確認", _inquiry_confirm), step("完了", _inquiry_done)),
        heading="申請入力",
    ),
    Screen("/inquiries/:id", "/inquiries/{inquiry}"),
    Screen("/password", "/password", (submit_empty("password-submit"),)),
    Screen("/events", "/events"),
    Screen("/videos", "/videos"),
    Screen("/reservations", "/reservations"),
    Screen("/reservations/:id", "/reservations/{reservation}", (dialog("キャンセル確認", lambda p, _w: p.get_by_test_id("reservation-cancel")),)),
    Screen("/reservations/:id/change", "/reservations/{reservation}/change"),
    Screen("/offerings", "/offerings"),
    Screen("/offerings/:id", "/offerings/{offering}"),
    Screen("/history", "/history"),
    Screen("/directory", "/directory", (step("検索結果", _directory_results),)),
    Screen("/directory/:companyId", "/directory/{company}"),
    Screen("/directory/:companyId/contact", "/directory/{company}/contact", (step("入力エラー", _contact_error),)),
    Screen("/profile", "/profile"),
    Screen("/profile/edit", "/profile/edit", (submit_empty("profile-confirm", clear="#f-company_name"), step("確認", _profile_confirm)), heading="My情報更新"),
    Screen("/profile/withdrawal", "/profile/withdrawal", (submit_empty("withdrawal-submit"),)),
]

STAFF_SCREENS = [
    Screen("/admin", "/admin"),
    Screen(
        "/admin/members",
        "/admin/members",
        (dialog("承認確認", lambda p, w: p.locator(f"tr[data-email='{w.pending.email}']").get_by_test_id("approve")),),
    ),
    Screen("/admin/members/:id", "/admin/members/{member}", (dialog("利用停止確認", lambda p, _w: p.get_by_test_id("member-suspend")),)),
    Screen("/admin/offerings", "/admin/offerings", (submit_empty(text="登録"),)),
    Screen(
        "/admin/offerings/:id",
        "/admin/offerings/{offering}",
        (dialog("削除確認", lambda p, _w: p.locator("section[aria-labelledby=edit-title]").get_by_role("button", name="削除")),),
    ),
    Screen("/admin/content/:kind", "/admin/content/events", (submit_empty(text="登録"),), title="コンテンツ管理（イベント）"),
    Screen("/admin/content/:kind", "/admin/content/notices", title="コンテンツ管理（お知らせ）"),
    Screen("/admin/content/:kind", "/admin/content/videos", title="コンテンツ管理（動画）"),
    Screen("/admin/content/:kind", "/admin/content/inquiry-kinds", title="コンテンツ管理（お問い合わせ種類）"),
    Screen("/admin/inquiries", "/admin/inquiries"),
    Screen("/admin/inquiries/:id", "/admin/inquiries/{inquiry}", (submit_empty(text="回答を送信"),)),
    Screen("/admin/newsletters", "/admin/newsletters", (submit_empty("newsletter-save"),)),
    Screen("/admin/exports", "/admin/exports"),
    Screen("/admin/mail-outbox", "/admin/mail-outbox"),
    Screen("/admin/audit-log", "/admin/audit-log"),
    Screen("/admin/member-imports", "/admin/member-imports"),
    Screen("/admin/staff", "/admin/staff", (submit_empty("staff-submit"),)),
    Screen("/admin/departments", "/admin/departments", (submit_empty("department-submit"),)),
]

AREAS = {"visitor": VISITOR, "member": MEMBER, "staff": STAFF_SCREENS}


def test_every_route_is_checked() -> None:
    """Each route of the router has a screen in this walk (a new screen cannot be forgotten), and no screen names a route that is gone."""
    routes = set(router_paths(ROUTER.read_text(encoding="utf-8"))) - REDIRECTS
    covered = {s.route for screens in AREAS.values() for s in screens}
    assert sorted(routes - covered) == [], "routes with no accessibility check: add them to AREAS"
    assert sorted(covered - routes) == [], "screens for routes the router no longer has"
    assert len(routes) > 45


# --- measuring ---------------------------------------------------------------------------------------

# Text laid out one character per line: a line box per character, each narrower than two characters
# (a column squeezed to nothing at 320 px, or 定員 / 空き headers even at 1280 px). Hidden text
# (screen-reader-only captions, clipped to 1 px) is skipped.
PER_CHARACTER = """() => {
  const hidden = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if ((s.clip && s.clip !== 'auto') || (s.clipPath && s.clipPath !== 'none')) return true;
    }
    return false;
  };
  const found = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.replace(/\\s+/g, '');
    const chars = [...text].length;
    if (chars < 2 || !n.parentElement || hidden(n.parentElement)) continue;
    range.selectNodeContents(n);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    const lines = new Set(rects.map((r) => Math.round(r.top))).size;
    const size = parseFloat(getComputedStyle(n.parentElement).fontSize) || 16;
    if (lines >= 2 && lines >= chars - 1 && Math.max(...rects.map((r) => r.width)) < 1.8 * size) {
      found.push(text.slice(0, 20) + ' <' + n.parentElement.tagName.toLowerCase() + '>');
    }
  }
  return found;
}"""

SETTLE = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


@dataclass
class Measured:
    screens: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    reflow: list[str] = field(default_factory=list)
    rules: dict[str, list[str]] = field(default_factory=dict)
    version: str = ""


def _axe(page: Page, m: Measured, where: str) -> int:
    result = run_axe(page)
    m.version = result["version"]
    m.rules.update(result["rules"])  # the same every screen: axe lists the rules that did not apply too
    for v in result["violations"]:
        m.violations.append(f"{where}: {v['id']} ({v['impact']}) {v['help']}\n      " + "\n      ".join(v["nodes"]))
    return len(result["violations"])


def _per_character(page: Page, m: Measured, where: str) -> bool:
    squeezed = page.evaluate(PER_CHARACTER)
    if squeezed:
        m.reflow.append(f"{where}: one character per line: {squeezed[:6]}")
    return not squeezed


def walk(page: Page, world: World, screens: list[Screen], shots: dict[str, str] | None = None) -> Measured:
    m = Measured()
    for screen in screens:
        url = world.base + screen.path.format(**world.ids)
        where = screen.path
        page.set_viewport_size({"width": WIDE, "height": 900})
        page.goto(url)
        heading = page.get_by_role("heading", level=1, name=screen.heading) if screen.heading else page.locator("h1").first
        expect(heading).to_be_visible()
        page.wait_for_load_state("networkidle")
        parts = page.title().split("｜")  # "<meta title>｜企業Myポータル｜…", after a page's own prefix (企業詳細: the company's name)
        title = screen.title or (parts[-3] if len(parts) >= 3 else parts[0])
        assert page.locator("footer a[href='/accessibility']").count() == 1, f"{where}: no ウェブアクセシビリティ方針 link in the footer"
        found = _axe(page, m, f"{where} @{WIDE}px")
        ok = _per_character(page, m, f"{where} @{WIDE}px")
        if shots and screen.path in shots:
            page.screenshot(path=str(SHOTS / f"a11y-{shots[screen.path]}-{WIDE}.png"), full_page=True)

        page.set_viewport_size({"width": NARROW, "height": 800})
        page.evaluate(SETTLE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW:
            m.reflow.append(f"{where}: scrolls sideways at {NARROW}px (scrollWidth {width})")
            ok = False
        ok = _per_character(page, m, f"{where} @{NARROW}px") and ok
        found += _axe(page, m, f"{where} @{NARROW}px")
        if shots and screen.path in shots:
            page.screenshot(path=str(SHOTS / f"a11y-{shots[screen.path]}-{NARROW}.png"), full_page=True)

        page.set_viewport_size({"width": WIDE, "height": 900})
        page.evaluate(SETTLE)
        for state in screen.states:
            state.act(page, world)
            found += _axe(page, m, f"{where} [{state.name}]")
            if state.undo:
                state.undo(page)
        m.screens.append(
            {"route": screen.route, "path": screen.shown_path, "title": title, "states": [s.name for s in screen.states], "violations": found, "reflow": ok}
        )
    return m


def settle_area(area: str, m: Measured) -> None:
    """Fail on what the walk found, and keep the published record (frontend/src/accessibility/results.json) equal to it."""
    section = {
        "kind": "screens",
        "area": area,
        "axe_version": m.version,
        "tags": list(WCAG_TAGS),
        "widths": [WIDE, NARROW],
        "rules": sorted(m.rules),
        "criteria": a11y_record.criteria_of([t for tags in m.rules.values() for t in tags]),
        "reflow_criteria": ["1.4.10"],
        "screens": m.screens,
    }
    problems = m.violations + m.reflow
    if a11y_record.recording():
        a11y_record.settle(f"screens-{area}", section)
    assert not problems, f"{len(problems)} accessibility problems on the {area} screens:\n" + "\n".join(problems)
    a11y_record.settle(f"screens-{area}", section)


# --- the walks ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(local_stack: LocalStack) -> World:
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    member = new_member(local_stack, company="株式会社アクセシビリティ", name="点検花子")
    pending = new_member(local_stack, approve=False, company="株式会社承認待ち点検", name="承認待ち")
    client = member_client(local_stack, member)
    # a 設備 row in My情報 (the row whose button axe found named apart from its text, WCAG 2.5.3)
    profile = client.get("/api/profile").body
    profile["equipment"] = [{"capability_class": "加工", "name": "NC旋盤", "domestic": True, "maker": "試験製作所", "count": 2, "note": ""}]
    saved = client.put("/api/profile", profile)
    assert saved.status == 200, saved.body
    offering, slot = _open_seminar(client)
    booked = client.post("/api/reservations", {"offering_id": offering, "slot_id": slot}, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert booked.status == 201, booked.body
    kind = client.get("/api/inquiry-kinds").body["items"][0]["id"]
    attachment = upload_attachment(client, "点検資料.txt", "点検".encode(), "text/plain")
    inquiry = client.post(
        "/api/inquiries",
        {"kind_id": kind, "content": "画面の点検のための相談です。", "attachment_ids": [attachment]},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert inquiry.status == 201, inquiry.body
    company = client.get("/api/directory").body["items"][0]["company_id"]
    ids = {
        "kind": kind,
        "inquiry": inquiry.body["id"],
        "reservation": booked.body["id"],
        "offering": offering,
        "company": company,
        "member": member.member_id,
    }
    return World(local_stack.url, member, pending, ids)


def _open_seminar(client: Browserish) -> tuple[str, str]:
    for o in client.get("/api/offerings").body["items"]:
        if o["kind"] != "seminar":
            continue
        for s in client.get(f"/api/offerings/{o['id']}").body["slots"]:
            if s["seats_left"] > 1:
                return o["id"], s["id"]
    raise AssertionError("no seminar with free seats in the demo data")


@pytest.fixture
def wide_page(browser: Browser) -> Iterator[Page]:
    with _open_page(browser, WIDE, 900) as pg:
        yield pg


def _timed(area: str, fn: Callable[[], Measured]) -> Measured:
    started = time.monotonic()
    m = fn()
    print(f"{area}: {len(m.screens)} screens in {time.monotonic() - started:.1f}s")
    return m


def test_visitor_screens(world: World, wide_page: Page) -> None:
    settle_area("visitor", _timed("visitor", lambda: walk(wide_page, world, VISITOR)))


def test_member_screens(world: World, wide_page: Page) -> None:
    login(wide_page, world.base, world.member.email, world.member.password)
    settle_area("member", _timed("member", lambda: walk(wide_page, world, MEMBER)))


def test_staff_screens(world: World, wide_page: Page) -> None:
    login(wide_page, world.base, *STAFF)
    shots = {"/admin": "admin-home", "/admin/offerings/{offering}": "admin-offering"}
    settle_area("staff", _timed("staff", lambda: walk(wide_page, world, STAFF_SCREENS, shots)))
