"""A hostile corpus against a real gunicorn, as the stack runs it: every answer is a 4xx in the
API's JSON error shape, never a 5xx, never HTML; a huge body is refused unread."""

import json
import os
import socket

import pytest

from tests.conftest import database_url
from tests.faults import api_server

# django_db so that the test database exists for the server; every request here is refused
# before it could write anything.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]
LIMIT = 16 * 1024  # REQUEST_MAX_BYTES of the server under test


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        url = database_url()
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"} | {
        "DATABASE_URL": url,
        "NATURALCAD_PROFILE": "local",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "2",
        "REQUEST_MAX_BYTES": str(LIMIT),
    }
    log_path = tmp_path_factory.mktemp("hostile") / "gunicorn.log"
    with api_server(env, log_path) as port:
        yield Server(port, log_path)


class Server:
    def __init__(self, port: int, log_path):
        self.port = port
        self.log_path = log_path

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=20)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def exchange(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        with self.connect() as sock:
            sock.sendall(raw)
            return read_response(sock)


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    status = int(lines[0].split()[1])
    if headers.get("transfer-encoding") == "chunked":
        while not body.endswith(b"0\r\n\r\n") and (chunk := sock.recv(65536)):
            body += chunk
        return status, headers, dechunk(body)
    length = int(headers.get("content-length", "0"))
    while len(body) < length and (chunk := sock.recv(65536)):
        body += chunk
    return status, headers, body[:length]


def dechunk(data: bytes) -> bytes:
    body = b""
    while True:
        size, _, data = data.partition(b"\r\n")
        if int(size, 16) == 0:
            return body
        body, data = body + data[: int(size, 16)], data[int(size, 16) + 2 :]


def request(method: str, path: str, body: bytes = b"", *extra: str, host="127.0.0.1") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *extra]
    if body and not any(e.lower().startswith(("content-length", "transfer-")) for e in extra):
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(data: bytes, size: int = 4096) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size])
        for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def assert_json_4xx(status: int, headers: dict[str, str], body: bytes) -> dict:
    assert 400 <= status < 500, (status, body[:300])
    assert headers["content-type"].startswith("application/json"), (status, body[:300])
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message", "details"}
    return error


DEEP_ARRAYS = b'{"prompt": "a cube", "client": ' + b"[" * 600 + b"]" * 600 + b"}"
DEEP_OBJECTS = b'{"prompt": "a cube", "client": ' + b'{"a":' * 1000 + b"1" + b"}" * 1000 + b"}"
JSON_HEADERS = ("Content-Type: application/json",)
CORPUS = {
    "deep arrays": request("POST", "/jobs", DEEP_ARRAYS),
    "deep objects": request("POST", "/jobs", DEEP_OBJECTS),
    "1e999": request("POST", "/jobs", b'{"prompt": "a cube", "client": {"n": 1e999}}'),
    "not utf-8": request("POST", "/jobs", b'{"prompt": "\xff\xfe"}'),
    "not json": request(
        "POST", "/jobs", b"prompt=a+cube", "Content-Type: text/plain", "Content-Length: 13"
    ),
    "bad host": request("GET", "/spec/schema", host="evil.example"),  # /health answers any Host
    "unknown path": request("GET", "/.env"),
    "bad content-length": request("POST", "/jobs", b"{}", *JSON_HEADERS, "Content-Length: 1x"),
    "two content-lengths": request(
        "POST", "/jobs", b"{}", *JSON_HEADERS, "Content-Length: 2", "Content-Length: 3"
    ),
    "length and chunked": request(
        "POST",
        "/jobs",
        chunked(b"{}"),
        *JSON_HEADERS,
        "Content-Length: 2",
        "Transfer-Encoding: chunked",
    ),
    "unknown transfer coding": request("POST", "/jobs", b"{}", "Transfer-Encoding: foo"),
    "bad chunk size": request(
        "POST", "/jobs", b"zz\r\n{}\r\n0\r\n\r\n", *JSON_HEADERS, "Transfer-Encoding: chunked"
    ),
    "header without colon": request("GET", "/health", b"", "NoColonHere"),
    "space in header name": request("GET", "/health", b"", "Bad Name: x"),
    "folded header": request("GET", "/health", b"", "X-A: 1", " folded"),
    "nul in header": request("GET", "/health", b"", "X-A: a\x00b"),
    "huge header": request("GET", "/health", b"", "X-A: " + "a" * 10000),
    "huge url": request("GET", "/" + "a" * 9000),
    "garbage request line": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    "bad method": request("G(T", "/health"),
    "bad version": b"GET /health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
}


@pytest.mark.parametrize("name", CORPUS)
def test_every_hostile_request_gets_a_json_4xx(server, name):
    assert_json_4xx(*server.exchange(CORPUS[name]))


def test_gunicorn_logs_its_refusals_without_the_client_address(server):
    server.exchange(CORPUS["header without colon"])
    server.exchange(CORPUS["garbage request line"])
    log = server.log_path.read_text()
    refusals = [line for line in log.splitlines() if "Invalid request" in line]
    assert refusals  # gunicorn did log them...
    assert not [line for line in refusals if "127.0.0.1" in line]  # ...naming no address


def test_a_small_chunked_body_is_read_not_ignored(server):
    # Read, the body is refused for its one bad field; ignored, it would lack a prompt.
    body = json.dumps({"prompt": "a 40 mm cube", "mode": "no-such-mode"}).encode()
    raw = request("POST", "/jobs", chunked(body, 7), *JSON_HEADERS, "Transfer-Encoding: chunked")
    error = assert_json_4xx(*server.exchange(raw))
    assert list(error["details"]) == ["mode"]


def refused_midstream(server: Server, head: bytes, piece: bytes, before_answer: int):
    """Send `head` and `before_answer` pieces, then wait for the answer: it can only come from
    what was sent so far. Then stream on towards 100 MB: the server must have closed the
    connection long before that. Returns the answer and the bytes of body sent in all."""
    sent = 0
    with server.connect() as sock:
        sock.sendall(head + piece * before_answer)
        response = read_response(sock)
        sent = len(piece) * before_answer
        try:
            while sent < HUNDRED_MB:
                sock.sendall(piece)
                sent += len(piece)
        except OSError:
            pass  # closed by the server: the point
    return response, sent


HUNDRED_MB = 100 * 1024 * 1024
PIECE = b" " * 1024


def test_a_streamed_100_mb_body_is_refused_before_a_byte_is_read(server):
    head = request("POST", "/jobs", b"", *JSON_HEADERS, f"Content-Length: {HUNDRED_MB}")
    response, sent = refused_midstream(server, head, PIECE, before_answer=0)
    assert (response[0], assert_json_4xx(*response)["code"]) == (413, "payload_too_large")
    assert sent < HUNDRED_MB / 4


def test_a_streamed_chunked_body_is_refused_after_reading_at_most_the_limit(server):
    head = request("POST", "/jobs", b"", *JSON_HEADERS, "Transfer-Encoding: chunked")
    piece = b"%x\r\n%s\r\n" % (len(PIECE), PIECE)
    response, sent = refused_midstream(server, head, piece, before_answer=LIMIT // 1024 + 1)
    assert (response[0], assert_json_4xx(*response)["code"]) == (413, "payload_too_large")
    assert sent < HUNDRED_MB / 4
