"""gunicorn's threaded worker, answering the requests it refuses itself (a malformed request
line or header, a bad chunk) in the API's JSON error shape and logging them without the
client's address.

gunicorn writes these answers with `gunicorn.util.write_error` (an HTML page) and logs
"Invalid request from ip=<address>"; neither reaches Django, so both are replaced here.
"""

import json
import re
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


class Worker(ThreadWorker):
    """gunicorn's threaded worker that takes a new connection only while one of its threads is
    free.

    gunicorn's own takes every connection it can, and a kept-alive connection stays with the
    process that took it: 12 to 16 of wrk's 16 connections went to one process in 6 of
    bench/accept.py's 16 runs, whose requests then queued for its threads, one Python at a
    time, while the other process had little to do. Left in the kernel's queue instead, a
    connection goes to the first process with a thread free: 8 and 8, or 7 and 9, in every
    run. Throughput is unchanged in the median; the tail is not (status polls' p99 40 -> 31 ms,
    the slowest run's 53 -> 35 ms)."""

    busy = 0  # requests handed to the thread pool and not yet finished

    def enqueue_req(self, conn: Any) -> None:
        self.busy += 1
        super().enqueue_req(conn)
        self.set_accept_enabled(self.alive)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.busy -= 1
        super().finish_request(conn, fs)  # which may hand the connection over again
        self.set_accept_enabled(self.alive)

    def set_accept_enabled(self, enabled: bool) -> None:
        # Also asked by gunicorn's main loop on each turn, with enabled while under
        # worker_connections, and with False once the process stops.
        free = self.busy < self.cfg.threads and self.nr_conns < self.worker_connections
        super().set_accept_enabled(enabled and free)

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
