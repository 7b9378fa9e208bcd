"""Where a job's spec comes from, and the files that say how the part was made: the spec
itself, the build123d script emitted from it, and the build log.

A job made from a prompt is read by the interpreter (rules, prompt cache or model); a spec
sent by the client, or a parent's spec with named dimensions replaced, was validated when it
was submitted and is built as it is, with no model call; an edit in words is applied to the
parent's spec by the rules, or by the model with that spec in context.
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jobs import inference
from jobs.models import Job, Origin
from naturalcad.errors import CodedError
from naturalcad.geometry.script import emit_script
from naturalcad.spec.validate import validate_spec

Spec = dict[str, Any]


def spec_for(job: Job) -> inference.Chosen:
    """This job's spec, as written and resolved; a CodedError when there is none."""
    if job.origin in (Origin.SPEC, Origin.DIMENSIONS):  # checked when submitted; resolved here
        source = dict(job.spec_json or {})
        info = {"path": job.origin, "provider": None, "model": None}
        return inference.Chosen(source, validate_spec(source), info)
    if job.origin == Origin.WORDS:
        parent = Job.objects.only("spec_json").filter(children=job).first()
        if parent is None or not parent.spec_json:
            raise CodedError("parent_not_ready", "The part this edit changes is gone.")
        return inference.choose_edit(job.prompt, parent.spec_json, job)
    request = inference.Request(job.prompt, job.output_type, job.mode, key=job.prompt_key, job=job)
    return inference.choose_spec(request)


class BuildLog:
    """What the job's `log` file says: the path taken, what was assumed, how long each step
    took, and anything that went wrong without failing the job."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.route: list[str] = []
        self.timings: dict[str, float] = {}
        self.warnings: list[str] = []

    def warn(self, text: bytes | str) -> None:
        """What a step left out without failing the job (a drawing, the script), line by line."""
        lines = text.decode(errors="replace") if isinstance(text, bytes) else text
        self.warnings += [line for line in lines.splitlines() if line.strip()]

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings[step] = (time.monotonic() - started) * 1000

    def path(self, model_info: dict[str, Any]) -> None:
        # the reading is the log's "assumptions and notes", said once
        details = {k: v for k, v in model_info.items() if k not in ("path", "usage", "reading")}
        said = ", ".join(f"{k} {v}" for k, v in sorted(details.items()) if v not in (None, ""))
        self.route.append(f"{model_info['path']}" + (f" ({said})" if said else ""))

    def text(self, spec: Spec) -> str:
        job = self.job
        lines = [f"NaturalCAD build log of job {job.id}", f"made from: {job.origin}"]
        if job.parent_id:
            lines.append(
                f"version {job.version} of part {job.root_id}, edited from {job.parent_id}"
            )
        if job.edit_json:
            changed = ", ".join(f"{name} = {value:g}" for name, value in job.edit_json.items())
            lines.append(f"dimensions changed: {changed}")
        lines += [f"path: {step}" for step in self.route]
        lines += ["assumptions and notes:", *(f"  - {note}" for note in spec.get("notes") or [])]
        lines += ["timings:", *(f"  {step}: {ms:.0f} ms" for step, ms in self.timings.items())]
        lines += ["warnings:", *(f"  - {line}" for line in self.warnings)]
        return "\n".join(lines) + "\n"


def own_files(spec: Spec, log: BuildLog) -> dict[str, bytes]:
    """The files that belong to this job alone, whatever geometry it shares: the spec, the
    script emitted from it (generated here, never run here) and the log as it stands."""
    files = {"spec": (json.dumps(spec, indent=2, ensure_ascii=False) + "\n").encode()}
    try:
        files["py"] = emit_script(spec).encode()
    except CodedError as refusal:  # the part is still built; its log says why no script
        log.warn(f"script left out: {refusal.code}: {refusal.message}")
    files["log"] = log.text(spec).encode()
    return files
