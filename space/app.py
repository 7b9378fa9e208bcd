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
from api_client import FINAL, ApiProblem, NaturalCadApi, failure_message, local_path, reading

logger = logging.getLogger("naturalcad.space")
API = NaturalCadApi(
    os.environ.get("NATURALCAD_API_URL", "http://127.0.0.1:8000"),
    os.environ.get("NATURALCAD_API_KEY", ""),
)
# Proxies of the hosting platform in front of this app, each appending the address it saw to
# X-Forwarded-For (one on Hugging Face Spaces; `make run` sets 0: nothing in front).
TRUSTED_PROXIES = int(os.environ.get("SPACE_TRUSTED_PROXIES", "1"))
# The address visitors open this page at, for the link to a result; unset, the one they used.
PUBLIC_URL = os.environ.get("SPACE_PUBLIC_URL", "").rstrip("/")
POLL_SECONDS = 0.5
GIVE_UP_SECONDS = 300
FLAT = {"2d_vector", "1d_path"}
# The API's words, as a visitor reads them; "auto" lets the reading decide (and say so).
OUTPUT_TYPES = [
    ("Auto", "auto"),
    ("Solid part", "3d_solid"),
    ("Surface", "surface"),
    ("Flat outline (DXF)", "2d_vector"),
    ("Path", "1d_path"),
]
MODES = [("Auto", "auto"), ("Part", "part"), ("Assembly", "assembly"), ("Sketch", "sketch")]
TYPE_LABELS = dict((value, label) for label, value in OUTPUT_TYPES)
# Prompts only: an example fills in the description and never the visitor's choices; the
# flat ones say so in words ("laser-cut", "route"), which Auto reads.
EXAMPLES = [
    "a 40 mm cube",
    "a 120 x 70 mm mounting plate, 5 mm thick, with four 6 mm corner holes",
    "a cylinder 20 mm diameter, 30 mm tall",
    "a spacer 12 mm OD, 6.5 mm ID, 8 mm long",
    "round flange 120 mm diameter, 12 mm thick, 40 mm bore, six 10 mm bolt holes on a 90 mm "
    "bolt circle",
    "an L bracket 50 x 40 x 5 mm, 30 mm wide",
    "an M8 hex nut",
    "a laser-cut plate 100 x 50 with four 5 mm holes",
    "a route centreline 300 mm long with 3 jogs",
]
STEPS = {"submitted": 1, "validated": 1, "queued": 2, "running": 3, "completed": 4}
STEP_WORDS = {
    "submitted": "Sending",
    "validated": "Sending",
    "queued": "Waiting for a builder",
    "running": "Building",
    "completed": "Done",
}
# Isometric: 45° round the vertical, 55° down from it (Babylon's alpha and beta); no radius,
# so the viewer frames the part whatever its size. A dark ground makes the blue part stand out.
CAMERA = (-45, 55, None)
GROUND = (0.14, 0.16, 0.20, 1.0)
CSS = """
#status { min-height: 2.5em; }
#status p { margin: 0.35em 0; font-size: 1.05em; }
#reading ul { margin-top: 0; }
"""


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


def page_url(request: gr.Request | None) -> str:
    """This page's address as the visitor opened it (or SPACE_PUBLIC_URL)."""
    if PUBLIC_URL or request is None:
        return PUBLIC_URL
    scheme = request.headers.get("x-forwarded-proto", "http").split(",")[0].strip()
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return f"{scheme}://{host}" if host else ""


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
    return f"{bar} **{STEP_WORDS.get(status, status)}** ({status}) · {elapsed:.1f} s"


