"""Browser suite: the front end in headless Chromium (Debian's `chromium`) against the local stack.

The stack comes from the `local_stack` fixture (tests/conftest.py), started as `make dev` starts it;
it serves the built front end (frontend/dist), so `make test` builds the front end first.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.support import AXE, CHROMIUM, CHROMIUM_ARGS, DIST, watch_csp

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import Browser, Page, Playwright, sync_playwright
except ImportError:  # pragma: no cover - the dev requirements install it
    sync_playwright = None


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "chromium is not installed (apt-get install chromium; `make test` does it)"
    if not DIST.exists():
        return "the front end is not built (cd frontend && npm ci && npm run build; `make test` does it)"
    if not AXE.exists():
        return "axe-core is missing (cd frontend && npm ci)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = _skip_reason()
    if reason and os.environ.get("NETCLUB_BROWSER_REQUIRED") == "1":  # `make test` sets it: never green without the browser suite
        raise pytest.UsageError(f"browser suite cannot run: {reason}")
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    assert sync_playwright is not None
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    b = playwright_instance.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


@contextmanager
def _open_page(browser: Browser, width: int, height: int, *, mobile: bool = False, fail_on_js_errors: bool = True) -> Iterator[Page]:
    """A page in its own browser context (own cookies), Japanese locale and Tokyo time.

    The local stack serves the front end with template.yaml's Content-Security-Policy: any violation
    (an inline script or style, a source the policy does not name) fails the test, on every screen."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP", timezone_id="Asia/Tokyo", is_mobile=mobile, has_touch=mobile)
    ctx.set_default_timeout(15_000)
    csp_violations = watch_csp(ctx)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)
    if fail_on_js_errors:
        assert not errors, "JavaScript errors: " + "; ".join(errors)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with _open_page(browser, 1280, 900) as pg:
        yield pg


@pytest.fixture
def member_page(browser: Browser) -> Iterator[Page]:
    """A second browser (its own cookies) for the member, beside the staff's `page`."""
    with _open_page(browser, 1280, 900) as pg:
        yield pg


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    with _open_page(browser, 360, 740, mobile=True, fail_on_js_errors=False) as pg:
        yield pg
