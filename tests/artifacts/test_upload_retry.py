"""Uploads survive a flaky store: a real HTTP proxy answers 503 once per object, then forwards."""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from artifacts.models import Artifact
from jobs import pipeline
from jobs.models import JobStatus
from naturalcad.storage_settings import build_storages

pytestmark = pytest.mark.slow


class FlakyProxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # answers boto's `Expect: 100-continue` at once
    upstream = ""
    puts: Counter = Counter()

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.command == "PUT":
            self.puts[self.path] += 1
            if self.puts[self.path] == 1:
                self.send_response(503)
                self.send_header("content-length", "0")
                self.end_headers()
                return
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        reply = httpx.request(
            self.command, self.upstream + self.path, headers=headers, content=body
        )
        self.send_response(reply.status_code)
        for name, value in reply.headers.items():
            if name.lower() not in ("transfer-encoding", "connection", "content-encoding"):
                self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.content)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _forward

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_store(s3, s3_server, settings, monkeypatch):
    FlakyProxy.upstream = s3_server
    FlakyProxy.puts = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{server.server_address[1]}")
    settings.STORAGES = build_storages(60)
    yield FlakyProxy.puts
    server.shutdown()


def test_a_503_on_upload_is_retried_and_the_job_completes(flaky_store, s3, make_job):
    job = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    # each object (the part's four files and the drawing's three): 503, then OK
    assert len(flaky_store) == job.artifacts.count() == 7
    assert set(flaky_store.values()) == {2}
    assert s3.object_keys() == {a.storage_key for a in Artifact.objects.filter(job=job)}