def readable(value: Any, unit: str, spec: dict) -> str:
    """A spec value with its unit: `6 mm`, `30°`, a count bare, points as (x, y) in mm."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return f"{value:g}{'' if unit in ('', '°') else ' '}{unit}"
    if isinstance(value, str) and value in (spec.get("dimensions") or {}):
        return f"{value} = {readable(spec['dimensions'][value], unit, spec)}"
    if isinstance(value, list) and value and all(isinstance(n, int | float) for n in value):
        return f"({', '.join(f'{n:g}' for n in value)}) {unit}".strip()
    if isinstance(value, list) and all(isinstance(p, list) for p in value):
        points = "; ".join("(" + ", ".join(_number(n) for n in p) + ")" for p in value)
        return f"{points} {unit}".strip()
    return str(value)


def _number(value) -> str:
    """A coordinate: a number, or a size written in terms of named dimensions."""
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def dimension_rows(spec: dict | None) -> list[list]:
    if not spec:
        return []
    try:
        units = API.units()
    except ApiProblem:
        units = {}  # the table still shows the numbers; the API's lengths are millimetres
    rows = []
    for feature in spec.get("geometry", {}).get("features", []):
        kind = feature["feature_type"]
        for key, value in feature.items():
            if key in ("name", "feature_type"):
                continue
            unit = units.get((kind, key), "mm")
            rows.append([feature.get("name", ""), kind, key, readable(value, unit, spec)])
    return rows


def reading_panel(job: dict) -> str:
    """What the API read, assumed and left unread of the words, in its own words and lists."""
    said = reading(job)
    if said is None:
        return notes_panel(job)
    if job["status"] != "completed" and not said["not_read"]:
        return ""
    if job["status"] == "completed" and said["read"] and not job.get("parent"):
        label = TYPE_LABELS.get(job["output_type"], job["output_type"])
        kind = label[:1].lower() + label[1:]  # "flat outline (DXF)"
        said["read"][0] += f", as a {kind}"
    sections = [
        ("Read", said["read"], "nothing"),
        ("Assumed", said["assumed"], "nothing"),
        ("Not read", [f"'{words}'" for words in said["not_read"]], "nothing: every word was used"),
    ]
    lines = ["### What I read"]
    for title, items, empty in sections:
        lines += ["", f"**{title}:** " + (empty if not items else "")]
        lines += [f"- {item}" for item in items]
    return "\n".join(lines)


def notes_panel(job: dict) -> str:
    """A part no words were read for (made from a spec or named sizes): its notes, unsorted."""
    notes = [str(note) for note in job.get("notes") or []]
    if job["status"] != "completed" or not notes:
        return ""
    return "\n".join(["### Notes", "", *(f"- {note}" for note in notes)])


class Shown(NamedTuple):
    """What the page shows of a job, one field per output component, in the order Gradio
    takes them: the components are declared as a Shown too (see `build`)."""

    status: Any
    model: Any  # the 3D viewer (solids and surfaces)
    flat: Any  # in the viewer's place for flat parts: their SVG (else PNG)
    drawing: Any  # the technical drawing's sheet (its SVG)
    step: Any
    stl: Any
    dxf: Any
    svg: Any
    drawing_pdf: Any
    drawing_dxf: Any
    drawing_svg: Any
    link: Any  # a copyable link that opens this result again
    dimensions: Any
    reading: Any  # "What I read"
    sizes: Any  # the part's named sizes, editable: "Update" makes the next version
    spec: Any  # the spec, as JSON
    script: Any  # the build123d script that rebuilds the part


def cleared_outputs(status: Any, job: dict | None = None, url: str = "") -> Shown:
    hidden = gr.update(value=None, visible=False)
    return Shown(
        status=status,
        model=gr.update(value=None, visible=True),
        flat=hidden,
        drawing=hidden,
        step=hidden,
        stl=hidden,
        dxf=hidden,
        svg=hidden,
        drawing_pdf=hidden,
        drawing_dxf=hidden,
        drawing_svg=hidden,
        link=result_link(job, url),
        dimensions=[],
        reading=reading_panel(job) if job else "",
        sizes=[],
        spec=hidden,
        script=hidden,
    )


def result_link(job: dict | None, url: str) -> dict[str, Any]:
    if not job or not url:
        return gr.update(value="", visible=False)
    return gr.update(value=f"{url}/?job={job['id']}", visible=True)


def build_seconds(job: dict) -> float:
    created = datetime.fromisoformat(job["created_at"].replace("Z", "+00:00"))
    updated = datetime.fromisoformat(job["updated_at"].replace("Z", "+00:00"))
    return (updated - created).total_seconds()


def job_outputs(job: dict, url: str = "") -> Shown:
    if job["status"] != "completed":
        return cleared_outputs(f"⚠️ {failure_message(job)}", job, url)
    files = API.download(job)
    flat = job["output_type"] in FLAT

    def button(kind: str, show: bool):
        path = files.get(kind)
        return gr.update(value=str(path) if path else None, visible=bool(show and path))

    picture = files.get("svg") or files.get("png")
    source = " (reused from an earlier identical part)" if job.get("reused") else ""
    return Shown(
        status=f"✅ **completed** in {build_seconds(job):.1f} s{source}",
        model=gr.update(
            value=None if flat else str(files["glb"]) if "glb" in files else None,
            visible=not flat,
        ),
        flat=gr.update(value=str(picture) if flat and picture else None, visible=flat),
        # Gradio shows an SVG file as it is: the sheet, crisp at any zoom
        drawing=button("drawing_svg", True),
        step=button("step", not flat),
        stl=button("stl", not flat),
        dxf=button("dxf", flat),
        svg=button("svg", flat),
        drawing_pdf=button("drawing_pdf", True),
        drawing_dxf=button("drawing_dxf", True),
        drawing_svg=button("drawing_svg", True),
        link=result_link(job, url),
        dimensions=dimension_rows(job.get("spec")),
        reading=reading_panel(job),
        sizes=named_sizes(job.get("spec")),
        spec=button("spec", True),
        script=button("py", True),
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


def history_choices(history: list | None) -> dict[str, Any]:
    choices = [(f"{h['prompt'][:60]} · {h['status']}", h["id"]) for h in history or []]
    return gr.update(choices=choices, value=None)


def restore(job_id: str, request: gr.Request | None = None) -> tuple:
    """A part from the history: its result, its id, and its prompt back in the box."""
    if not _is_job_id(job_id or ""):
        return (*cleared_outputs("Pick a part from your history."), "", gr.update())
    try:
        job = API.get_job(job_id)
    except ApiProblem as problem:
        return (*cleared_outputs(f"⚠️ {problem.message}"), "", gr.update())
    return (*job_outputs(job, page_url(request)), job_id, job["prompt"])


def pick_from_gallery(history, evt: gr.SelectData, request: gr.Request | None = None):
    shown = with_previews(history)
    return restore(shown[evt.index]["id"] if 0 <= evt.index < len(shown) else "", request)


def generate(prompt, output_type, mode, session_id, request: gr.Request | None = None):
    """Submit and follow the job: yields (status line, job id, session id) until it ends.

    The files come in a second step (`show_result`): Gradio's 3D viewer does not draw a
    model that arrives as the last update of a streaming event.
    """
    session_id = session_id or uuid.uuid4().hex
    ip = end_user_ip(request)
    yield from follow(
        lambda: API.create_job(prompt or "", output_type, mode, session_id, ip), session_id
    )


def follow(submit, session_id: str):
    """Submit a job (`submit()` answers it) and yield (status line, job id, session id) as it
    goes, until it ends or this page gives up waiting."""
    started = time.monotonic()
    try:
        job = submit()
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
        logger.exception("unexpected error while following a job")
        yield "⚠️ Something went wrong in this page. Please try again.", "", session_id


def named_sizes(spec: dict | None) -> list[list]:
    """The part's named sizes as rows [name, value]: what a visitor edits."""
    return [[name, value] for name, value in ((spec or {}).get("dimensions") or {}).items()]


