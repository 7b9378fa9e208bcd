"""The web's gunicorn worker, in real gunicorn processes: a process whose threads are all busy
leaves a new connection to one with a thread free, and takes it if none does
(tests/naturalcad/held_app.py holds threads)."""

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.faults import ROOT, free_port, until


class Web:
    def __init__(self, server: subprocess.Popen, port: int, fifos: Path):
        self.server, self.port, self.fifos = server, port, fifos

    def took(self, sock: socket.socket) -> bool:
        """Whether a process of the server has accepted the connection `sock` is the client
        end of (one waiting in the kernel's queue is no process's yet)."""
        end = sock.getsockname()
        for process in psutil.Process(self.server.pid).children():
            if any(c.raddr and tuple(c.raddr) == end for c in process.net_connections("tcp")):
                return True
        return False

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
def serve(tmp_path: Path) -> Iterator[Callable[[int], Web]]:
    """Starts gunicorn with the web's worker: `processes` of one thread each (the web runs
    more threads)."""
    servers: list[subprocess.Popen] = []

    def start(processes: int) -> Web:
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-w", str(processes), "--threads", "1"]
        command += ["-b", f"127.0.0.1:{port}", "-k", "naturalcad.gunicorn_worker.Worker"]
        env = os.environ | {"HELD_FIFOS": str(tmp_path)}
        servers.append(
            subprocess.Popen(
                [*command, "tests.naturalcad.held_app:app"],
                cwd=ROOT,
                env=env,
                stderr=subprocess.DEVNULL,
            )
        )
        base = f"http://127.0.0.1:{port}"
        until(lambda: httpx.get(base + "/").status_code == 200, 30, "gunicorn up")
        return Web(servers[-1], port, tmp_path)

    yield start
    for server in servers:
        server.kill()
        server.wait()


def test_a_process_whose_threads_are_all_busy_leaves_new_connections_to_the_others(serve):
    web = serve(2)
    held, fifo = web.hold("a")
    answered_by = {answer(web.send("/")) for _ in range(10)}
    os.close(fifo)
    holder = answer(held)
    # gunicorn's own worker would have taken some of them and kept them behind the held thread.
    assert len(answered_by) == 1
    assert holder not in answered_by


def test_a_busy_process_takes_a_connection_no_other_process_takes(serve):
    web = serve(1)
    held, fifo = web.hold("a")
    waiting = web.send("/")
    # Taken while the thread is still held: it does not wait for a free moment, which a busy
    # process's own kept-alive connections may never leave it.
    until(lambda: web.took(waiting), 5, "the waiting connection taken")
    os.close(fifo)
    assert answer(waiting) == answer(held)
