"""Build a spec in a child process that can be killed.

OCCT calls cannot be interrupted from Python, so every build runs in a child process
started from a forkserver that has build123d imported. Children are kept warm and reused
(OCCT's lazy first-build set-up costs more than the build itself), one build at a time
each, under an address-space limit set in the child and a wall-time limit kept here; a
child that breaches either is killed and replaced, and the worker keeps serving. Children
never fork from the worker itself: its threads, event loop and sockets stay put.
"""

import json
import logging
import multiprocessing
import os
import resource
import signal
import threading
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, cast

from naturalcad.errors import CodedError

logger = logging.getLogger(__name__)
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["naturalcad.geometry.worker_child"])
# A child is retired after this many builds (a build's drawing is part of it), so that a
# slow leak cannot grow without end.
MAX_BUILDS_PER_CHILD = 200
# A child that dies of something other than our limits (killed from outside, the kernel's
# OOM killer, a crash) says nothing about the spec: the build gets this many more tries.
CRASH_RETRIES = 1
# The exit status of a child whose build raised MemoryError under the address-space limit.
_OUT_OF_MEMORY = 3
# How a child ends when the address-space limit refuses an allocation: MemoryError in
# Python, or a crash in OCCT's C++ (measured: SIGSEGV). A SIGKILL is the kernel's OOM
# killer or an operator, never our limit: that child is retried.
_LIMIT_DEATHS = frozenset({_OUT_OF_MEMORY, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS})
# Outcomes after which a child's state is unknown: it is never reused.
_CHILD_BROKEN = frozenset({"geometry_timeout", "geometry_memory", "geometry_crashed"})
_WARM_UP = {
    "spec_version": "1.1",
    "mode": "part",
    "output_type": "3d_solid",
    "units": "mm",
    "geometry": {
        "features": [
            {"name": "body", "feature_type": "box", "length": 10, "width": 10, "height": 10},
            {"name": "hole", "feature_type": "hole", "diameter": 3},
        ]
    },
}


@dataclass(frozen=True)
class DrawingRequest:
    title: dict[str, str]  # intent, job_id, date: what the title block says
    timeout: float  # seconds, apart from the build's own limit


class _Child:
    def __init__(self, memory_mb: int):
        self.memory_mb = memory_mb
        self.builds = 0
        self.conn, theirs = _CONTEXT.Pipe()
        self.proc = _CONTEXT.Process(target=_serve, args=(theirs, memory_mb), daemon=True)
        self.proc.start()
        theirs.close()

    def run(self, task: str, spec: dict[str, Any], timeout: float) -> Any:
        try:
            self.conn.send((task, spec))
            if not self.conn.poll(timeout):
                raise CodedError("geometry_timeout", f"the build took longer than {timeout:g} s")
            outcome, payload = self.conn.recv()
        except (EOFError, OSError):  # the child died: our memory limit, or killed from outside
            self.proc.join(5)
            if self.proc.exitcode in _LIMIT_DEATHS:
                raise CodedError(
                    "geometry_memory", f"the build needed more than {self.memory_mb} MB"
                ) from None
            raise CodedError(
                "geometry_crashed", f"the geometry process died (exit {self.proc.exitcode})"
            ) from None
        if outcome == "ok":
            return payload
        raise CodedError(*payload)

    def stop(self) -> None:
        self.conn.close()
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()


_idle: list[_Child] = []
_lock = threading.Lock()


def _take(memory_mb: int) -> _Child:
    with _lock:
        for child in _idle:
            if child.memory_mb == memory_mb and child.proc.is_alive():
                _idle.remove(child)
                return child
    return _Child(memory_mb)


def _give_back(child: _Child) -> None:
    if child.builds >= MAX_BUILDS_PER_CHILD or not child.proc.is_alive():
        child.stop()
        return
    with _lock:
        _idle.append(child)


def stop_idle_children() -> None:
    """Retire every idle child (tests that must know which child builds next)."""
    with _lock:
        idle = list(_idle)
        _idle.clear()
    for child in idle:
        child.stop()


def build_files(
    spec: dict[str, Any],
    *,
    timeout: float,
    memory_mb: int,
    drawing: DrawingRequest | None = None,
) -> dict[str, bytes]:
    """The part's files, then (when asked) its drawing from the same child."""
    return cast(dict[str, bytes], _run("files", spec, timeout, memory_mb, drawing))


def measure(spec: dict[str, Any], *, timeout: float, memory_mb: int) -> dict[str, Any]:
    """The built part's figures (`naturalcad.geometry.measure`), under the same limits."""
    return cast(dict[str, Any], _run("measure", spec, timeout, memory_mb))


def _run(
    task: str,
    spec: dict[str, Any],
    timeout: float,
    memory_mb: int,
    drawing: "DrawingRequest | None" = None,
) -> Any:
    # Plain JSON crosses into the child: no pickled objects, and no Django imports there.
    spec = json.loads(json.dumps(spec))
    for attempt in range(CRASH_RETRIES + 1):
        try:
            return _run_once(task, spec, timeout, memory_mb, drawing)
        except CodedError as error:
            if error.code != "geometry_crashed" or attempt == CRASH_RETRIES:
                raise
    raise AssertionError("unreachable")


def _run_once(
    task: str,
    spec: dict[str, Any],
    timeout: float,
    memory_mb: int,
    drawing: "DrawingRequest | None" = None,
) -> Any:
    child = _take(memory_mb)
    child.builds += 1
    try:
        result = child.run(task, spec, timeout)
        if drawing is not None:
            result.update(_drawing(child, drawing))
    except CodedError as error:
        if error.code in _CHILD_BROKEN:
            child.stop()
        else:
            _give_back(child)
        raise
    except BaseException:
        child.stop()
        raise
    _give_back(child)
    return result


def _drawing(child: _Child, request: DrawingRequest) -> dict[str, bytes]:
    """A step of its own after the part's files: a drawing that fails, crashes or overruns
    costs only the drawing (the job's log says why), never the part."""
    try:
        files: dict[str, bytes] = child.run("draw", dict(request.title), request.timeout)
        return files
    except CodedError as error:
        reason = error.message
        if error.code in _CHILD_BROKEN:
            child.stop()  # its state is unknown: it is not given back
            if error.code == "geometry_timeout":
                reason = f"the drawing took longer than {request.timeout:g} s"
        logger.warning("drawing left out: %s", reason)
        return {"log": f"drawing left out: {reason}\n".encode()}


def warm_up(memory_mb: int = 2048) -> None:
    """Start a child and build once in it, so the first job does not pay for the set-up."""
    build_files(_WARM_UP, timeout=120, memory_mb=memory_mb)


def _serve(conn: Connection, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from naturalcad.geometry.worker_child import TASKS

    while True:
        try:
            task, spec = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            conn.send(("ok", TASKS[task](spec)))
        except CodedError as exc:
            conn.send(("error", (exc.code, exc.message, exc.path)))
        except MemoryError:
            os._exit(_OUT_OF_MEMORY)  # the parent sees the pipe close and reports geometry_memory
        except Exception as exc:  # an OCCT failure on an accepted spec
            traceback.print_exc()
            conn.send(("error", ("geometry_failed", f"the geometry kernel failed: {exc}", "")))
