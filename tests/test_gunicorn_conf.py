"""gunicorn.conf.py: how many workers, by where the database is."""

import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def load(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("", True),
        ("sqlite:////srv/tracker/db.sqlite3", True),
        ("postgres://postgres@127.0.0.1:5432/icetracker", True),
        ("postgresql://tracker:secret@localhost/icetracker", True),
        ("postgres://tracker@[::1]:5432/icetracker", True),
        ("postgres:///icetracker", True),  # the default Unix socket
        ("postgres://tracker@%2Fvar%2Frun%2Fpostgresql/icetracker", True),
        ("postgres://tracker:secret@db.internal:5432/icetracker", False),
        ("postgres://tracker@10.0.0.5/icetracker", False),
    ],
)
def test_cores_plus_one_workers_with_the_database_on_this_machine(monkeypatch, url, local):
    conf = load(monkeypatch)
    assert conf["database_is_local"](url) is local
    assert conf["default_workers"](2, url) == (3 if local else 5)
    assert conf["default_workers"](8, url) == (9 if local else 17)


def test_web_concurrency_overrides_and_the_environment_decides(monkeypatch):
    assert load(monkeypatch, WEB_CONCURRENCY="7")["workers"] == 7
    conf = load(monkeypatch, DATABASE_URL="postgres://tracker@db.internal/icetracker")
    assert conf["workers"] == conf["default_workers"](
        conf["multiprocessing"].cpu_count(), "postgres://db.internal/x"
    )
    assert conf["worker_class"] == "sync"
