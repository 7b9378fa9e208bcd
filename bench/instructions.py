"""Instructions the web process spends on one POST /jobs, against the bare service's POST, in
one run: counted by callgrind, so the figure repeats to within about 1 % whatever else the
machine is doing, where throughput on this shared machine swings by a fifth between runs.

    apt-get install -y valgrind      (once)
    python -m naturalcad.stack exec -- python bench/instructions.py

Each service is driven in process by Django's test client (no gunicorn, no wrk: only what
Django, DRF and our code do for a request, with its database round trips), as bench/api.py's
1,000 clients: a `space` key forwarding 1,000 end-user addresses. A child process posts
WARM_UP requests and then COUNT more under callgrind, and a second child WARM_UP and
COUNT // 4: the difference over the extra requests is the cost of one, start-up taken out.
The ratio is the bare service's count over ours, as bench/api.py's "by CPU per request".

Under callgrind a request takes about 50 times as long: the process-wide time limits that
spread a cost over the requests of a real second (the queue depth recounted once a second, the
API key read again after 5 s, one announcement every 20 ms) are stretched alike here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COUNT = int(os.environ.get("INSTRUCTIONS_COUNT", "200"))  # requests counted, the longer child
WARM_UP = 20  # requests before counting: connections opened, statements prepared
SLOWDOWN = 50  # how much longer a request takes under callgrind, roughly
BODY = '{"prompt": "a 40 mm cube"}'


def child(service: str, requests: int) -> None:
    """Post WARM_UP + `requests` requests to `service` in this process."""
    import django

    django.setup()
    from django.test import Client

    path, headers = "/rows", {}
    if service == "ours":
        from jobs import access, announcer
        from jobs.access import issue_api_key
        from jobs.models import Tier

        access.QUEUE_DEPTH_RECOUNT_SECONDS *= SLOWDOWN
        access.API_KEY_TTL_SECONDS *= SLOWDOWN
        announcer.ANNOUNCE_INTERVAL_SECONDS *= SLOWDOWN
        _, key = issue_api_key("bench-instructions", Tier.SPACE)
        path, headers = "/jobs", {"Authorization": f"Bearer {key}"}
    client = Client(HTTP_HOST="127.0.0.1")
    for n in range(WARM_UP + requests):
        headers["X-End-User-IP"] = f"10.1.{n * 7919 % 1000 // 256}.{n * 7919 % 1000 % 256}"
        response = client.post(path, BODY, content_type="application/json", headers=headers)
        assert response.status_code in (201, 202), response.content


def instructions(service: str, requests: int) -> int:
    """What callgrind counted over a child posting WARM_UP + `requests` requests."""
    command = [
        *("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"),
        *(sys.executable, __file__, "--child", service, str(requests)),
    ]
    # bench/api.py's environment (limits out of the way), on the service's settings; one hash
    # seed for every child: dict and set layouts, so the counts, repeat.
    settings = {"bare": "bench.bare.settings", "ours": "naturalcad.settings"}[service]
    env = os.environ | {"DJANGO_SETTINGS_MODULE": settings, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def per_request(service: str) -> float:
    few = COUNT // 4
    return (instructions(service, COUNT) - instructions(service, few)) / (COUNT - few)


def main() -> None:
    import bench.api as B  # sets Django up on this run's database

    B.migrate()
    bare, ours = per_request("bare"), per_request("ours")
    print(f"instructions per request, in process, callgrind ({COUNT} requests less {COUNT // 4})")
    print(f"  bare insert  {bare / 1e6:6.2f} M")
    print(f"  POST /jobs   {ours / 1e6:6.2f} M   ratio {bare / ours:4.0%}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
