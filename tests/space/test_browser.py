"""A real browser on the Space page: type a prompt, click Generate, see the 3D preview.

Uses Debian's Chromium (`.ci/run` installs it); without one these tests are skipped, and
`make test` says so loudly.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("NATURALCAD_CHROMIUM") or shutil.which("chromium")
SCREENSHOT = ROOT / ".data" / "screenshots" / "space-generate.png"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="BROWSER TESTS SKIPPED: no chromium on this machine"),
]
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


def test_typing_a_prompt_and_clicking_generate_shows_the_part(space, space_key):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(space)
        page.get_by_label("Describe your part").fill(
            "a 120 x 70 mm mounting plate, 5 mm thick, with four 6 mm corner holes"
        )
        page.locator("#generate").click()
        expect(page.locator("#status")).to_contain_text("completed", timeout=60_000)
        canvas = page.locator("#preview canvas")
        expect(canvas).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Download STEP")).to_be_visible()
        expect(page.locator("#drawing img")).to_be_visible()  # the technical drawing's sheet
        expect(page.get_by_role("button", name="Drawing (PDF)")).to_be_visible()
        expect(page.get_by_text("assumed holes 7 mm from the edges")).to_be_visible()
        # Let the viewer draw a frame: wait until the canvas has a non-empty size and paints.
        page.wait_for_function(
            "c => c.width > 0 && c.height > 0", arg=canvas.element_handle(), timeout=30_000
        )
        page.wait_for_timeout(1500)  # the viewer animates the model in; no event marks its end
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
    print(f"screenshot: {Path(SCREENSHOT)}")
