"""NaturalCAD on a Hugging Face Space: a sentence in, a 3D preview and CAD files out.

It talks to the NaturalCAD API over HTTP only (NATURALCAD_API_URL, NATURALCAD_API_KEY) and
holds no other secret. It forwards each visitor's IP and a per-browser session id, so the
API's limits apply to each person rather than to the Space as a whole.
"""

import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from datetime import datetime
from typing import Any, NamedTuple

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from api_client import FINAL, ApiProblem, NaturalCadApi, failure_message, local_path

logger = logging.getLogger("naturalcad.space")
API = NaturalCadApi(
    os.environ.get("NATURALCAD_API_URL", "http://127.0.0.1:8000"),
    os.environ.get("NATURALCAD_API_KEY", ""),
)
# Proxies of the hosting platform in front of this app, each appending the address it saw to
# X-Forwarded-For (one on Hugging Face Spaces; `make run` sets 0: nothing in front).
TRUSTED_PROXIES = int(os.environ.get("SPACE_TRUSTED_PROXIES", "1"))
POLL_SECONDS = 0.5
GIVE_UP_SECONDS = 300
FLAT = {"2d_vector", "1d_path"}
EXAMPLES = [
    ["a 40 mm cube", "3d_solid", "part"],
    ["a 120 x 70 mm mounting plate, 5 mm thick, with four 6 mm corner holes", "3d_solid", "part"],
    ["a cylinder 20 mm diameter, 30 mm tall", "3d_solid", "part"],
    ["a spacer 12 mm OD, 6.5 mm ID, 8 mm long", "3d_solid", "part"],
    [
        "round flange 120 mm diameter, 12 mm thick, 40 mm bore, six 10 mm bolt holes on a 90 mm "
        "bolt circle",
        "3d_solid",
        "part",
    ],
    ["an L bracket 50 x 40 x 5 mm, 30 mm wide", "3d_solid", "part"],
    ["an M8 hex nut", "3d_solid", "part"],
    ["a laser-cut plate 100 x 50 with four 5 mm holes", "2d_vector", "sketch"],
    ["a route centreline 300 mm long with 3 jogs", "1d_path", "sketch"],
]
STEPS = {"submitted": 1, "validated": 1, "queued": 2, "running": 3, "completed": 4}


def end_user_ip(request: gr.Request | None) -> str:
    """The visitor's address as the platform's proxy saw it: the X-Forwarded-For hop that the
    outermost of TRUSTED_PROXIES appended, counted from the right. Every hop to its left is
    whatever the visitor sent. With no proxy (locally), the socket peer. "" when there is
    none: the API then limits the visitor by session instead."""
    if request is None:
        return ""
    if TRUSTED_PROXIES == 0:
        return request.client.host if request.client else ""
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    return hops[-TRUSTED_PROXIES] if len(hops) >= TRUSTED_PROXIES else ""


class JobSecrets:
    """The secret the API returned for each job this Space created, by visitor session: only
    the visitor who generated a part can rate it. In memory and bounded (oldest forgotten)."""

    def __init__(self, capacity: int = 10_000):
        self.capacity = capacity
        self.secrets: OrderedDict[tuple[str, str], str] = OrderedDict()
        self.lock = threading.Lock()

    def keep(self, session_id: str, job: dict) -> None:
        if not job.get("secret"):
            return
        with self.lock:
            self.secrets[(session_id, job["id"])] = job["secret"]
            while len(self.secrets) > self.capacity:
                self.secrets.popitem(last=False)

    def get(self, session_id: str, job_id: str) -> str:
        with self.lock:
            return self.secrets.get((session_id, job_id), "")


SECRETS = JobSecrets()


def progress_line(status: str, elapsed: float) -> str:
    step = STEPS.get(status, 0)
    bar = "▰" * step + "▱" * (4 - step)
    return f"{bar} **{status}** · {elapsed:.1f} s"


def readable(value) -> str:
    if isinstance(value, int | float):
        return f"{value:g} mm"
    if isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
        return "; ".join(f"({x:g}, {y:g})" for x, y in value)
    return str(value)


def dimension_rows(spec: dict | None) -> list[list]:
    rows = []
    for feature in (spec or {}).get("geometry", {}).get("features", []):
        for key, value in feature.items():
            if key in ("name", "feature_type"):
                continue
            rows.append([feature.get("name", ""), feature["feature_type"], key, readable(value)])
    return rows


def assumptions(spec: dict | None) -> str:
    notes = (spec or {}).get("notes") or []
    return "\n".join(f"- {note}" for note in notes) or "No assumptions were needed."


class Shown(NamedTuple):
    """What the page shows of a job, one field per output component, in the order Gradio
    takes them: the components are declared as a Shown too (see `build`)."""

    status: Any
    model: Any
    preview: Any
    drawing: Any  # the technical drawing's sheet (its SVG)
    step: Any
    stl: Any
    dxf: Any
    svg: Any
    drawing_pdf: Any
    drawing_dxf: Any
    drawing_svg: Any
    dimensions: Any
    notes: Any


