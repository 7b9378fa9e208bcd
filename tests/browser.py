"""A real browser for the page tests: Debian's Chromium, headless, shared by a test module.

Without a Chromium these tests are skipped, and `make test` says so loudly. Each test keeps a
screenshot under `.data/screenshots/` (the README shows some of them).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("NATURALCAD_CHROMIUM") or shutil.which("chromium")
SCREENSHOTS = ROOT / ".data" / "screenshots"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM, reason="BROWSER TESTS SKIPPED: no chromium on this machine"
)
# The flags a root, offline, GPU-less machine needs; SwiftShader gives WebGL without a GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
# A laptop's window: what a visitor sees without scrolling is what fits in it.
VIEWPORT = {"width": 1366, "height": 860}


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module's tests (a launch costs about a second)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which Django takes for an
    # async context and so refuses the ORM calls the tests make between clicks; only while
    # the module's browser is up.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    """A fresh visitor: its own context, so nothing (history, session) carries over."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


def screenshot(page, name: str, full_page: bool = False) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5_000  # a page, not a blank
    return path
