"""POST /jobs and GET /jobs/{id} against a bare Django + DRF service, in one run.

    apt-get install -y wrk      (once)
    python -m naturalcad.stack exec -- python bench/api.py     (or: make bench)

Both services run under the same gunicorn settings (2 processes x 4 threads) on the same
Postgres, started by this run; `wrk -t2 -c16` drives each in turn, interleaved, so machine
noise affects both alike: three runs of each per shape (BENCH_PAIRS), each ratio against the
bare run beside it, and their median. The bare service's POST validates a prompt and
inserts one row, its GET reads one row by key: the ceiling any Django + DRF endpoint on this
machine can reach.

Load shapes: one client (one IP, one session: every request contends for one client's
limits and cap), and 1,000 clients (a `space` key forwarding 1,000 end-user addresses).
Table states: empty, and 10,000 finished plus 1,000 queued jobs. Limits are set high enough
that every request is accepted, so the API does all of its work on each. Targets: POST >= 50 %
of the bare insert with 1,000 clients (p99 <= 50 ms), >= 35 % with one client, within 20 %
with the big tables; GET >= 60 % of the bare GET. Each web process of both also times its
garbage collector (bench/gc_pauses): the longest pause, which holds every thread of a process,
is printed for each service.
"""

import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {
    "DJANGO_SETTINGS_MODULE": "naturalcad.settings",
    "DEBUG": "false",  # as deployed: DEBUG keeps every query in memory
    "SECRET_KEY": "bench-only-not-a-secret",
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "MEDIA_ROOT": tempfile.mkdtemp(prefix="naturalcad-bench-"),
    "WEB_CONCURRENCY": "2",
    "WEB_THREADS": "4",
    "RATE_LIMIT_ANONYMOUS": "100000000/d",
    "RATE_LIMIT_SESSION": "100000000/d",
    "RATE_LIMIT_SPACE": "100000000/d",
    "RATE_LIMIT_SPACE_USER": "100000000/d",
    "MAX_UNFINISHED_PER_CLIENT": "100000000",
    "MAX_QUEUE_DEPTH": "100000000",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from artifacts.kinds import CONTENT_TYPES  # noqa: E402
from artifacts.models import Artifact  # noqa: E402
from jobs.access import issue_api_key  # noqa: E402
from jobs.models import Job, JobStatus, Tier  # noqa: E402
from jobs.queue import BUILD_QUEUE, BUILD_TASK  # noqa: E402
from naturalcad.stack import API_COMMAND, wait_until_up  # noqa: E402
from tests.faults import free_port  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PAIRS = int(os.environ.get("BENCH_PAIRS", "3"))  # runs of each service per shape, in turns
CONNECTIONS = 16
CLIENTS = 1000
FINISHED, QUEUED = 10_000, 1_000
BODY = '{"prompt": "a 40 mm cube", "session_id": "bench"}'
BARE_COMMAND = [*API_COMMAND[:-1], "bench.bare.wsgi"]
GC_PAUSES = ROOT / "bench" / "gc_pauses"  # its sitecustomize times each collection
DATABASE: psutil.Process  # this run's Postgres, found once it is up


@dataclass
class Run:
    rps: float
    p50: float  # ms
    p99: float  # ms
    failed: int
    app_ms: float  # CPU of the service's processes per request
    db_ms: float  # CPU of the database's processes per request
    # wrk's connections held by each web process, halfway through: each stays with the
    # process that took it, so an uneven split is uneven load.
    split: list[int]

    def __str__(self) -> str:
        bad = f", {self.failed} FAILED" if self.failed else ""
        return (
            f"{self.rps:7.0f} req/s  p50 {self.p50:6.1f} ms  p99 {self.p99:6.1f} ms"
            f"  CPU/request {self.app_ms:4.2f} + {self.db_ms:4.2f} ms (db)"
            f"  connections {'/'.join(map(str, self.split))}{bad}"
        )


def lua(method: str, body: str, headers: dict[str, str], forwarded: bool) -> str:
    """A wrk script; with `forwarded`, each request speaks for one of CLIENTS addresses."""
    lines = [f'wrk.method = "{method}"', f"wrk.body = [[{body}]]"]
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if forwarded:
        # Each wrk thread starts at its own place in the walk over the addresses: with one
        # start, both threads would speak for the same person at the same moment.
        lines += [
            "local threads = 0",
            "function setup(thread)",
            f'  thread:set("first", threads * {CLIENTS // 2}); threads = threads + 1',
            "end",
            "local n = 0",
            "function init(args) n = first or 0 end",
            "request = function()",
            f"  n = (n + 7919) % {CLIENTS}",
            '  wrk.headers["X-End-User-IP"] = "10.1." .. math.floor(n / 256) .. "." .. (n % 256)',
            "  return wrk.format()",
            "end",
        ]
    return "\n".join(lines) + "\n"


def cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    """CPU time spent so far by each process still running, by pid, with that of its children
    that ended: a connection's backend ends when Django closes a connection past its
    CONN_MAX_AGE, mid-run, and its time is then its parent's (the postmaster's) to report."""
    spent = {}
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # ended since the tree was listed
            times = process.cpu_times()
            spent[process.pid] = (
                times.user + times.system + times.children_user + times.children_system
            )
    return spent


def since(before: dict[int, float], now: dict[int, float]) -> float:
    """CPU time spent between the two readings: a process started since counts whole, and one
    that ended counts in its parent's children (so its time before the first reading is taken
    off)."""
    return sum(now.values()) - sum(before.values())


def tree(process: psutil.Process) -> list[psutil.Process]:
    return [process, *process.children(recursive=True)]


def database_server() -> psutil.Process:
    """This run's Postgres (its postmaster): other Postgres servers on the machine are not ours."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        (data,) = cursor.fetchone()
    return psutil.Process(int((Path(data) / "postmaster.pid").read_text().split()[0]))


def wrk(url: str, script: str, server: subprocess.Popen) -> Run:
    """One wrk run against `server`, with the CPU time its processes and the database's spent
    per request (less noisy than throughput on a shared machine)."""
    app, database = tree(psutil.Process(server.pid)), tree(DATABASE)
    before = cpu_seconds(app), cpu_seconds(database)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(script)
        file.flush()
        command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s"]
        load = subprocess.Popen([*command, file.name, url], stdout=subprocess.PIPE, text=True)
        with contextlib.suppress(subprocess.TimeoutExpired):
            load.wait(SECONDS / 2)
        split = connections(server)
        out, _ = load.communicate()
        if load.returncode:
            raise subprocess.CalledProcessError(load.returncode, command)
    app, database = tree(psutil.Process(server.pid)), tree(DATABASE)
    spent = since(before[0], cpu_seconds(app)), since(before[1], cpu_seconds(database))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        p99=_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        failed=(int(failed.group(1)) if failed else 0)
        + (sum(map(int, errors.groups())) if errors else 0),
        app_ms=1000 * spent[0] / max(requests, 1),
        db_ms=1000 * spent[1] / max(requests, 1),
        split=split,
    )


def connections(server: subprocess.Popen) -> list[int]:
    """The established connections to the server's port held by each of its web processes,
    fewest first."""
    port = int(server.base_url.rsplit(":", 1)[1])
    return sorted(
        sum(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port for c in held)
        for held in (w.net_connections("tcp") for w in psutil.Process(server.pid).children())
    )


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def start(command: list[str], health: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    port = free_port()
    pauses = tempfile.mkdtemp(prefix="naturalcad-gc-")  # bench/gc_pauses writes there
    path = os.pathsep.join(filter(None, [str(GC_PAUSES), os.environ.get("PYTHONPATH")]))
    env = os.environ | (env or {})
    env |= {"PORT": str(port), "PYTHONPATH": path, "NATURALCAD_GC_PAUSES": pauses}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    server.base_url = f"http://127.0.0.1:{port}"
    server.pauses = Path(pauses)
    wait_until_up(server.base_url + health, process=server)
    return server


def longest_pause(server: subprocess.Popen) -> float:
    """The longest garbage-collector pause any of the server's processes had, in ms."""
    readings = [file.read_text().split() for file in server.pauses.iterdir()]
    return max((float(longest) for longest, _total in readings), default=0.0)


def reset(big: bool) -> None:
    """Empty tables, or FINISHED completed and QUEUED queued jobs (with their queue rows)."""
    with connection.cursor() as cursor:
        # In the order a POST takes them (its counters; then the job, its events and its
        # queue entry), so that truncating while the last request of a run still commits
        # waits for it instead of deadlocking.
        cursor.execute(
            "TRUNCATE rate_limits, jobs_job, audit_auditevent, procrastinate_jobs,"
            " artifacts_artifact, bench_bare_row CASCADE"
        )
    if big:
        jobs = [
            Job(
                prompt=f"a {i % 90 + 10} mm cube",
                normalized_prompt=f"a {i % 90 + 10} mm cube",
                status=JobStatus.COMPLETED if i < FINISHED else JobStatus.QUEUED,
                ip_hash=f"{i % CLIENTS:064x}",
            )
            for i in range(FINISHED + QUEUED)
        ]
        Job.objects.bulk_create(jobs, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
                " SELECT %s, %s, jsonb_build_object('job_id', id::text)"
                " FROM jobs_job WHERE status = 'queued'",
                [BUILD_QUEUE, BUILD_TASK],
            )
            cursor.execute("ANALYZE")
    # Empty tables stay never analyzed, as a new deployment's are (TRUNCATE leaves them so).
    # Statistics saying "no rows" while a run fills the tables would make each connection's
    # cached plans for the foreign-key checks scan the whole table on every insert: five scans
    # of jobs_job a POST, 44 million rows read over one run, a state no deployment holds for
    # long (autovacuum analyzes a table as it grows). It had cost a POST 0.4-0.9 ms of Postgres.


def completed_job() -> Job:
    """A completed job with its four files: what a client reads when its part is ready."""
    job = Job.objects.create(
        prompt="a 40 mm cube", normalized_prompt="a 40 mm cube", status=JobStatus.COMPLETED
    )
    Artifact.objects.bulk_create(
        Artifact(
            job=job,
            kind=kind,
            storage_key=f"bench/{kind}",
            size_bytes=1000,
            sha256="0" * 64,
            content_type=CONTENT_TYPES[kind],
            expires_at="2999-01-01T00:00:00Z",
        )
        for kind in ("stl", "step", "glb", "png")
    )
    return job


def statements(space_key: str) -> tuple[int, int]:
    """Round trips of one POST /jobs (a forwarded client; the queue depth counted too) and one
    GET /jobs/{id}."""
    client = TestClient()
    headers = {"Authorization": f"Bearer {space_key}", "X-End-User-IP": "10.9.9.9"}
    with CaptureQueriesContext(connection) as posting:
        response = client.post("/jobs", BODY, content_type="application/json", headers=headers)
    assert response.status_code == 202, response.content
    job = completed_job()
    with CaptureQueriesContext(connection) as getting:
        assert client.get(f"/jobs/{job.id}").status_code == 200
    return len(posting), len(getting)


def ratio(ours: Run, bare: Run) -> str:
    """Throughput of ours / the bare's; and by CPU per request, the bare's / ours."""
    cpu = (bare.app_ms + bare.db_ms) / max(ours.app_ms + ours.db_ms, 1e-9)
    return f"{ours.rps / bare.rps:5.0%} (by CPU per request {cpu:4.0%})"


def measure(
    bare: subprocess.Popen,
    bare_path: str,
    ours: subprocess.Popen,
    our_path: str,
    script: str,
    big: bool | None,
    run: Callable[[str, str, subprocess.Popen], Run] = wrk,
) -> list[tuple[Run, Run]]:
    """PAIRS runs of each service, taking turns (the bare one, then ours), after a warm-up of
    both; the tables reset before each run unless `big` is None (a read leaves them as they are).
    `run` is one wrk run (a caller may read more around it)."""
    run(bare.base_url + bare_path, script, bare)  # warm-up of both: connections, imports
    run(ours.base_url + our_path, script, ours)
    pairs = []
    for _ in range(PAIRS):
        if big is not None:
            reset(big)
        base = run(bare.base_url + bare_path, script, bare)
        if big is not None:
            reset(big)
        pairs.append((run(ours.base_url + our_path, script, ours), base))
    return pairs


def median_ratio(pairs: list[tuple[Run, Run]]) -> float:
    return statistics.median(mine.rps / base.rps for mine, base in pairs)


def report(title: str, names: tuple[str, str], pairs: list[tuple[Run, Run]]) -> None:
    """Each pair as measured, then the medians: one slow reading on this shared machine
    (either side's) moves a median of three less than it moves a single ratio."""
    print(f"{title}:")
    for mine, base in pairs:
        print(f"  {names[0]} {base}")
        print(f"  {names[1]} {mine}   ratio {ratio(mine, base)}")
    cpu = statistics.median(
        (base.app_ms + base.db_ms) / max(mine.app_ms + mine.db_ms, 1e-9) for mine, base in pairs
    )
    print(
        f"  median of {len(pairs)}: ratio {median_ratio(pairs):.0%} (by CPU per request {cpu:.0%}),"
        f" p99 {statistics.median(mine.p99 for mine, _ in pairs):.1f} ms"
        f" ({names[0].strip()} {statistics.median(base.p99 for _, base in pairs):.1f} ms)"
    )


def migrate() -> None:
    """The API's tables, and the bare service's."""
    call_command("migrate", verbosity=0)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--run-syncdb", "-v0"],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "bench.bare.settings"},
        check=True,
    )


