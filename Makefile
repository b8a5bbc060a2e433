# ICE Accountability Tracker. Quick start: `make run` (serve on :8000) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/icetracker
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: run install install-dev migrate load serve test test-postgres test-sqlite lint format services browser bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

var:
	mkdir -p var

migrate: install var
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py load_bundled_data

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

run: load serve

services:
	./scripts/ensure-services.sh

# Debian's chromium for the Playwright tests in tests/browser (installed with apt-get if missing).
browser:
	./scripts/ensure-browser.sh

test: install-dev var services browser
	$(MAKE) test-postgres
	$(MAKE) test-sqlite
	$(MAKE) lint

test-postgres:
	DATABASE_URL=$(TEST_PG_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

test-sqlite:
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 REDIS_URL= $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmark at 100,000 incidents next to Django's own ceiling (bench/run.py; not part of `make
# test`). Installs Debian's wrk and valgrind if missing. BENCH_ARGS e.g. "--force" or "--quick".
BENCH_ARGS ?=
bench: install var services
	@{ command -v wrk && command -v valgrind; } >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk valgrind >/dev/null; }
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf var/db.sqlite3* var/static var/test.sqlite3*
