"""Runs the local stack: an embedded Postgres when DATABASE_URL is unset, then the processes.

    python -m naturalcad.stack run              # API + worker (+ Space), until Ctrl-C or SIGTERM
    python -m naturalcad.stack exec -- CMD...   # CMD against a throwaway database, then clean up
    python -m naturalcad.stack manage -- ARGS   # manage.py ARGS against the local database

Children run in their own sessions so that this supervisor alone decides the order of
shutdown: the servers first, then Postgres. Nothing is left behind.
"""

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import httpx

# pgserver keeps its lock file in the runtime dir and warns when XDG_RUNTIME_DIR is unset.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STOP_TIMEOUT = 30


def start_embedded_postgres(data_dir: Path, *, throwaway: bool):
    import pgserver
    import psycopg

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="delete" if throwaway else "stop")
    info = server.get_postmaster_info()
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'naturalcad'").fetchone():
            conn.execute("CREATE DATABASE naturalcad")
    host = quote(str(info.socket_dir), safe="")
    return server, f"postgresql://postgres@{host}:{info.port}/naturalcad"


def child_env(database_url: str, secrets_file: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env.setdefault("NATURALCAD_PROFILE", "local")
    env.setdefault("PYTHONUNBUFFERED", "1")
    for name, value in local_secrets(secrets_file).items():
        env.setdefault(name, value)
    return env


LOCAL_SECRETS = ("SECRET_KEY", "IP_HASH_KEY")


def local_secrets(path: Path | None) -> dict[str, str]:
    """This machine's own signing and IP-hashing keys, made once and kept in `path` (0600),
    so links and hashes survive a restart; without a path, keys for this run only."""
    if path is not None and path.exists():
        return json.loads(path.read_text())
    values = {name: secrets.token_urlsafe(50) for name in LOCAL_SECRETS}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created with its final mode: the keys are never readable by others, not even briefly.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(values, out)
    return values


# Source maps and Redoc (we serve Swagger UI) left out: with them the bundled API docs triple
# what collectstatic copies and compresses.
COLLECTSTATIC = ["--no-input", "-v0", "-i", "*.map", "-i", "redoc"]
API_COMMAND = [PYTHON, "-m", "gunicorn", "-c", "python:naturalcad.gunicorn_conf", "naturalcad.wsgi"]


def _manage(*args: str) -> list[str]:
    return [PYTHON, str(ROOT / "manage.py"), *args]


def processes(env: dict[str, str]) -> dict[str, list[str]]:
    port = env.get("PORT", "8000")
    commands = {
        "api": API_COMMAND,
        "worker": _manage("run_worker"),
    }
    # NATURALCAD_SPACE=off leaves the Space out (a headless stack for tests and benches).
    if (ROOT / "space" / "app.py").exists() and env.get("NATURALCAD_SPACE") != "off":
        space_env = {
            "NATURALCAD_API_URL": f"http://127.0.0.1:{port}",
            "SPACE_PORT": "7860",
            "SPACE_TRUSTED_PROXIES": "0",  # locally nothing stands in front of the Space
        }
        for name, value in space_env.items():
            env.setdefault(name, value)
        if not env.get("NATURALCAD_API_KEY"):
            env["NATURALCAD_API_KEY"] = local_space_key(env)
        commands["space"] = [PYTHON, str(ROOT / "space" / "app.py")]
    return commands


def local_space_key(env: dict[str, str]) -> str:
    """A fresh `space` key for the local Space, so it speaks for each visitor as on Spaces."""
    command = _manage("create_api_key", "--name", "local-space", "--tier", "space", "--replace")
    result = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return result.stdout.strip().splitlines()[-1]


class Supervisor:
    """Starts the children, restarts any that exits, and stops them all on request.

    A child that exits is started again after a pause doubling from 1 s to RESTART_MAX_PAUSE
    (back to 1 s once it had run for STABLE_SECONDS), and at most RESTARTS_PER_MINUTE times
    in any minute: a crash loop (say, a worker while Postgres is down) slows down instead
    of spinning, and the stack heals by itself once the cause goes away.
    """

    RESTART_MAX_PAUSE = 8.0
    STABLE_SECONDS = 60.0
    RESTARTS_PER_MINUTE = 10

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.commands: dict[str, list[str]] = {}
        self.children: dict[str, subprocess.Popen] = {}
        self.started_at: dict[str, float] = {}
        self.pauses: dict[str, float] = {}
        self.restarts: dict[str, list[float]] = {}
        self.due: dict[str, float] = {}  # child -> monotonic time of its next start
        self.stopping = threading.Event()

    def start(self, commands: dict[str, list[str]]) -> None:
        self.commands = dict(commands)
        for name in commands:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        self.children[name] = subprocess.Popen(  # noqa: S603
            self.commands[name], cwd=ROOT, env=self.env, start_new_session=True
        )
        self.started_at[name] = time.monotonic()
        print(f"[stack] started {name} (pid {self.children[name].pid})", flush=True)

    def wait(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stopping.set())
        while not self.stopping.wait(0.5):
            now = time.monotonic()
            for name, child in self.children.items():
                if child.poll() is not None and name not in self.due:
                    _kill_leftovers(child.pid)
                    self.due[name] = self._schedule(name, now)
                    pause = self.due[name] - now
                    print(
                        f"[stack] {name} exited with {child.returncode}; "
                        f"restarting in {pause:.0f} s",
                        flush=True,
                    )
            for name, when in list(self.due.items()):
                if when <= now:
                    del self.due[name]
                    self.restarts.setdefault(name, []).append(now)
                    self._spawn(name)
        return 0

    def _schedule(self, name: str, now: float) -> float:
        """When to start `name` again: after its backoff pause, and within the cap."""
        ran = now - self.started_at[name]
        previous = self.pauses.get(name, 0.0)
        pause = 1.0 if ran >= self.STABLE_SECONDS or not previous else previous * 2
        self.pauses[name] = pause = min(pause, self.RESTART_MAX_PAUSE)
        recent = [t for t in self.restarts.get(name, []) if now - t < 60]
        self.restarts[name] = recent
        if len(recent) >= self.RESTARTS_PER_MINUTE:
            return max(now + pause, recent[0] + 60)
        return now + pause

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for name, child in self.children.items():
            try:
                child.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                print(f"[stack] {name} did not stop in {STOP_TIMEOUT} s; killing it", flush=True)
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
            _kill_leftovers(child.pid)


def _kill_leftovers(session: int) -> None:
    """A child's own children that outlived it (a killed worker's geometry processes)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(session, signal.SIGKILL)


def data_dir() -> Path:
    return Path(os.environ.get("NATURALCAD_DATA_DIR", ROOT / ".data"))


def database_url(throwaway: bool):
    """(server or None, url): the configured database, or an embedded one."""
    if os.environ.get("DATABASE_URL"):
        return None, os.environ["DATABASE_URL"]
    if throwaway:
        return start_embedded_postgres(
            Path(tempfile.mkdtemp(prefix="naturalcad-pg-")), throwaway=True
        )
    return start_embedded_postgres(data_dir() / "postgres", throwaway=False)


def run() -> int:
    server, url = database_url(throwaway=False)
    env = child_env(url, data_dir() / "secrets.json")
    try:
        for step in (("migrate", "--no-input"), ("collectstatic", *COLLECTSTATIC)):
            subprocess.run(_manage(*step), cwd=ROOT, env=env, check=True)  # noqa: S603
        supervisor = Supervisor(env)
        try:
            commands = processes(env)
            supervisor.start(commands)
            announce(env, space="space" in commands, stopping=supervisor.stopping)
            return supervisor.wait()
        finally:
            print("[stack] stopping", flush=True)
            supervisor.stop()
    finally:
        if server is not None:
            server.cleanup()
            stop_restarted_postgres(server)
            print("[stack] postgres stopped", flush=True)


def banner(env: dict[str, str], *, space: bool) -> str:
    api = f"http://127.0.0.1:{env.get('PORT', '8000')}"
    rows = [
        ("API", f"{api}/"),
        ("API docs", f"{api}/api/docs"),
        ("Admin", f"{api}/{env.get('ADMIN_URL', 'admin/').strip('/')}/"),
        *([("Space", f"http://127.0.0.1:{env['SPACE_PORT']}/")] if space else []),
    ]
    lines = [
        "NaturalCAD is running; Ctrl-C stops it all.",
        *(f"  {name:<9} {url}" for name, url in rows),
        "  make admin              creates an admin login (in another terminal)",
        '  make manage ARGS="..."  runs any manage.py command against this database',
    ]
    rule = "=" * max(map(len, lines))
    return "\n".join([rule, *lines, rule])


def announce(env: dict[str, str], *, space: bool, stopping: threading.Event) -> None:
    """The banner, printed once the API answers: after the servers' start-up lines, not
    buried in them."""

    def when_up() -> None:
        try:
            wait_until_up(f"http://127.0.0.1:{env.get('PORT', '8000')}/health", timeout=120)
        except TimeoutError:
            return  # the supervisor's own lines say what went wrong
        if not stopping.is_set():
            print(banner(env, space=space), flush=True)

    threading.Thread(target=when_up, name="banner", daemon=True).start()


def manage(args: list[str]) -> int:
    """manage.py ARGS against the local database: the embedded Postgres `make run` serves
    (pgserver shares a running server between processes), else started for this command and
    stopped after it; DATABASE_URL when set. With the stack's own keys (`secrets.json`)."""
    _raise_on_sigterm()
    server, url = database_url(throwaway=False)
    try:
        env = child_env(url, data_dir() / "secrets.json")
        return subprocess.run(_manage(*args), cwd=ROOT, env=env, check=False).returncode  # noqa: S603
    except KeyboardInterrupt:
        return 130
    finally:
        if server is not None:
            server.cleanup()


def stop_restarted_postgres(server) -> None:
    """pgserver stops the postmaster it started; one started again since (after a crash
    or an operator's restart) is stopped here, so that nothing is left behind."""
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import

    if (Path(server.pgdata) / "postmaster.pid").exists():
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def _raise_on_sigterm() -> None:
    """SIGTERM (a CI time-out, `kill`) unwinds like Ctrl-C, so `finally` stops Postgres."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def exec_command(command: list[str]) -> int:
    _raise_on_sigterm()
    server, url = database_url(throwaway=True)
    try:
        child = subprocess.Popen(command, cwd=ROOT, env=child_env(url))  # noqa: S603
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.terminate()
            child.wait()
            return 130
    finally:
        if server is not None:
            server.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m naturalcad.stack")
    parser.add_argument("action", choices=["run", "exec", "manage"])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.action == "run":
        return run()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    return manage(command) if args.action == "manage" else exec_command(command)


def wait_until_up(url: str, timeout: float = 60, process=None) -> None:
    """Block until GET url answers 200 (a freshly started server), or raise.

    With `process`, give up at once if it exits instead.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer 200 in {timeout:g} s")


if __name__ == "__main__":
    sys.exit(main())
