"""`make bench`: the tracker's speed at 100,000 incidents, next to Django's own ceiling.

    .venv/bin/python -m bench.run [--duration 8] [--warmup 2] [--force] [--quick]

1. Builds (or reuses, see bench/dataset.py) the scale database `icetracker_bench` (100,000
   public incidents, 5,000 drafts, 3 evidence each, 200,000 feed items over 50 sources, the
   bundled real data) and a 1k twin `icetracker_bench_1k` for the query counts.
2. collectstatic into var/static, then starts two identical gunicorn servers on 127.0.0.1 with
   the production gunicorn.conf.py, DJANGO_DEBUG=0, whitenoise, PostgreSQL and the Redis
   cache (db 8): the app (production
   settings and URLs, port 8108) and the baseline (bench/settings.py: the same settings plus
   one constant view, port 8109).
3. Drives every endpoint with wrk at 1 and 16 connections for a fixed time after a warm-up,
   the baseline before and after them. Every path is first checked to answer 200 (no
   redirect); any non-2xx/3xx, timeout or socket error under load fails the run.
4. Replays with pgbench, at the same concurrency and for as long, the SQL statements that each
   uncached endpoint's requests issue (captured by bench/querycounts.py): PostgreSQL's own
   latency for the same work, with no Python, HTTP or cache in the way.
5. Measures the CSV export of every public incident over HTTP (rows/s, exact row count, the
   serving worker's peak RSS), feed ingestion against feedparser.parse (bench/feeds.py), the
   bundled statistics import into a fresh scratch database (bench/statsimport.py) and the
   query count of each endpoint at 1k and 100k incidents (bench/querycounts.py).
6. Counts the instructions of each uncached endpoint with a p95 target per request, in process
   under callgrind (bench/instructions.py): unlike the timings, they do not move with the
   machine's load, so runs on busy or different machines compare.
7. Prints a table and writes the same figures to var/bench/<timestamp>.json, latest.json and
   latest.md (a Markdown table for the README). Timings are printed, never asserted; the run
   fails only on wrong answers (non-200s, a wrong CSV row count, a query count that grows).
"""

import argparse
import csv
import datetime
import http.client
import json
import math
import os
import platform
import re
import resource
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
LUA = ROOT / "bench" / "wrk.lua"
PY = sys.executable
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
SCALE_DB, SMALL_DB, SCRATCH_DB = (
    "icetracker_bench",
    "icetracker_bench_1k",
    "icetracker_bench_scratch",
)
APP_PORT, BASELINE_PORT = 8108, 8109
# Both servers run with the production gunicorn settings (gunicorn.conf.py: sync workers,
# (2 x cores) + 1 of them), only bound to their own port.
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
CONNECTIONS = (1, 16)
BASELINE_PATH = "/bench/baseline"
DETAIL_PAGES = 20
EXPORT_CHUNK = 1000  # incidents.export.CHUNK_SIZE
INSTRUCTION_REQUESTS = 100  # per endpoint counted by callgrind (bench/instructions.py)
TARGET_RATIO, TARGET_P95_MS = 0.5, 50.0
TARGET_EXPORT_ROWS, TARGET_EXPORT_RSS_MB, TARGET_INGEST_RATIO = 20_000, 150, 0.7


class BenchError(SystemExit):
    pass


def log(message: str) -> None:
    print(message, flush=True)


# --- environment ------------------------------------------------------------------------------


def django_env(database: str, *, settings: str = "icetracker.settings", **extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback
        DATABASE_URL=f"{PG}/{database}",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX="icetracker-bench",
        # Raised so that the load is measured, not the 429s (every request comes from 127.0.0.1).
        API_THROTTLE_BURST="100000000/min",
        API_THROTTLE_SUSTAINED="1000000000/hour",
        LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_TESTING", None)
    env.update(extra)
    return env


SECRET_KEY = secrets.token_urlsafe(50)


def run(command: list[str], env: dict, *, capture: bool = False) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env=env, text=True, capture_output=capture, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or "")[-3000:] if capture else ""
        raise BenchError(f"failed ({result.returncode}): {' '.join(command)}\n{detail}")
    return result.stdout or ""


