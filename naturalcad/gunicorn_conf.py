"""gunicorn settings shared by `make run`, the Dockerfile and fly.toml."""

import os

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
