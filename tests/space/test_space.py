"""Drive the real Space with gradio_client: prompt -> live API -> worker -> downloaded STEP."""

import pytest
from gradio_client import Client

from jobs.models import Block, BlockKind, Feedback, Job, JobStatus
from tests.space.conftest import CONTACT, start_space, stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# What the result step shows, in the Space's order (space/app.py's Shown)
SHOWN = [
    *("status", "model", "flat", "drawing", "step", "stl", "dxf", "svg"),
    *("drawing_pdf", "drawing_dxf", "drawing_svg", "link", "dimensions", "reading"),
    *("sizes", "spec", "script"),
]


def generate(
    space_url: str, prompt: str, session: str = "browser-1", output_type="auto", **headers
) -> dict:
    """What a visitor does: Generate (status until the job ends), then the result step."""
    client = Client(space_url, verbose=False, headers=headers or None)
    status, job_id, _ = client.predict(prompt, output_type, "auto", session, api_name="/generate")
    result = client.predict(job_id, [], api_name="/result")
    out = dict(zip([*SHOWN, "history", "past", "gallery"], result, strict=True))
    out["job_id"] = job_id
    if not job_id:  # refused before a job existed: the status line carries the message
        out["status"] = status
    return out


def _gallery(out: dict) -> list:
    return [(item["image"], item["caption"]) for item in out["gallery"]]


def step_size(path: str) -> list[float]:
    import build123d as bd

    box = bd.import_step(path).bounding_box()
    return [box.size.X, box.size.Y, box.size.Z]


def test_a_prompt_becomes_a_downloaded_step_file_of_the_right_size(space, space_key):
    out = generate(space, "a 120 x 70 mm mounting plate, 5 mm thick, with four 6 mm corner holes")
    assert out["status"].startswith("✅ **completed**"), out["status"]
    assert out["step"]["visible"] and out["stl"]["visible"] and not out["dxf"]["visible"]
    assert step_size(out["step"]["value"]) == pytest.approx([120, 70, 5], abs=1e-3)
    assert out["model"]["value"].endswith(".glb") and not out["flat"]["visible"]
    # the technical drawing: shown, and its three files offered
    sheet = out["drawing"]["value"]  # Gradio inlines an SVG as a data URL
    assert out["drawing"]["visible"] and sheet["orig_name"].endswith("-drawing.svg")
    assert sheet["url"].startswith("data:image/svg+xml,") and "FRONT%20VIEW" in sheet["url"]
    pdf = out["drawing_pdf"]
    assert pdf["visible"] and pdf["value"].endswith("-drawing.pdf")
    assert open(pdf["value"], "rb").read(5) == b"%PDF-"  # noqa: SIM115 - a test's quick look
    assert out["drawing_dxf"]["visible"] and out["drawing_svg"]["visible"]
    rows = {(row[0], row[2]): row[3] for row in out["dimensions"]["data"]}
    assert rows[("holes", "diameter")] == "hole_diameter = 6 mm"  # a named size
    assert ["edge_offset", 7] in out["sizes"]["data"]  # the named sizes, to edit
    assert out["spec"]["visible"] and out["spec"]["value"].endswith("-spec.json")
    assert out["script"]["visible"] and out["script"]["value"].endswith(".py")
    assert rows[("holes", "positions")].startswith("(-length / 2 + edge_offset, ")
    assert "- assumed holes 7 mm from the edges" in out["reading"]
    assert "**Not read:** nothing: every word was used" in out["reading"]
    assert out["link"]["value"] == f"{space.rstrip('/')}/?job={out['job_id']}"
    assert out["history"][0]["id"] == out["job_id"]
    assert [caption for _, caption in _gallery(out)] == ["a 120 x 70 mm mounting plate, 5 mm thick"]
    *reloaded, job_id, prompt = Client(space, verbose=False).predict(
        out["job_id"], api_name="/reload"
    )
    assert reloaded[0].startswith("✅ **completed**") and reloaded[SHOWN.index("step")]["visible"]
    assert (job_id, prompt) == (out["job_id"], out["history"][0]["prompt"])
    job = Job.objects.get(id=out["job_id"])
    assert job.client_session_id == "browser-1"
    assert job.api_key_id == space_key.id  # the Space spoke for its visitor with its key