def prepare() -> str:
    """This run's tables, its Postgres found and a Space key, which is returned."""
    migrate()
    global DATABASE
    DATABASE = database_server()
    _, space_key = issue_api_key("bench", Tier.SPACE)
    reset(big=False)
    return space_key


def clients_post(space_key: str) -> str:
    """The wrk script of a POST from one of CLIENTS end users, through the Space's key."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {space_key}"}
    return lua("POST", BODY.replace(', "session_id": "bench"', ""), headers, True)


def main() -> None:
    load = os.getloadavg()[0]
    space_key = prepare()
    posts, gets = statements(space_key)
    reset(big=False)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare_row (prompt, created_at) VALUES ('x', now())")
    bare = start([*BARE_COMMAND, "--access-logfile", "/dev/null"], "/rows/1")
    ours = start([*API_COMMAND, "--access-logfile", "/dev/null"], "/health")
    try:
        shapes = {
            "one client": (lua("POST", BODY, {"Content-Type": "application/json"}, False)),
            f"{CLIENTS} clients": clients_post(space_key),
        }
        results = {}
        for big in (False, True):
            state = f"{FINISHED} finished + {QUEUED} queued jobs" if big else "empty tables"
            for shape, script in shapes.items():
                reset(big)
                results[(state, shape)] = measure(bare, "/rows", ours, "/jobs", script, big)
        reset(big=False)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_bare_row (prompt, created_at) VALUES ('x', now())")
            cursor.execute("SELECT max(id) FROM bench_bare_row")
            row = cursor.fetchone()[0]
        job = completed_job()
        get_script = lua("GET", "", {}, False)
        gets_measured = measure(bare, f"/rows/{row}", ours, f"/jobs/{job.id}", get_script, None)
    finally:
        for server in (bare, ours):
            server.terminate()
            server.wait()
    print(
        f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s; gunicorn 2 processes x 4 threads for both;"
        f" {os.cpu_count()} cores; load average at start: {load:.1f}"
    )
    print(f"round trips per request (BEGIN, COMMIT too): POST /jobs {posts}, GET /jobs/x {gets}")
    for (state, shape), pairs in results.items():
        report(f"POST, {shape}, {state}", ("bare insert", "POST /jobs "), pairs)
    report("GET of a completed job with 4 files", ("bare GET   ", "GET /jobs/x"), gets_measured)
    print(
        "longest garbage-collector pause in a web process over the run:"
        f" bare {longest_pause(bare):.1f} ms, ours {longest_pause(ours):.1f} ms"
    )
    # Ratio against ratio, each against the bare runs beside it: the machine's drift between
    # the two states cancels out, as it would not in our throughput of one state over the other.
    empty = {
        shape: median_ratio(pairs) for (state, shape), pairs in results.items() if "empty" in state
    }
    for (state, shape), pairs in results.items():
        if "empty" not in state:
            print(
                f"median ratio with the big tables / with empty tables, {shape}:"
                f" {median_ratio(pairs) / empty[shape]:.2f} (target >= 0.8)"
            )


if __name__ == "__main__":
    main()
