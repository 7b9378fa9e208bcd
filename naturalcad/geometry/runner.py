"""Build a spec in a child process that can be killed.

OCCT calls cannot be interrupted from Python, so every build runs in a child started
from a forkserver that has build123d preloaded (about 30 ms instead of a 2 s import),
with an address-space limit set in the child and a wall-time limit kept by the parent.
Children never fork from the worker itself: its threads, event loop and sockets stay put.
"""

import json
import multiprocessing
import resource
import traceback

from naturalcad.geometry.errors import GeometryError

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["naturalcad.geometry.worker_child"])


def warm_up() -> None:
    """Start the forkserver now so the first job does not pay for importing build123d."""
    proc = _CONTEXT.Process(target=_noop)
    proc.start()
    proc.join()


def _noop() -> None:
    pass


def build_files(spec: dict, *, timeout: float, memory_mb: int) -> dict[str, bytes]:
    # Plain JSON crosses into the child: no pickled objects, and no Django imports there.
    spec = json.loads(json.dumps(spec))
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    proc = _CONTEXT.Process(target=_child, args=(spec, sender, memory_mb), daemon=True)
    proc.start()
    sender.close()
    try:
        return _await_result(receiver, proc, timeout)
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join()


def _await_result(receiver, proc, timeout: float) -> dict[str, bytes]:
    if not receiver.poll(timeout):
        raise GeometryError("geometry_timeout", f"the build took longer than {timeout:g} s")
    try:
        outcome, payload = receiver.recv()
    except EOFError:
        proc.join()
        raise GeometryError(
            "geometry_memory", f"the build ran out of memory or crashed (exit {proc.exitcode})"
        ) from None
    if outcome == "ok":
        return payload
    raise GeometryError(*payload)


def _child(spec: dict, sender, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from naturalcad.geometry.worker_child import build_and_export

    try:
        sender.send(("ok", build_and_export(spec)))
    except GeometryError as exc:
        sender.send(("error", (exc.code, exc.message, exc.path)))
    except MemoryError:
        sender.send(("error", ("geometry_memory", "the build ran out of memory")))
    except Exception as exc:  # an OCCT failure on an accepted spec
        traceback.print_exc()
        sender.send(("error", ("geometry_failed", f"the geometry kernel failed: {exc}")))
    finally:
        sender.close()
