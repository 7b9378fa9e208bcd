"""The web's gunicorn worker, in real gunicorn processes: a process takes a new connection
only while one of its threads is free (tests/naturalcad/held_app.py holds threads)."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults import ROOT, free_port, until


class Web:
    def __init__(self, port: int, fifos: Path):
        self.port, self.fifos = port, fifos

    def send(self, path: str) -> socket.socket:
        """A new connection with one request on it; the kernel completes the connection even
        while no process accepts it."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=20)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        return sock

    def hold(self, name: str) -> tuple[socket.socket, int]:
        """A request that holds a thread, and the test's end of its FIFO, once it is held."""
        os.mkfifo(self.fifos / name)
        sock = self.send(f"/hold/{name}")

        def held() -> int | None:
            try:  # without a reader, opening for writing fails at once instead of waiting
                return os.open(self.fifos / name, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                return None

        return sock, until(held, 20, f"the thread of /hold/{name} held")


def answer(sock: socket.socket) -> int:
    """The id of the process that answered."""
    with sock:
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return int(body)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    """Two processes of one thread each, as the web runs them (with more threads there)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "1", "-b"]
    command += [f"127.0.0.1:{port}", "-k", "naturalcad.gunicorn_worker.Worker"]
    env = os.environ | {"HELD_FIFOS": str(tmp_path)}
    server = subprocess.Popen(
        [*command, "tests.naturalcad.held_app:app"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        until(lambda: httpx.get(base + "/").status_code == 200, 30, "gunicorn up")
        yield Web(port, tmp_path)
    finally:
        server.kill()
        server.wait()


def test_a_process_whose_threads_are_all_busy_leaves_new_connections_to_the_others(web):
    held, fifo = web.hold("a")
    answered_by = {answer(web.send("/")) for _ in range(10)}
    os.close(fifo)
    holder = answer(held)
    # gunicorn's own worker would have taken some of them and kept them behind the held thread.
    assert len(answered_by) == 1
    assert holder not in answered_by


def test_a_process_takes_connections_again_once_a_thread_is_free(web):
    first, first_fifo = web.hold("first")
    second, second_fifo = web.hold("second")  # in the other process: the first is busy
    waiting = web.send("/")  # neither process is free to take it
    os.close(first_fifo)
    holder = answer(first)
    assert answer(waiting) == holder
    os.close(second_fifo)
    assert answer(second) != holder