def changed_sizes(table: Any, spec: dict) -> dict[str, float]:
    """The sizes the visitor changed in the table; ValueError naming a value that is no
    number."""
    known = spec.get("dimensions") or {}
    rows = table.values.tolist() if hasattr(table, "values") else list(table or [])
    changed = {}
    for row in rows:
        if len(row) < 2 or row[0] not in known:
            continue
        try:
            value = float(row[1])
        except (TypeError, ValueError):
            raise ValueError(f"{row[0]}: '{row[1]}' is not a number") from None
        if value != known[row[0]]:
            changed[row[0]] = int(value) if value.is_integer() else value
    return changed


def update_sizes(table, job_id, session_id, request: gr.Request | None = None):
    """ "Update": the next version of this part, with the sizes changed in the table."""

    def change():
        changes = changed_sizes(table, API.get_job(job_id).get("spec") or {})
        return {"dimensions": changes} if changes else "Change a size in the table first."

    yield from next_version(job_id, session_id, request, change)


def edit_in_words(words, job_id, session_id, request: gr.Request | None = None):
    """ "Edit": the next version of this part, changed as the words say."""

    def change():
        said = (words or "").strip()
        return {"words": said} if said else "Say what to change, e.g. 'make the holes 8 mm'."

    yield from next_version(job_id, session_id, request, change)


