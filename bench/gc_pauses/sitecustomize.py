"""Imported at start by every Python process that has this folder on PYTHONPATH, as the
services bench/api.py starts do: each process keeps the longest pause of Python's garbage
collector it has seen, and their sum, in the file NATURALCAD_GC_PAUSES/<pid> ("longest total"
in ms). A pause holds every thread of its process: one long one is a request's tail."""

import gc
import os
import time

_FOLDER = os.environ.get("NATURALCAD_GC_PAUSES")
_seen = {"start": 0.0, "longest": 0.0, "total": 0.0, "count": 0}


def _forget() -> None:
    _seen.update(longest=0.0, total=0.0, count=0)  # a forked child counts its own


def _watch(phase: str, info: dict) -> None:
    if phase == "start":
        _seen["start"] = time.perf_counter()
        return
    pause = time.perf_counter() - _seen["start"]
    _seen["total"] += pause
    _seen["count"] += 1
    # Written when the longest grows and every 100 collections: no exit hook to rely on.
    if pause > _seen["longest"] or _seen["count"] % 100 == 0:
        _seen["longest"] = max(_seen["longest"], pause)
        with open(os.path.join(_FOLDER, str(os.getpid())), "w") as file:
            file.write(f"{_seen['longest'] * 1000:.1f} {_seen['total'] * 1000:.1f}\n")


if _FOLDER:
    os.register_at_fork(after_in_child=_forget)
    gc.callbacks.append(_watch)
