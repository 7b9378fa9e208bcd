"""gunicorn settings shared by `make run`, the Dockerfile and fly.toml."""

import gc
import os
from typing import Any

bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
graceful_timeout = 10
control_socket_disable = True
accesslog = "-"
logger_class = "naturalcad.gunicorn_worker.AccessLog"  # without the status polls
# No client address in the log: IPs are stored only as keyed hashes, and logs are stored too.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# Answers gunicorn's own refusals in the API's JSON shape and logs them without the client IP.
worker_class = "naturalcad.gunicorn_worker.Worker"


def post_worker_init(worker: Any) -> None:
    """What a process loads at its start (Django, DRF, the URL conf and every view) lives as long
    as the process: frozen out of the collector's reach, a full collection scans only what the
    requests left. Measured under load (bench/api.py's 1,000 clients, three runs of each): the
    longest pause, which every thread of the process waits through, went from 111-132 ms to
    69-80 ms, and the collector's time from 1.4-1.6 s to 0.8-1.1 s a process."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 -- imported by the first request otherwise
    gc.collect()  # what is garbage already is freed, not kept for good
    gc.freeze()