def next_version(job_id, session_id, request, change):
    """Follow the next version of this visitor's part; `change()` says what changes (the
    edit_job arguments) or, as text, why nothing does."""
    session_id = session_id or ""
    secret = SECRETS.get(session_id, job_id or "")
    if not job_id or not secret:
        yield NOT_YOURS, "", session_id
        return
    try:
        edit = change()
    except (ApiProblem, ValueError) as problem:
        yield f"⚠️ {getattr(problem, 'message', problem)}", "", session_id
        return
    if isinstance(edit, str):
        yield edit, "", session_id
        return
    ip = end_user_ip(request)
    yield from follow(lambda: API.edit_job(job_id, secret, session_id, ip, **edit), session_id)


NOT_YOURS = "Only the visitor who made a part can edit it: generate one first."


def show_version(edited_id, shown_id, history, request: gr.Request | None = None):
    """The version an edit made, now the part on show; an edit that made none leaves the
    page as it was (its status line says why)."""
    if not edited_id:
        keep = [gr.update()] * (len(Shown._fields) + 3)
        return (*keep, shown_id)
    return (*show_result(edited_id, history, request), edited_id)


def versions_panel(job_id, session_id) -> str:
    """The versions of the part on show, when it is this visitor's."""
    secret = SECRETS.get(session_id or "", job_id or "")
    if not job_id or not secret:
        return ""
    try:
        versions = API.versions(job_id, secret)
    except ApiProblem:
        return ""
    lines = ["### Versions of this part"]
    for v in versions:
        said = (
            ", ".join(f"{k} = {n:g}" for k, n in v["dimensions"].items())
            or v["prompt"]
            or v["origin"]
        )
        shown = " ← shown" if v["id"] == job_id else ""
        lines.append(f"- **v{v['version']}** ({v['status']}): {said}{shown}")
    return "\n".join(lines)


def show_result(job_id, history, request: gr.Request | None = None):
    """The files and details of a finished job; nothing to show keeps the status line."""
    if not job_id:
        return (*cleared_outputs(gr.update()), history, gr.update(), gr.update())
    try:
        job = API.get_job(job_id)
        outputs = job_outputs(job, page_url(request))
        history = remember(history, job)
        return (*outputs, history, history_choices(history), history_gallery(history))
    except ApiProblem as problem:
        return (*cleared_outputs(f"⚠️ {problem.message}"), history, gr.update(), gr.update())


def open_page(history, request: gr.Request | None = None):
    """The page as opened: the history lists, and the result a shared link points at."""
    lists = (history_choices(history), history_gallery(history))
    job_id = request.query_params.get("job", "") if request is not None else ""
    if not job_id:
        return (*lists, *[gr.update()] * len(Shown._fields), "", gr.update())
    return (*lists, *restore(job_id, request))