def cleared_outputs(status: Any) -> Shown:
    hidden = gr.update(value=None, visible=False)
    return Shown._make([status, None, *[hidden] * (len(Shown._fields) - 4), [], ""])


def build_seconds(job: dict) -> float:
    created = datetime.fromisoformat(job["created_at"].replace("Z", "+00:00"))
    updated = datetime.fromisoformat(job["updated_at"].replace("Z", "+00:00"))
    return (updated - created).total_seconds()


def job_outputs(job: dict) -> Shown:
    if job["status"] != "completed":
        return cleared_outputs(f"⚠️ {failure_message(job)}")
    files = API.download(job)
    flat = job["output_type"] in FLAT

    def button(kind: str, show: bool):
        path = files.get(kind)
        return gr.update(value=str(path) if path else None, visible=bool(show and path))

    source = " (reused from an earlier identical part)" if job.get("reused") else ""
    return Shown(
        status=f"✅ **completed** in {build_seconds(job):.1f} s{source}",
        model=str(files["glb"]) if "glb" in files else None,
        preview=gr.update(
            value=str(files["png"]) if "png" in files else None, visible="png" in files
        ),
        # Gradio shows an SVG file as it is: the sheet, crisp at any zoom
        drawing=button("drawing_svg", True),
        step=button("step", not flat),
        stl=button("stl", not flat),
        dxf=button("dxf", flat),
        svg=button("svg", flat),
        drawing_pdf=button("drawing_pdf", True),
        drawing_dxf=button("drawing_dxf", True),
        drawing_svg=button("drawing_svg", True),
        dimensions=dimension_rows(job.get("spec")),
        notes=assumptions(job.get("spec")),
    )


def remember(history: list | None, job: dict) -> list:
    entries = [h for h in (history or []) if h["id"] != job["id"]]
    entry = {"id": job["id"], "prompt": job["prompt"], "status": job["status"]}
    return [entry, *entries][:20]


def with_previews(history: list | None) -> list[dict]:
    """History entries whose preview image this Space still has on disk, newest first."""
    return [h for h in history or [] if local_path(h["id"], "png").exists()]


def history_gallery(history: list | None) -> list[tuple[str, str]]:
    return [(str(local_path(h["id"], "png")), h["prompt"][:40]) for h in with_previews(history)]


def pick_from_gallery(history, evt: gr.SelectData):
    shown = with_previews(history)
    if not 0 <= evt.index < len(shown):
        return (*cleared_outputs("Pick a part from your history."), "")
    return (*reload_job(shown[evt.index]["id"]), shown[evt.index]["id"])


def history_choices(history: list | None) -> dict[str, Any]:
    choices = [(f"{h['prompt'][:60]} · {h['status']}", h["id"]) for h in history or []]
    return gr.update(choices=choices, value=None)


def generate(prompt, output_type, mode, session_id, request: gr.Request | None = None):
    """Submit and follow the job: yields (status line, job id, session id) until it ends.

    The files come in a second step (`show_result`): Gradio's 3D viewer does not draw a
    model that arrives as the last update of a streaming event.
    """
    session_id = session_id or uuid.uuid4().hex
    started = time.monotonic()
    try:
        job = API.create_job(prompt or "", output_type, mode, session_id, end_user_ip(request))
        SECRETS.keep(session_id, job)
        while job["status"] not in FINAL and time.monotonic() - started < GIVE_UP_SECONDS:
            yield progress_line(job["status"], time.monotonic() - started), job["id"], session_id
            time.sleep(POLL_SECONDS)
            job = API.get_job(job["id"])
        if job["status"] not in FINAL:
            message = "⚠️ This is taking unusually long. Check back later from your history."
            yield message, "", session_id
            return
        yield progress_line(job["status"], time.monotonic() - started), job["id"], session_id
    except ApiProblem as problem:
        yield f"⚠️ {problem.message}", "", session_id
    except Exception:
        logger.exception("unexpected error in generate")
        yield "⚠️ Something went wrong in this page. Please try again.", "", session_id


def show_result(job_id, history):
    """The files and details of a finished job; nothing to show keeps the status line."""
    if not job_id:
        return (*cleared_outputs(gr.update()), history, gr.update(), gr.update())
    try:
        job = API.get_job(job_id)
        outputs = job_outputs(job)
        history = remember(history, job)
        return (*outputs, history, history_choices(history), history_gallery(history))
    except ApiProblem as problem:
        return (*cleared_outputs(f"⚠️ {problem.message}"), history, gr.update(), gr.update())


def reload_job(job_id):
    if not job_id:
        return cleared_outputs("Pick a part from your history.")
    try:
        return job_outputs(API.get_job(job_id))
    except ApiProblem as problem:
        return cleared_outputs(f"⚠️ {problem.message}")


