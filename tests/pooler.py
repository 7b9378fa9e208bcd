"""A real PgBouncer in transaction mode in front of a Postgres, as Supabase's transaction
pooler stands in front of production's: TLS (a throwaway self-signed certificate) and SCRAM,
so a new connection costs what it costs there. Shared by tests/test_pooler.py and
bench/pooler.py; Debian's package `pgbouncer` (.ci/run installs it)."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.faults import free_port, until

PGBOUNCER = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")
needs_pgbouncer = pytest.mark.skipif(
    not (PGBOUNCER and shutil.which("openssl")),
    reason="POOLER TESTS SKIPPED: no pgbouncer (or no openssl) on this machine",
)
USER, PASSWORD = "web", "pooler-test-password"  # what the web logs in to the pooler with


class PgBouncer:
    """Started on a free port; `url` is what DATABASE_URL would be behind it."""

    def __init__(self, database_url: str):
        self.dir = Path(tempfile.mkdtemp(prefix="naturalcad-pgbouncer-"))
        self.port = free_port()
        self.url = (
            f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/naturalcad?sslmode=require"
        )
        self.log = self.dir / "pgbouncer.log"
        self.process: subprocess.Popen | None = None
        try:
            socket_dir = self._configure(database_url)
            # It refuses to run as root: then as the owner of Postgres's socket, which it opens.
            owner = Path(socket_dir).owner() if socket_dir.startswith("/") else "root"
            self.as_user = (
                ["-u", "nobody" if owner == "root" else owner] if os.geteuid() == 0 else []
            )
            self.start()
        except BaseException:
            self.close()
            raise

    def _configure(self, database_url: str) -> str:
        """Its files: a certificate, the web's login, the settings. Returns Postgres's host."""
        upstream = urlsplit(database_url)
        userinfo, _, where = upstream.netloc.rpartition("@")
        # Postgres's address may be a socket directory (quoted), which urlsplit would lowercase.
        host, _, port = where.rpartition(":") if ":" in where else (where, "", "5432")
        user, _, password = (unquote(part) for part in userinfo.partition(":"))
        login = f"user={user or 'postgres'}" + (f" password={password}" if password else "")
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "cert.pem"),
            ],
            cwd=self.dir,
            check=True,
            capture_output=True,
        )
        (self.dir / "users.txt").write_text(f'"{USER}" "{PASSWORD}"\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"""[databases]
naturalcad = host={unquote(host)} port={port} dbname={unquote(upstream.path[1:])} {login}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
pool_mode = transaction
auth_type = scram-sha-256
auth_file = {self.dir}/users.txt
client_tls_sslmode = require
client_tls_key_file = {self.dir}/key.pem
client_tls_cert_file = {self.dir}/cert.pem
max_client_conn = 200
default_pool_size = 20
logfile = {self.log}
"""
        )
        self.log.touch()
        self.dir.chmod(0o755)  # readable by the user it runs as
        for path in self.dir.iterdir():
            path.chmod(0o666 if path == self.log else 0o644)
        return unquote(host)

    def start(self) -> None:
        with (self.dir / "stderr.txt").open("a") as stderr:
            self.process = subprocess.Popen(
                [PGBOUNCER, *self.as_user, str(self.dir / "pgbouncer.ini")],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        until(self._listening, 10, "pgbouncer listening")

    def _listening(self) -> bool:
        assert self.process is not None
        assert self.process.poll() is None, (self.dir / "stderr.txt").read_text()
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return False
        return True

    def stop(self) -> None:
        """Gone at once, as a crash or a lost host would leave it: every connection cut (its
        signals' meanings changed across versions; from 1.23 SIGTERM waits for the clients)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def logins(self) -> int:
        """Client connections made so far (each logs its login)."""
        return self.log.read_text().count("login attempt")

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