def _is_job_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


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
            "## NaturalCAD\nDescribe a part in a sentence; get STEP, STL, a 3D preview and a "
            "dimensioned drawing."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=2):
                prompt = gr.Textbox(
                    label="Describe your part",
                    lines=3,
                    max_length=2000,
                    placeholder="a 120 x 70 mm plate, 5 mm thick, ...",
                )
                with gr.Row():
                    output_type = gr.Dropdown(
                        OUTPUT_TYPES, value="auto", label="Output type", elem_id="output-type"
                    )
                    mode = gr.Dropdown(MODES, value="auto", label="Mode", elem_id="mode")
                with gr.Row(equal_height=True):
                    generate_button = gr.Button(
                        "Generate", variant="primary", elem_id="generate", scale=1
                    )
                    status = gr.Markdown("Ready.", elem_id="status")
                # never shown: the result's link is what a visitor keeps
                job_id = gr.Textbox(visible=False, elem_id="job-id")
                edited = gr.Textbox(visible=False)  # the version an edit made, when it made one
                gr.Examples([[text] for text in EXAMPLES], inputs=[prompt], label="Examples")
                with gr.Accordion("Your parts in this browser", open=False, elem_id="history"):
                    gallery = gr.Gallery(
                        label="Previews (click to reload)",
                        columns=4,
                        height=180,
                        allow_preview=False,
                        elem_id="gallery",
                    )
                    past = gr.Dropdown(label="Reload a part", choices=[], allow_custom_value=True)
            with gr.Column(scale=3):
                model = gr.Model3D(
                    label="3D preview",
                    elem_id="preview",
                    height=400,
                    camera_position=CAMERA,
                    clear_color=GROUND,
                )
                flat = gr.Image(
                    label="Flat part", visible=False, elem_id="flat", height=400, type="filepath"
                )
                with gr.Row():
                    step = gr.DownloadButton("Download STEP", visible=False, size="sm")
                    stl = gr.DownloadButton("Download STL", visible=False, size="sm")
                    dxf = gr.DownloadButton("Download DXF", visible=False, size="sm")
                    svg = gr.DownloadButton("Download SVG", visible=False, size="sm")
                    drawing_pdf = gr.DownloadButton("Drawing (PDF)", visible=False, size="sm")
                    drawing_dxf = gr.DownloadButton(
                        "Drawing (DXF, layers)", visible=False, size="sm"
                    )
                    drawing_svg = gr.DownloadButton("Drawing (SVG)", visible=False, size="sm")
                reading_md = gr.Markdown(elem_id="reading")
                link = gr.Textbox(
                    label="Link to this result",
                    visible=False,
                    interactive=False,
                    buttons=["copy"],
                    elem_id="link",
                )
                with gr.Row():
                    comment = gr.Textbox(label="Comment (optional)", max_length=500, scale=3)
                    up = gr.Button("👍 Useful", scale=0)
                    down = gr.Button("👎 Not right", scale=0)
                thanks = gr.Markdown()
        with gr.Row():
            drawing = gr.Image(
                label="Technical drawing", visible=False, elem_id="drawing", height=420
            )
            dimensions = gr.Dataframe(
                headers=["feature", "type", "parameter", "value"],
                label="Dimensions",
                interactive=False,
                elem_id="dimensions",
            )
        with gr.Row(equal_height=False):
            with gr.Column():
                sizes = gr.Dataframe(
                    headers=["size", "value"],
                    label="Named sizes: change a value, then Update",
                    interactive=True,
                    type="array",
                    elem_id="sizes",
                )
                update_button = gr.Button("Update", elem_id="update")
            with gr.Column():
                words = gr.Textbox(
                    label="Edit in words",
                    max_length=2000,
                    placeholder="make the holes 8 mm, twice as long, add a 2 mm fillet ...",
                    elem_id="words",
                )
                edit_button = gr.Button("Edit", elem_id="edit")
                versions = gr.Markdown(elem_id="versions")
                with gr.Row():
                    spec_file = gr.DownloadButton("Spec (JSON)", visible=False, size="sm")
                    script_file = gr.DownloadButton("build123d script", visible=False, size="sm")
        shown = Shown(
            status=status,
            model=model,
            flat=flat,
            drawing=drawing,
            step=step,
            stl=stl,
            dxf=dxf,
            svg=svg,
            drawing_pdf=drawing_pdf,
            drawing_dxf=drawing_dxf,
            drawing_svg=drawing_svg,
            link=link,
            dimensions=dimensions,
            reading=reading_md,
            sizes=sizes,
            spec=spec_file,
            script=script_file,
        )
        outputs = list(shown)
        generate_button.click(
            generate,
            [prompt, output_type, mode, session_id],
            [status, job_id, session_id],
            api_name="generate",
        ).then(
            show_result, [job_id, history], [*outputs, history, past, gallery], api_name="result"
        ).then(versions_panel, [job_id, session_id], versions, api_visibility="private")
        # an edit is a job too: followed the same way, its result shown the same way
        for trigger, submit, given, name in (
            (update_button, update_sizes, sizes, "update"),
            (edit_button, edit_in_words, words, "edit"),
        ):
            trigger.click(
                submit, [given, job_id, session_id], [status, edited, session_id], api_name=name
            ).then(
                show_version,
                [edited, job_id, history],
                [*outputs, history, past, gallery, job_id],
                api_visibility="private",
            ).then(versions_panel, [job_id, session_id], versions, api_visibility="private")
        gallery.select(
            pick_from_gallery, history, [*outputs, job_id, prompt], api_visibility="private"
        )
        # `input`, not `change`: only a visitor's pick reloads, not the list being refreshed
        past.input(restore, past, [*outputs, job_id, prompt], api_name="reload")
        for button, rating in ((up, "up"), (down, "down")):
            button.click(
                feedback_handler(rating),
                [comment, job_id, session_id],
                thanks,
                api_name=f"feedback_{rating}",
            )
        demo.load(
            open_page,
            history,
            [past, gallery, *outputs, job_id, prompt],
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
        css=CSS,
    )
