"""Instructions per request, counted by callgrind, for comparing changes to the Python side.

    .venv/bin/python -m bench.instructions api_list_uncached filtered [--requests 100]

CPU time on a shared machine moves with its load (the README's Performance section saw the same
page take 3.1 and 4.5 ms within an hour); the number of instructions a request executes does
not. For each endpoint of the load runner (bench/endpoints.py), or a path given instead, this
runs Django in process under `valgrind --tool=callgrind` twice: a warm-up alone, then the
warm-up and N requests, each uncached (the endpoint's cache-busting token is unique per
request), and prints the difference ÷ N. It needs valgrind (Debian's package) and the
benchmark's database (`make bench` builds it). The settings are the production ones that
`make bench` serves (bench.run.django_env), with plain static storage, so that no
collectstatic is needed. PostgreSQL's and Redis's own work is not counted: it runs in their
processes.
"""

import argparse
import itertools
import re
import shutil
import subprocess
import sys
import time

WARMUP = 20
COLLECTED = re.compile(r"Collected : (\d+)")


def paths_for(name: str) -> tuple[str, ...]:
    from bench.endpoints import load_endpoints

    if name.startswith("/"):
        return (name,)
    endpoints = {endpoint.name: endpoint for endpoint in load_endpoints(["/"])}
    if name not in endpoints:
        raise SystemExit(f"unknown endpoint {name!r}: one of {', '.join(endpoints)}, or a path")
    return endpoints[name].paths


def serve(paths: tuple[str, ...], requests: int) -> None:
    """The child: WARMUP + `requests` requests through Django's WSGI handler."""
    import gc
    import io

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from bench.endpoints import NONCE

    handler = WSGIHandler()
    tokens = itertools.count(time.time_ns())

    def get(path: str) -> None:
        path, _, query = path.replace(NONCE, str(next(tokens))).partition("?")
        status = []
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_ACCEPT_ENCODING": "gzip",
            "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        }  # fmt: skip
        body = handler(environ, lambda line, headers: status.append(line))
        b"".join(body)
        body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}?{query} answered {status[0]}")

    cycle = itertools.cycle(paths)
    for _ in range(WARMUP):
        get(next(cycle))
    gc.freeze()  # as gunicorn.conf.py does after loading the app
    for _ in range(requests):
        get(next(cycle))


def counted(name: str, requests: int, database: str | None = None) -> int:
    """Instructions of the warm-up and `requests` requests of `name`, on `database` (the
    benchmark's, by default)."""
    from bench.run import SCALE_DB, django_env

    env = django_env(database or SCALE_DB, DJANGO_TESTING="1")
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "bench.instructions", "--child", name, "--requests", str(requests),
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = COLLECTED.search(result.stderr)
    if result.returncode or not found:
        raise SystemExit(f"callgrind run failed for {name}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def per_request(name: str, requests: int, database: str | None = None) -> float:
    """Instructions per request of `name`: N requests after the warm-up, less the warm-up."""
    return (counted(name, requests, database) - counted(name, 0, database)) / requests


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoints", nargs="+", help="endpoint names or paths")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        serve(paths_for(args.endpoints[0]), args.requests)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    for name in args.endpoints:
        counted_per_request = per_request(name, args.requests)
        print(
            f"{name}: {counted_per_request / 1e6:.2f} million instructions per request", flush=True
        )


if __name__ == "__main__":
    main(sys.argv[1:])
