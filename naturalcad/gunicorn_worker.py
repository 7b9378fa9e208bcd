"""gunicorn's threaded worker, answering the requests it refuses itself (a malformed request
line or header, a bad chunk) in the API's JSON error shape and logging them without the
client's address.

gunicorn writes these answers with `gunicorn.util.write_error` (an HTML page) and logs
"Invalid request from ip=<address>"; neither reaches Django, so both are replaced here.
"""

import json
import re
import time
from typing import Any

from gunicorn import glogging, util
from gunicorn.workers.gthread import ThreadWorker

# gunicorn answers a transfer coding it does not know with 501; it is the request that is
# wrong, and no input may earn a 5xx.
_CLIENT_STATUS = {501: 400}


def write_json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    from jobs.api.errors import error_body

    status_int = _CLIENT_STATUS.get(status_int, status_int)
    if status_int == 400:
        reason = "Bad Request"
    code = "internal_error" if status_int >= 500 else reason.lower().replace(" ", "_")
    # The message names the problem, never echoes what the client sent.
    body = json.dumps(error_body(code, f"{reason}: the request is malformed.")).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = write_json_error  # the one function gunicorn's workers write errors with


# How long a process whose threads are all busy leaves a waiting connection to the other
# processes before it takes the connection itself, to be answered when a thread frees.
ACCEPT_DEFERRAL_SECONDS = 0.005


class Worker(ThreadWorker):
    """gunicorn's threaded worker that leaves a new connection to a process with a thread free.

    gunicorn's own takes every connection it can, and a kept-alive connection stays with the
    process that took it: 12 to 16 of wrk's 16 went to one process in 5 of bench/accept.py's
    16 runs, whose requests then queued for its threads, one Python at a time, while the
    other process had little to do. Here a process whose threads are all busy lets a waiting
    connection be for ACCEPT_DEFERRAL_SECONDS, then takes it if no other process has: never
    longer, or a busy process's own connections, each sending its next request at once,
    would starve a new one (up to 420 ms, measured, before this bound)."""

    busy = 0  # requests handed to the thread pool and not yet finished
    deferred: Any = None  # the listener with a connection left to the others
    deferred_until = 0.0

    def enqueue_req(self, conn: Any) -> None:
        self.busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.busy -= 1
        super().finish_request(conn, fs)

    def accept(self, listener: Any) -> None:
        """The poller's call when a connection waits."""
        if self.busy < self.cfg.threads:
            super().accept(listener)
            return
        self.deferred, self.deferred_until = listener, time.monotonic() + ACCEPT_DEFERRAL_SECONDS
        super().set_accept_enabled(False)  # no wake-up for it meanwhile

    def set_accept_enabled(self, enabled: bool) -> None:
        """Asked by gunicorn's main loop on each turn while it is not accepting, with enabled
        while under worker_connections, and with False once the process stops."""
        if self.deferred is not None:
            if not enabled:
                self.deferred = None
            elif self.busy < self.cfg.threads or time.monotonic() >= self.deferred_until:
                listener, self.deferred = self.deferred, None
                super().accept(listener)  # unless another process took it meanwhile
            else:
                return
        super().set_accept_enabled(enabled)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        # No address: gunicorn's warning then reads "ip=" instead of the raw client address.
        super().handle_error(req, client, None, exc)


# A client polls its job's status while it builds (the Space twice a second for each
# visitor): the access log leaves out the answered polls, which would bury every other line.
# Each change of a job's status is an audit event; a refused poll is still logged.
_POLL = re.compile(r"^/jobs/[0-9a-fA-F-]{36}$")


class AccessLog(glogging.Logger):
    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if req.method == "GET" and _POLL.match(req.path) and (resp.status_code or 500) < 400:
            return
        super().access(resp, req, environ, request_time)
