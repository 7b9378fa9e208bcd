"""A visitor in a real browser on the Space page, against a live API and a real worker.

One browser and one Space serve the whole module; each test is a fresh visitor.
"""

import io
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from jobs.models import Job
from tests.browser import needs_chromium, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]
PLATE = "a 120 x 70 mm mounting plate, 5 mm thick, with four 6 mm corner holes"
DONE = 60_000  # ms: a first build starts the geometry process


def generate(page: Page, prompt: str) -> None:
    page.get_by_label("Describe your part").fill(prompt)
    page.locator("#generate").click()


def finished(page: Page, text: str = "completed") -> None:
    expect(page.locator("#status")).to_contain_text(text, timeout=DONE)


def drawn(canvas, timeout: float = 30) -> None:
    """Until the viewer shows the part: a good share of its pixels far brighter than its
    dark ground (the viewer animates the model in; no event marks the end)."""
    deadline = time.monotonic() + timeout
    while True:
        grey = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("L"))
        ground = np.median(grey[:5])  # the top rows: nothing but the ground
        if (grey > ground + 80).mean() > 0.05:
            return
        assert time.monotonic() < deadline, "the part never showed in the viewer"
        canvas.page.wait_for_timeout(250)


def test_a_solid_shows_in_the_viewer_with_what_was_read(space, space_key, page):
    page.goto(space)
    expect(page.locator("#output-type input")).to_have_value("Auto")
    generate(page, PLATE)
    finished(page)
    canvas = page.locator("#preview canvas")
    expect(canvas).to_be_visible(timeout=30_000)
    expect(canvas).to_be_in_viewport()  # the result, with no scrolling
    expect(page.locator("#status")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Download STEP")).to_be_visible()
    reading = page.locator("#reading")
    expect(reading).to_contain_text("mounting plate, as a solid part")
    expect(reading).to_contain_text("assumed holes 7 mm from the edges")
    expect(reading).to_contain_text("Not read: nothing: every word was used")
    job = Job.objects.get()
    expect(page.locator("#link textarea, #link input")).to_have_value(re.compile(f"job={job.id}$"))
    expect(page.get_by_text(str(job.id), exact=True)).to_have_count(0)  # no raw id shown
    expect(page.locator("#dimensions")).to_contain_text("6 mm")
    expect(page.locator("#drawing img")).to_be_visible()  # the technical drawing's sheet
    drawn(canvas)
    screenshot(page, "space-solid")


def test_a_flat_part_is_shown_where_the_viewer_is(space, space_key, page):
    page.goto(space)
    generate(page, "a laser-cut plate 100 x 50 with four 5 mm holes")
    finished(page)
    expect(page.locator("#flat img")).to_be_visible()
    expect(page.locator("#flat img")).to_be_in_viewport()
    expect(page.locator("#preview")).to_be_hidden()
    expect(page.get_by_role("button", name="Download DXF")).to_be_visible()
    expect(page.get_by_role("button", name="Download STEP")).to_be_hidden()
    expect(page.locator("#reading")).to_contain_text("as a flat outline (DXF)")
    screenshot(page, "space-flat")


def test_a_refusal_is_said_once_in_the_apis_words(space, space_key, page):
    page.goto(space)
    generate(page, "a poem about the sea")
    finished(page, "could not read")
    status = page.locator("#status").inner_text()
    assert status.count("could not read") == 1 and "Something went wrong" not in status
    assert Job.objects.get().error_text in status
    expect(page.locator("#preview canvas")).to_have_count(0)
    screenshot(page, "space-refusal")


def test_a_partly_read_prompt_says_what_was_not_read(space, space_key, page):
    page.goto(space)
    generate(page, "a 40 mm cube painted blue and shiny")
    finished(page, "could not place")
    reading = page.locator("#reading")
    expect(reading).to_contain_text("Read: a 40 x 40 x 40 mm cube")
    expect(reading.get_by_role("listitem").filter(has_text="'painted'")).to_have_count(1)
    expect(reading.get_by_role("listitem").filter(has_text="'shiny'")).to_have_count(1)
    screenshot(page, "space-partly-read")


def test_an_example_fills_the_prompt_and_changes_no_choice(space, space_key, page):
    page.goto(space)
    flat_example = "a laser-cut plate 100 x 50 with four 5 mm holes"
    page.get_by_text(flat_example).first.click()
    expect(page.get_by_label("Describe your part")).to_have_value(flat_example)
    expect(page.locator("#output-type input")).to_have_value("Auto")
    expect(page.locator("#mode input")).to_have_value("Auto")
    generate(page, "a 40 mm cube")  # a later prompt: Auto reads it as the solid it is
    finished(page)
    expect(page.get_by_role("button", name="Download STEP")).to_be_visible()
    expect(page.locator("#preview canvas")).to_be_visible()
    assert Job.objects.get().output_type == "3d_solid"
    screenshot(page, "space-example-then-prompt")


def test_history_and_the_link_restore_the_part_and_its_prompt(space, space_key, page):
    page.goto(space)
    generate(page, "a 46 mm cube")
    finished(page)
    link = page.locator("#link textarea, #link input").input_value()
    page.get_by_text("Your parts in this browser").click()
    expect(page.locator("#gallery img").first).to_be_visible()  # kept in this browser
    page.reload()
    prompt = page.get_by_label("Describe your part")
    expect(prompt).to_have_value("")
    page.get_by_text("Your parts in this browser").click()
    page.locator("#gallery img").first.click()
    expect(prompt).to_have_value("a 46 mm cube")
    finished(page)
    drawn(page.locator("#preview canvas"))
    screenshot(page, "space-history")
    other = page.context.browser.new_page()  # another visitor, sent the link
    try:
        other.goto(link)
        expect(other.get_by_label("Describe your part")).to_have_value("a 46 mm cube")
        finished(other)
        drawn(other.locator("#preview canvas"))
    finally:
        other.close()


def test_editing_a_named_size_makes_the_next_version_with_its_files(space, space_key, page):
    """Change the plate's length in the table of named sizes, Update: the next version is
    built and shown, with its own spec and script to download."""
    page.goto(space)
    generate(page, PLATE)
    finished(page)
    first = Job.objects.get(version=1, prompt=PLATE)
    sizes = page.locator("#sizes")
    expect(sizes).to_contain_text("edge_offset")
    expect(page.locator("#versions")).to_contain_text("v1")  # the page's last step is done
    length = sizes.get_by_role("gridcell").filter(has_text=re.compile(r"^\s*120\s*$"))
    cell = sizes.get_by_test_id(str(length.get_attribute("data-testid")))  # where 120 was
    cell.click()
    expect(cell).to_have_attribute("aria-selected", "true")
    cell.dblclick()  # a selected cell opens for editing
    editor = cell.locator("input, textarea")
    expect(editor).to_be_visible()
    editor.fill("150")
    editor.press("Enter")
    expect(cell).to_contain_text("150")  # the table took the new value
    page.locator("#update").click()
    expect(page.locator("#versions")).to_contain_text("v2", timeout=DONE)
    finished(page)
    second = Job.objects.get(parent=first)
    assert (second.version, second.edit_json) == (2, {"length": 150})
    expect(page.locator("#link textarea, #link input")).to_have_value(
        re.compile(f"job={second.id}$")
    )
    expect(page.locator("#versions")).to_contain_text("length = 150")
    expect(sizes).to_contain_text("150")
    drawn(page.locator("#preview canvas"))
    with page.expect_download() as spec:
        page.get_by_role("button", name="Spec (JSON)").click()
    assert json.loads(Path(spec.value.path()).read_text())["dimensions"]["length"] == 150
    with page.expect_download() as script:
        page.get_by_role("button", name="build123d script").click()
    assert "import build123d as bd" in Path(script.value.path()).read_text()
    screenshot(page, "space-edit")