def test_feedback_from_the_space_is_stored(space, space_key):
    out = generate(space, "a 40 mm cube")
    client = Client(space, verbose=False)
    thanks = client.predict("nice cube", out["job_id"], "browser-1", api_name="/feedback_up")
    assert thanks == "Thanks for the feedback!"
    feedback = Feedback.objects.get(job_id=out["job_id"])
    assert (feedback.client_key, feedback.rating, feedback.comment) == (
        "browser-1",
        "up",
        "nice cube",
    )


def test_only_the_visitor_who_generated_a_part_can_rate_it(space, space_key):
    out = generate(space, "a 44 mm cube", session="browser-a")
    other = Client(space, verbose=False)
    answer = other.predict("spam", out["job_id"], "browser-b", api_name="/feedback_down")
    assert answer.startswith("⚠️ That part is not one you generated")
    assert not Feedback.objects.exists()


def test_a_forged_forwarded_address_buys_no_fresh_limit(space, space_key, settings):
    settings.RATE_LIMITS["space_user"] = "2/h"
    # The platform's proxy appends the address it saw (198.51.100.50); the visitor writes
    # whatever it likes to the left of it, new each time.
    statuses = [
        generate(
            space,
            f"a {45 + i} mm cube",
            session=f"fresh-{i}",
            **{"X-Forwarded-For": f"10.{i}.0.1, 198.51.100.50"},
        )["status"]
        for i in range(3)
    ]
    assert [s.startswith("⚠️ You're going a bit fast") for s in statuses] == [False, False, True]


def test_a_prompt_the_interpreter_cannot_read_says_so_once(space, space_key):
    out = generate(space, "a poem about the sea")
    job = Job.objects.get(id=out["job_id"])
    assert out["status"] == f"⚠️ {job.error_text}"  # the API's own words, nothing added
    assert out["status"].count("could not") == 1 and "'poem about the sea'" in out["status"]
    assert out["step"]["visible"] is False


def test_counts_and_angles_are_not_lengths(space, space_key):
    out = generate(space, "an M8 hex nut")
    rows = {(row[0], row[2]): row[3] for row in out["dimensions"]["data"]}
    assert (rows[("body", "sides")], rows[("body", "across_flats")]) == (
        "6",
        "across_flats = 13 mm",  # a named size
    )


def test_a_flat_part_is_shown_as_its_outline_and_offers_its_dxf(space, space_key):
    out = generate(space, "a laser-cut plate 100 x 50 with four 5 mm holes")
    assert out["status"].startswith("✅ **completed**"), out["status"]
    assert out["flat"]["visible"] and not out["model"]["visible"]
    assert out["dxf"]["visible"] and not out["step"]["visible"]
    assert "as a flat outline (DXF)" in out["reading"]


def test_a_blocked_visitor_is_told_whom_to_contact(space, space_key):
    Block.objects.create(kind=BlockKind.SESSION, value="blocked-one", reason="spam")
    out = generate(space, "a 40 mm cube", session="blocked-one")
    assert out["status"] == (
        f"⚠️ This session can't create parts. If you think this is a mistake, contact {CONTACT}."
    )


def test_rate_limited_shows_the_wait(space, space_key, settings):
    settings.RATE_LIMITS["space_user"] = "1/h"
    generate(space, "a 41 mm cube", session="limited")
    out = generate(space, "a 42 mm cube", session="limited")
    assert out["status"].startswith("⚠️ You're going a bit fast. Please wait ")
    assert "seconds" in out["status"]


def test_overloaded_asks_to_come_back(space, space_key, settings, make_job):
    settings.MAX_QUEUE_DEPTH = 1
    make_job(JobStatus.QUEUED)
    out = generate(space, "a 43 mm cube")
    assert out["status"] == "⚠️ NaturalCAD is very busy right now. Please try again in 30 seconds."


def test_an_unreachable_api_is_a_message_not_a_trace(tmp_path):
    proc, url = start_space("http://127.0.0.1:9", tmp_path / "space.log")
    try:
        out = generate(url, "a 40 mm cube")
    finally:
        stop(proc)
    assert out["status"] == (
        "⚠️ We can't reach the NaturalCAD service right now. Please try again in a minute."
    )
