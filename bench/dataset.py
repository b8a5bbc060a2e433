"""Build the benchmark database: the bundled real data plus deterministic synthetic scale data.

`ensure_dataset(spec)` makes the database named by DATABASE_URL hold exactly `spec`: the
bundled data (`load_bundled_data`), `spec.public` published incidents and `spec.drafts` drafts
with `spec.evidence` pieces of evidence each (bench/scale.py), and `spec.feed_items` queued feed
items over `spec.sources` sources (bench/feeditems.py), all from `spec.seed`.

What was generated is recorded as a JSON comment on the database itself (COMMENT ON DATABASE),
together with a hash of the generators' source. When the marker matches, nothing is
regenerated (migrations are still applied), so `make bench` can be re-run quickly; otherwise,
or with `force`, the database is dropped and rebuilt from scratch, so the same seed always gives
the same data. PostgreSQL only: the benchmark measures the production stack.
"""

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from io import StringIO
from pathlib import Path

import psycopg
from django.core.management import call_command
from django.db import connection
from psycopg import sql

BENCH_DIR = Path(__file__).resolve().parent
GENERATORS = ("scale.py", "feeditems.py", "dataset.py")


@dataclass(frozen=True)
class DatasetSpec:
    public: int = 100_000
    drafts: int = 5_000
    evidence: int = 3
    feed_items: int = 200_000
    sources: int = 50
    seed: int = 1

    def marker(self) -> dict:
        digest = hashlib.sha256()
        for name in GENERATORS:
            digest.update((BENCH_DIR / name).read_bytes())
        return {**asdict(self), "generators": digest.hexdigest()[:16]}


def _connect(dbname: str) -> psycopg.Connection:
    params = connection.get_connection_params()
    params["dbname"] = dbname
    return psycopg.connect(**params, autocommit=True)


def _maintenance() -> psycopg.Connection:
    return _connect("postgres")


def stored_marker() -> dict | None:
    """The marker of the database named in the settings, or None if it is missing or blank."""
    name = connection.settings_dict["NAME"]
    with _maintenance() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if row is None or not row[0]:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return None


def recreate_database() -> None:
    name = connection.settings_dict["NAME"]
    connection.close()
    with _maintenance() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def write_marker(marker: dict) -> None:
    name = connection.settings_dict["NAME"]
    with _maintenance() as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(marker, sort_keys=True))
            )
        )


def vacuum_analyze() -> None:
    """Fresh statistics and visibility map, so the planner can use index-only scans at once."""
    name = connection.settings_dict["NAME"]
    with _connect(name) as conn:
        conn.execute("VACUUM (ANALYZE)")


def pending_migrations() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def generate(spec: DatasetSpec, log) -> None:
    from bench.feeditems import generate_feed_items
    from bench.scale import generate_incidents

    step = time.perf_counter()
    call_command("load_bundled_data", stdout=StringIO(), stderr=StringIO())
    log(f"  bundled real data loaded in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    made = generate_incidents(
        public=spec.public, drafts=spec.drafts, evidence_per_incident=spec.evidence, seed=spec.seed
    )
    took = time.perf_counter() - step
    log(
        f"  {made.incidents:,} incidents and {made.evidence:,} evidence rows in {took:.1f} s "
        f"({made.incidents / took:,.0f} incidents/s)"
    )
    step = time.perf_counter()
    feeds = generate_feed_items(sources=spec.sources, items=spec.feed_items, seed=spec.seed)
    took = time.perf_counter() - step
    log(
        f"  {feeds.items:,} feed items over {feeds.sources} sources in {took:.1f} s "
        f"({feeds.items / took:,.0f} items/s)"
    )
    step = time.perf_counter()
    vacuum_analyze()
    log(f"  VACUUM ANALYZE in {time.perf_counter() - step:.1f} s")


def ensure_dataset(spec: DatasetSpec, *, force: bool = False, log=print) -> bool:
    """Make the configured database hold `spec`; returns True if it was (re)generated."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset needs PostgreSQL (set DATABASE_URL).")
    name = connection.settings_dict["NAME"]
    wanted = spec.marker()
    if not force and stored_marker() == wanted:
        if pending_migrations():
            call_command("migrate", verbosity=0)
            vacuum_analyze()  # what a migration filled can be read from its indexes alone
        log(f"{name}: already holds this dataset (seed {spec.seed}); not regenerated")
        return False
    started = time.perf_counter()
    log(f"{name}: generating {spec}")
    recreate_database()
    call_command("migrate", verbosity=0)
    generate(spec, log)
    write_marker(wanted)
    log(f"{name}: generated in {time.perf_counter() - started:.0f} s")
    return True