def json_line(output: str) -> dict:
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise BenchError(f"no JSON line in:\n{output[-2000:]}")


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"^MemTotal:\s+(\d+)", meminfo, re.M).group(1))
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    redis_version = ""
    try:
        import redis

        redis_version = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
    except Exception as exc:  # noqa: BLE001 - informational only
        redis_version = f"unknown ({exc.__class__.__name__})"
    return {
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "ram_gb": round(total_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "redis": redis_version,
        "wrk": wrk_version.split(" [")[0].strip(),
    }


def loadavg() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


# --- datasets and probes ----------------------------------------------------------------------


def ensure_datasets(force: bool, quick: bool) -> None:
    scale = ["--public", "2000", "--drafts", "100", "--feed-items", "4000"] if quick else []
    small = ["--public", "1000", "--drafts", "50", "--feed-items", "2000"]
    for database, sizes in ((SCALE_DB, scale), (SMALL_DB, small)):
        command = [PY, "manage.py", "bench_data", *sizes, *(["--force"] if force else [])]
        run(command, django_env(database, settings="bench.settings"))


def query_counts(database: str) -> dict:
    env = django_env(database, DJANGO_TESTING="1")
    return json_line(run([PY, "-m", "bench.querycounts"], env, capture=True))


def stats_import() -> dict:
    return json_line(run([PY, "-m", "bench.statsimport"], django_env(SCRATCH_DB), capture=True))


FEED_FIGURES = {
    "ingest_items_per_s": r"ingest \(HTTP.*?:\s+([\d.]+) items/s",
    "feedparser_items_per_s": r"feedparser\.parse alone, default options:\s+([\d.]+) items/s",
    "feedparser_ours_items_per_s": r"our options.*?:\s+([\d.]+) items/s",
    "ratio": r"ratio ingest / feedparser\.parse \(default\):\s+([\d.]+)",
    "ratio_our_options": r"ratio ingest / feedparser\.parse \(our options\):\s+([\d.]+)",
}


def feed_ingestion(items: int, runs: int) -> dict:
    output = run(
        [PY, "-m", "bench.feeds", "--items", str(items), "--runs", str(runs)],
        django_env(SCALE_DB),
        capture=True,
    )
    figures: dict = {"items": items, "runs": runs}
    for name, pattern in FEED_FIGURES.items():
        found = re.search(pattern, output)
        if not found:
            raise BenchError(f"bench.feeds printed no {name}:\n{output}")
        figures[name] = float(found.group(1))
    return figures


# --- PostgreSQL alone -------------------------------------------------------------------------

PGBENCH_VARIABLE = "bench_path"


def sql_statements(names: list[str]) -> dict:
    """{"options": the app's connection options, "statements": {endpoint: [[sql, ...] for each
    of its paths]}}, as the app issues them on the scale database."""
    env = django_env(SCALE_DB, DJANGO_TESTING="1")
    command = [PY, "-m", "bench.querycounts", "--statements", ",".join(names)]
    return json_line(run(command, env, capture=True))


def pgbench_script(paths: list[list[str]]) -> str:
    """A pgbench transaction that runs the statements of one of `paths`, picked at random.

    pgbench replaces ":name" only for variables it knows, so the SQL goes in as it is ("::"
    casts and colons in literals included); a "\\" escape would reach the server in string
    literals. Django writes each statement on one line, so none can start a meta-command."""
    if not paths:
        raise BenchError("no statements to replay")
    lines = [f"\\set {PGBENCH_VARIABLE} random(0, {len(paths) - 1})"]
    for index, statements in enumerate(paths):
        lines.append(f"\\{'if' if index == 0 else 'elif'} :{PGBENCH_VARIABLE} = {index}")
        for sql in statements:
            if "\n" in sql or f":{PGBENCH_VARIABLE}" in sql:
                raise BenchError(f"cannot replay this statement with pgbench: {sql[:200]}")
            lines.append(sql.rstrip().removesuffix(";") + ";")
    lines.append("\\endif")
    return "\n".join(lines) + "\n"


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value at or above `fraction` of `ordered` (sorted)."""
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)] if ordered else 0.0


def pgbench(
    script: str, clients: int, seconds: int, options: str, *, dsn: str, log: bool = True
) -> dict:
    """Run `script` on the database `dsn` from `clients` connections for `seconds`, with the
    connection `options` the app uses; with `log`, its transactions' latency percentiles from
    pgbench's per-transaction log. Fails on any failed transaction."""
    with tempfile.TemporaryDirectory() as folder:
        script_path = Path(folder) / "statements.sql"
        script_path.write_text(script)
        command = [
            "pgbench", "--no-vacuum", f"--client={clients}", f"--jobs={min(2, clients)}",
            f"--time={seconds}", "--file", str(script_path), *(["--log"] if log else []),
            dsn,
        ]  # fmt: skip
        env = dict(os.environ, PGOPTIONS=options)
        result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
        output = result.stdout + result.stderr
        failed = re.search(r"number of failed transactions: (\d+)", output)
        if result.returncode != 0 or (failed and int(failed.group(1))):
            raise BenchError(f"pgbench failed ({result.returncode}):\n{output[-3000:]}")
        if not log:
            return {}
        latencies = sorted(
            int(line.split()[2]) / 1000
            for log_file in Path(folder).glob("pgbench_log.*")
            for line in log_file.read_text().splitlines()
        )
    if not latencies:
        raise BenchError(f"pgbench ran no transaction:\n{output[-3000:]}")
    return {
        "transactions": len(latencies),
        "tps": round(len(latencies) / seconds, 1),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        # Little's law: with `clients` transactions always in flight, their mean latency is
        # clients / throughput. PostgreSQL's throughput alone bounds any server's that must run
        # these statements, so this is the least mean latency it could have on this machine.
        "floor_ms": round(clients * 1000 * seconds / len(latencies), 1),
    }


def measure_sql_alone(report: dict, endpoints: list, args) -> None:
    """Each uncached endpoint's statements through pgbench, at each concurrency, after a
    warm-up: how much of a request's latency PostgreSQL alone accounts for."""
    names = [e.name for e in endpoints if not e.cached]
    if not names:
        return
    captured = sql_statements(names)
    dsn = f"{PG}/{SCALE_DB}"
    for name in names:
        script = pgbench_script(captured["statements"][name])
        for c in CONNECTIONS:
            if args.warmup:
                pgbench(script, c, args.warmup, captured["options"], dsn=dsn, log=False)
            f = report["endpoints"][name][str(c)]["sql_alone"] = pgbench(
                script, c, args.duration, captured["options"], dsn=dsn
            )
            log(
                f"  {report['endpoints'][name]['label']:55} c={c:<2} SQL alone (pgbench): "
                f"{f['tps']:8.1f} tx/s  p50 {f['p50_ms']:6.1f}  p95 {f['p95_ms']:6.1f}  "
                f"p99 {f['p99_ms']:6.1f} ms  (least mean latency {f['floor_ms']:.1f} ms)"
            )


# --- the servers ------------------------------------------------------------------------------


def gunicorn_settings(server: "Server") -> str:
    """The workers gunicorn.conf.py gave the running server (their number depends on its
    environment), as the report prints them."""
    conf = runpy.run_path(str(GUNICORN_CONF))
    return f"{len(server.workers())} {conf['worker_class']} workers (gunicorn.conf.py)"


class Server:
    def __init__(self, name: str, port: int, settings: str, *, uses_database: bool) -> None:
        self.name, self.port, self.uses_database = name, port, uses_database
        self.log_path = VAR / f"gunicorn-{name}.log"
        command = [
            PY, "-m", "gunicorn", "icetracker.wsgi:application",
            "--config", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=django_env(SCALE_DB, settings=settings),
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn {self.name} exited; see {self.log_path}")
            try:
                if get(self.port, path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"gunicorn {self.name} did not answer in {timeout:.0f} s")

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                if re.search(rf"^PPid:\s+{self.process.pid}$", status, re.M):
                    pids.append(int(entry.name))
        return pids

    def pids(self) -> list[int]:
        return [self.process.pid, *self.workers()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def check_paths(port: int, paths: tuple[str, ...]) -> None:
    """Every path answers 200 itself (a redirect would measure the wrong page)."""
    for path in paths:
        status, body = get(port, path.replace("{n}", "check"))
        if status != 200:
            raise BenchError(f"GET {path} answered {status}, not 200: {body[:300]!r}")


# --- load -------------------------------------------------------------------------------------


def wrk(port: int, paths: tuple[str, ...], connections: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
    try:
        command = [
            "wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
            "--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--", handle.name,
            secrets.token_hex(4),  # cache-busters never repeat across runs (warm-up included)
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    line = next((x for x in output.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise BenchError(f"wrk printed no result:\n{output}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "mb_per_s": round(raw["bytes"] / raw["duration_us"], 2),
        "errors": raw["errors"],
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each process (from /proc/<pid>/stat)."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def postgres_backends(database: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchall()
    return [pid for (pid,) in rows]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    server: "Server", paths: tuple[str, ...], connections: int, args, seconds: int, warmup=-1
) -> dict:
    """wrk after a warm-up (which fills the page cache and warms connections, templates and
    PostgreSQL's buffers); fails on any error or non-2xx/3xx answer.

    Also the CPU time per request of the server (gunicorn processes and their PostgreSQL
    backends; Redis, shared with other jobs, is left out) and of wrk: unlike requests/s, it
    hardly depends on what else the machine is running."""
    warmup = args.warmup if warmup < 0 else warmup
    if warmup:
        wrk(server.port, paths, connections, warmup)
    load = loadavg()[0]
    backends = postgres_backends(SCALE_DB) if server.uses_database else []
    before = cpu_seconds(server.pids() + backends)
    wrk_before = children_cpu()
    result = wrk(server.port, paths, connections, seconds)
    wrk_cpu = children_cpu() - wrk_before
    gunicorn = cpu_seconds(server.pids())
    backends = cpu_seconds(postgres_backends(SCALE_DB)) if server.uses_database else {}
    requests = max(result["requests"], 1)

    def per_request(after: dict[int, float]) -> float:
        spent = sum(seconds - before.get(pid, 0) for pid, seconds in after.items())
        return round(spent * 1000 / requests, 3)

    result["python_cpu_ms"] = per_request(gunicorn)
    result["postgres_cpu_ms"] = per_request(backends)
    result["server_cpu_ms"] = round(result["python_cpu_ms"] + result["postgres_cpu_ms"], 3)
    result["wrk_cpu_ms"] = round(wrk_cpu * 1000 / requests, 3)
    result["loadavg_1m"] = load
    bad = {k: v for k, v in result["errors"].items() if v}
    if bad:
        raise BenchError(f"wrk reported errors for {paths[0]} at c={connections}: {bad}")
    return result


def measure_export(server: Server, expected_rows: int) -> dict:
    """All public incidents as CSV over HTTP; the serving worker's peak RSS from /proc."""
    workers = server.workers()
    for pid in workers:  # "5" resets VmHWM (peak RSS) to the current RSS (Linux >= 4.0)
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    before = {pid: proc_kb(pid, "VmRSS") for pid in workers}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        conn.request("GET", "/incidents/export.csv")
        response = conn.getresponse()
        if response.status != 200:
            raise BenchError(f"export answered {response.status}")
        size = 0
        while chunk := response.read(1 << 16):
            sink.write(chunk)
            size += len(chunk)
        seconds = time.perf_counter() - started
        conn.close()
        peaks = {pid: proc_kb(pid, "VmHWM") for pid in workers}
        sink.seek(0)
        rows = sum(1 for _ in csv.reader(line.decode() for line in sink)) - 1
    if rows != expected_rows:
        raise BenchError(f"the export has {rows} rows, the database {expected_rows} public")
    serving = max(workers, key=lambda pid: peaks[pid] - before[pid])
    return {
        "rows": rows,
        "mb": round(size / 1e6, 1),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "worker_rss_before_mb": round(before[serving] / 1024, 1),
        "worker_peak_rss_mb": round(peaks[serving] / 1024, 1),
    }


def proc_kb(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))


def flush_cache() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# --- report -----------------------------------------------------------------------------------


def targets(report: dict) -> list[dict]:
    checks = []
    for name, figures in report["endpoints"].items():
        at16 = figures["16"]
        if figures["target"] == "cached":
            checks.append(
                {
                    "target": f"{name}: >= {TARGET_RATIO} x baseline rps",
                    "value": f"{at16['ratio']} (by CPU per request: {at16['cpu_ratio']})",
                    "met": at16["ratio"] >= TARGET_RATIO,
                }
            )
        elif figures["target"] == "p95":
            sql = at16.get("sql_alone")
            checks.append(
                {
                    "target": f"{name}: p95 < {TARGET_P95_MS:.0f} ms",
                    "value": at16["p95_ms"]
                    if sql is None
                    else f"{at16['p95_ms']}; its SQL alone, replayed by pgbench: {sql['tps']:,} "
                    f"requests' worth/s, so a mean latency of at least {sql['floor_ms']} ms "
                    f"with 16 in flight",
                    "met": at16["p95_ms"] < TARGET_P95_MS,
                }
            )
    export = report.get("export")
    if export:
        checks.append(
            {
                "target": f"CSV export > {TARGET_EXPORT_ROWS:,} rows/s",
                "value": export["rows_per_s"],
                "met": export["rows_per_s"] > TARGET_EXPORT_ROWS,
            }
        )
        checks.append(
            {
                "target": f"CSV export peak RSS < {TARGET_EXPORT_RSS_MB} MB",
                "value": export["worker_peak_rss_mb"],
                "met": export["worker_peak_rss_mb"] < TARGET_EXPORT_RSS_MB,
            }
        )
    feeds = report.get("feeds")
    if feeds:
        checks.append(
            {
                "target": f"feed ingestion >= {TARGET_INGEST_RATIO} x feedparser.parse",
                "value": feeds["ratio"],
                "met": feeds["ratio"] >= TARGET_INGEST_RATIO,
            }
        )
    counts = report.get("query_counts")
    if counts:
        grew = counts["grew"]
        checks.append(
            {
                "target": "no endpoint issues more queries at 100k than at 1k",
                "value": ", ".join(grew) or "none grew",
                "met": not grew,
            }
        )
    return checks


def table(report: dict) -> list[str]:
    lines = [
        "| endpoint | conn | req/s | p50 ms | p95 ms | p99 ms | x baseline | CPU ms/req "
        "(gunicorn + PostgreSQL + wrk) | x baseline by CPU |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for c in map(str, CONNECTIONS):
        rps, last = report["baseline"]["rps"][c], report["baseline"]["last"][c]
        lines.append(
            f"| baseline (constant view; mean of {len(report['baseline']['slices'][c])} runs) "
            f"| {c} | {rps:,.0f} | {last['p50_ms']:.1f} | {last['p95_ms']:.1f} | "
            f"{last['p99_ms']:.1f} | 1.00 | {cpu_cell(last)} | 1.00 |"
        )
    for figures in report["endpoints"].values():
        for c in map(str, CONNECTIONS):
            f = figures[c]
            lines.append(
                f"| `{figures['label']}` | {c} | {f['rps']:,.0f} | {f['p50_ms']:.1f} | "
                f"{f['p95_ms']:.1f} | {f['p99_ms']:.1f} | {f['ratio']:.2f} | {cpu_cell(f)} | "
                f"{f['cpu_ratio']:.2f} |"
            )
    return lines


def sql_alone_table(report: dict) -> list[str]:
    rows = [
        f"| `{figures['label']}` | {c} | {f['tps']:,.0f} | {f['p50_ms']:.1f} | "
        f"{f['p95_ms']:.1f} | {f['p99_ms']:.1f} | {f['floor_ms']:.1f} |"
        for figures in report["endpoints"].values()
        for c in map(str, CONNECTIONS)
        if (f := figures.get(c, {}).get("sql_alone"))
    ]
    if not rows:
        return []
    return [
        "PostgreSQL alone: the same requests' SQL statements, replayed by pgbench at the same "
        "concurrency, each transaction one request's statements (no Python, HTTP or cache). "
        "PostgreSQL's throughput bounds the app's, so by Little's law no server that runs "
        "these statements could average less than connections ÷ transactions/s:",
        "",
        "| statements of | conn | transactions/s | p50 ms | p95 ms | p99 ms | least mean "
        "latency (conn ÷ tx/s) ms |",
        "|---|--:|--:|--:|--:|--:|--:|",
        *rows,
        "",
    ]


def cpu_cell(run: dict) -> str:
    return f"{run['python_cpu_ms']:.2f} + {run['postgres_cpu_ms']:.2f} + {run['wrk_cpu_ms']:.2f}"


def other_figures(report: dict) -> list[str]:
    lines = []
    if export := report.get("export"):
        lines.append(
            f"- CSV export of all {export['rows']:,} public incidents ({export['mb']} MB): "
            f"{export['rows_per_s']:,} rows/s, serving worker peak RSS "
            f"{export['worker_peak_rss_mb']} MB (idle {export['worker_rss_before_mb']} MB)"
        )
    if feeds := report.get("feeds"):
        lines.append(
            f"- Feed ingestion ({feeds['items']:,}-item feed, end to end): "
            f"{feeds['ingest_items_per_s']:,.0f} items/s; feedparser.parse alone "
            f"{feeds['feedparser_items_per_s']:,.0f} items/s; ratio {feeds['ratio']:.2f} "
            f"({feeds['ratio_our_options']:.2f} against feedparser with our options)"
        )
    if imports := report.get("stats_import"):
        lines.append(
            f"- Bundled statistics import into a fresh database: {imports['rows_read']:,} rows "
            f"from {imports['files']} files in {imports['seconds']:.1f} s = "
            f"{imports['rows_per_second']:,} rows/s"
        )
    if (counted := report.get("instructions")) and counted["millions_per_request"]:
        cells = ", ".join(
            f"{name} {millions:.2f}" for name, millions in counted["millions_per_request"].items()
        )
        lines.append(
            f"- Instructions per uncached request, in millions (callgrind, in process, "
            f"{counted['requests']} requests after a warm-up; they do not move with the "
            f"machine's load): {cells}"
        )
    if search := report["endpoints"].get("search"):
        lines.append(
            f"- Search (uncached, 16 connections): p95 {search['16']['p95_ms']:.1f} ms, "
            f"p50 {search['16']['p50_ms']:.1f} ms"
        )
    if counts := report.get("query_counts"):
        small, large = counts["small"], counts["large"]
        cells = ", ".join(
            f"{name} {small['queries'][name]}/{large['queries'][name]}" for name in small["queries"]
        )
        lines.append(
            f"- Queries per request at {small['sizes']['public_incidents']:,} / "
            f"{large['sizes']['public_incidents']:,} public incidents: {cells} (the CSV export "
            f"streams in chunks: one query per {EXPORT_CHUNK:,} rows, by design)"
        )
    return lines


def write_report(report: dict) -> Path:
    VAR.mkdir(parents=True, exist_ok=True)
    stamp = report["started_at"].replace(":", "").replace("-", "")[:15]
    path = VAR / f"{stamp}.json"
    text = json.dumps(report, indent=2, sort_keys=True)
    path.write_text(text)
    (VAR / "latest.json").write_text(text)
    m = report["machine"]
    markdown = [
        f"Measured {report['started_at'][:16].replace('T', ' ')} UTC on {m['cpu_model']}, "
        f"{m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, PostgreSQL "
        f"{report['versions']['postgresql'].split()[0]}, Redis {m['redis']}, Django "
        f"{report['versions']['django']}; gunicorn {report['gunicorn']}; load average "
        f"{report['loadavg']['start']} at the start, {report['loadavg']['end']} at the end.",
        "",
        *table(report),
        "",
        *sql_alone_table(report),
        *other_figures(report),
        "",
        *(
            f"- {'met' if c['met'] else 'MISSED'}: {c['target']} ({c['value']})"
            for c in report["targets"]
        ),
    ]
    (VAR / "latest.md").write_text("\n".join(markdown) + "\n")
    return path


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--force", action="store_true", help="regenerate the datasets")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 incidents in icetracker_bench_quick"
    )
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument(
        "--skip", default="", help="any of: export,feeds,import,counts,sql,instructions"
    )
    args = parser.parse_args(argv)
    if args.quick:  # a small database of its own: never shrinks the real one
        global SCALE_DB
        SCALE_DB = "icetracker_bench_quick"
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed: run `make bench` or apt-get install wrk")
    skip = set(filter(None, args.skip.split(",")))
    if "instructions" not in skip and shutil.which("valgrind") is None:
        raise BenchError(
            "valgrind is not installed: run `make bench`, apt-get install valgrind, or pass"
            " --skip instructions"
        )
    VAR.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "loadavg": {"start": loadavg()},
        "settings": "DJANGO_DEBUG=0, whitenoise, PostgreSQL, Redis cache; throttles raised",
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "quick": args.quick,
        "baseline": {"rps": {}, "slices": {}, "last": {}},
        "endpoints": {},
    }
    log(f"load average at the start: {report['loadavg']['start']} ({os.cpu_count()} cores)")
    ensure_datasets(args.force, args.quick)
    counts_large = query_counts(SCALE_DB)
    report["versions"] = counts_large["versions"]
    report["dataset"] = counts_large["sizes"]
    log(f"dataset: {counts_large['sizes']}")
    if "counts" not in skip:
        counts_small = query_counts(SMALL_DB)
        grew = [
            name
            for name, n in counts_large["queries"].items()
            if n > counts_small["queries"][name] and name != "export_csv"
        ]
        report["query_counts"] = {"small": counts_small, "large": counts_large, "grew": grew}
    for port in (APP_PORT, BASELINE_PORT):
        if port_in_use(port):
            raise BenchError(f"127.0.0.1:{port} is already in use: stop whatever listens there")
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], django_env(SCALE_DB))
    flush_cache()
    app = Server("app", APP_PORT, "icetracker.settings", uses_database=True)
    baseline = Server("baseline", BASELINE_PORT, "bench.settings", uses_database=False)
    try:
        app.wait_ready("/api/v1/health")
        baseline.wait_ready(BASELINE_PATH)
        report["gunicorn"] = gunicorn_settings(app)
        if get(APP_PORT, BASELINE_PATH)[0] != 404:
            raise BenchError("the baseline view is reachable through the production URLs")
        detail = counts_large["detail_path"]
        details = [detail, *detail_paths(DETAIL_PAGES - 1)]
        endpoints = load_endpoints(details)
        if args.only:
            endpoints = [e for e in endpoints if e.name in args.only.split(",")]
        for endpoint in endpoints:
            check_paths(APP_PORT, endpoint.paths)
        check_paths(BASELINE_PORT, (BASELINE_PATH,))
        log(f"gunicorn: {report['gunicorn']}; {args.warmup} s warm-up + {args.duration} s each")
        measure_load(report, app, baseline, endpoints, args)
        if "export" not in skip:
            report["export"] = measure_export(app, counts_large["sizes"]["public_incidents"])
            log(f"export: {report['export']}")
    finally:
        app.stop()
        baseline.stop()
        flush_cache()
    if "sql" not in skip:
        measure_sql_alone(report, endpoints, args)
    if "feeds" not in skip:
        report["feeds"] = feed_ingestion(items=5000, runs=3)
        log(f"feeds: {report['feeds']}")
    if "import" not in skip:
        report["stats_import"] = stats_import()
        log(f"statistics import: {report['stats_import']}")
    if "instructions" not in skip:
        report["instructions"] = count_instructions(endpoints)
        log(f"instructions: {report['instructions']}")
    report["loadavg"]["end"] = loadavg()
    report["targets"] = targets(report)
    path = write_report(report)
    log("")
    log((VAR / "latest.md").read_text())
    log(f"written: {path.relative_to(ROOT)}, var/bench/latest.json, var/bench/latest.md")
    if report.get("query_counts", {}).get("grew"):
        raise BenchError(f"query counts grew with the data: {report['query_counts']['grew']}")


def measure_load(report: dict, app: Server, baseline: Server, endpoints: list, args) -> None:
    """Each endpoint between two short baseline runs at the same concurrency; its ratio is to
    their mean, so that a change in the machine's load (other jobs) affects both alike."""
    slice_seconds = max(2, args.duration // 2)
    for c in CONNECTIONS:
        key = str(c)
        before = measure(baseline, (BASELINE_PATH,), c, args, slice_seconds)
        slices = [before["rps"]]
        for endpoint in endpoints:
            figures = report["endpoints"].setdefault(
                endpoint.name, {"label": endpoint.label, "target": endpoint.target}
            )
            f = figures[key] = measure(app, endpoint.paths, c, args, args.duration)
            after = measure(baseline, (BASELINE_PATH,), c, args, slice_seconds, warmup=0)
            slices.append(after["rps"])
            f["baseline_rps"] = round((before["rps"] + after["rps"]) / 2, 1)
            f["ratio"] = round(f["rps"] / f["baseline_rps"], 3)
            f["cpu_ratio"] = round(cpu_per_request(before, after) / cpu_per_request(f), 3)
            log(
                f"  {endpoint.label:55} c={c:<2} {f['rps']:8.1f} req/s  p50 {f['p50_ms']:6.1f}"
                f"  p95 {f['p95_ms']:6.1f}  p99 {f['p99_ms']:6.1f} ms  x{f['ratio']:.2f} of "
                f"{f['baseline_rps']:.0f}  (load {f['loadavg_1m']})"
            )
            before = after
        report["baseline"]["slices"][key] = slices
        report["baseline"]["rps"][key] = round(sum(slices) / len(slices), 1)
        report["baseline"]["last"][key] = before


def count_instructions(endpoints: list) -> dict:
    """Millions of instructions per request of each uncached endpoint with a p95 target
    (bench/instructions.py, INSTRUCTION_REQUESTS requests after its warm-up)."""
    counted = {}
    for endpoint in endpoints:
        if endpoint.target == "p95":
            counted[endpoint.name] = round(
                instructions.per_request(endpoint.name, INSTRUCTION_REQUESTS, SCALE_DB) / 1e6, 2
            )
    return {"requests": INSTRUCTION_REQUESTS, "millions_per_request": counted}


def cpu_per_request(*runs: dict) -> float:
    """Server + wrk CPU ms per request (the mean of several runs)."""
    return sum(run["server_cpu_ms"] + run["wrk_cpu_ms"] for run in runs) / len(runs)


def detail_paths(count: int) -> list[str]:
    """More published incidents' pages for the detail endpoint: the newest in California."""
    status, body = get(APP_PORT, f"/api/v1/ice-incidents?state=CA&limit={count}")
    if status != 200:
        raise BenchError(f"could not list incidents: HTTP {status}")
    return [item["url"] for item in json.loads(body)["incidents"]]


from bench import instructions  # noqa: E402 - after the stdlib-only helpers
from bench.endpoints import load_endpoints  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])
