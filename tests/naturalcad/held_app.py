"""A WSGI app for tests/naturalcad/test_gunicorn_worker.py, run by real gunicorn processes.

Every answer is the answering process's id. `/hold/<name>` keeps its thread until the test
opens and closes the FIFO `<name>` in HELD_FIFOS: the test knows the thread is held once
its open returns."""

import os
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    if path.startswith("/hold/"):
        name = os.path.basename(path)
        with open(os.path.join(os.environ["HELD_FIFOS"], name)) as fifo:
            fifo.read()  # until the test closes its end
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