def send_feedback(rating, comment, job_id, session_id, request: gr.Request | None = None):
    if not job_id:
        return "Generate a part first, then tell us what you think."
    try:
        session_id = session_id or ""
        secret = SECRETS.get(session_id, job_id)
        API.feedback(job_id, rating, comment or "", session_id, end_user_ip(request), secret)
    except ApiProblem as problem:
        return f"⚠️ {problem.message}"
    return "Thanks for the feedback!"


def feedback_handler(rating: str):
    def handler(comment, job_id, session_id, request: gr.Request | None = None):
        return send_feedback(rating, comment, job_id, session_id, request)

    return handler


def build() -> gr.Blocks:
    with gr.Blocks(title="NaturalCAD") as demo:
        session_id = gr.BrowserState("", storage_key="naturalcad_session")
        history = gr.BrowserState([], storage_key="naturalcad_history")
        gr.Markdown(
            "# NaturalCAD\nDescribe a part in a sentence; get STEP, STL, a 3D preview and a "
            "dimensioned drawing."
        )
        with gr.Row():
            with gr.Column(scale=2):
                prompt = gr.Textbox(
                    label="Describe your part",
                    lines=3,
                    max_length=2000,
                    placeholder="a 120 x 70 mm plate, 5 mm thick, ...",
                )
                with gr.Row():
                    output_type = gr.Dropdown(
                        ["3d_solid", "surface", "2d_vector", "1d_path"],
                        value="3d_solid",
                        label="Output type",
                    )
                    mode = gr.Dropdown(["part", "assembly", "sketch"], value="part", label="Mode")
                generate_button = gr.Button("Generate", variant="primary", elem_id="generate")
                gr.Examples(EXAMPLES, inputs=[prompt, output_type, mode])
                status = gr.Markdown("Ready.", elem_id="status")
                job_id = gr.Textbox(label="Job id", interactive=False, max_lines=1)
            with gr.Column(scale=3):
                model = gr.Model3D(label="3D preview", elem_id="preview", height=420)
                preview = gr.Image(label="Preview image", visible=False, height=240)
                drawing = gr.Image(
                    label="Technical drawing", visible=False, elem_id="drawing", height=420
                )
                with gr.Row():
                    step = gr.DownloadButton("Download STEP", visible=False)
                    stl = gr.DownloadButton("Download STL", visible=False)
                    dxf = gr.DownloadButton("Download DXF", visible=False)
                    svg = gr.DownloadButton("Download SVG", visible=False)
                with gr.Row():
                    drawing_pdf = gr.DownloadButton("Drawing (PDF)", visible=False)
                    drawing_dxf = gr.DownloadButton("Drawing (DXF, layers)", visible=False)
                    drawing_svg = gr.DownloadButton("Drawing (SVG)", visible=False)
                dimensions = gr.Dataframe(
                    headers=["feature", "type", "parameter", "value"],
                    label="Dimensions",
                    interactive=False,
                )
                notes = gr.Markdown(label="Assumptions")
                with gr.Row():
                    comment = gr.Textbox(label="Comment (optional)", max_length=500, scale=3)
                    up = gr.Button("👍 Useful", scale=0)
                    down = gr.Button("👎 Not right", scale=0)
                thanks = gr.Markdown()
        with gr.Accordion("Your parts in this browser", open=False):
            gallery = gr.Gallery(
                label="Previews (click to reload)", columns=6, height=180, allow_preview=False
            )
            past = gr.Dropdown(label="Reload a part", choices=[], allow_custom_value=True)
        shown = Shown(
            status=status,
            model=model,
            preview=preview,
            drawing=drawing,
            step=step,
            stl=stl,
            dxf=dxf,
            svg=svg,
            drawing_pdf=drawing_pdf,
            drawing_dxf=drawing_dxf,
            drawing_svg=drawing_svg,
            dimensions=dimensions,
            notes=notes,
        )
        outputs = list(shown)
        generate_button.click(
            generate,
            [prompt, output_type, mode, session_id],
            [status, job_id, session_id],
            api_name="generate",
        ).then(
            show_result, [job_id, history], [*outputs, history, past, gallery], api_name="result"
        )
        gallery.select(pick_from_gallery, history, [*outputs, job_id], api_visibility="private")
        # `input`, not `change`: only a visitor's pick reloads, not the list being refreshed
        past.input(reload_job, past, outputs, api_name="reload").then(
            lambda chosen: chosen or "", past, job_id, api_visibility="private"
        )
        for button, rating in ((up, "up"), (down, "down")):
            button.click(
                feedback_handler(rating),
                [comment, job_id, session_id],
                thanks,
                api_name=f"feedback_{rating}",
            )
        demo.load(
            lambda h: (history_choices(h), history_gallery(h)),
            history,
            [past, gallery],
            api_visibility="private",
        )
    return demo


if __name__ == "__main__":
    # Hugging Face sets GRADIO_SERVER_NAME=0.0.0.0; locally `make run` sets SPACE_PORT.
    build().queue(default_concurrency_limit=8).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(
            os.environ.get("SPACE_PORT") or os.environ.get("GRADIO_SERVER_PORT") or 7860
        ),
    )
