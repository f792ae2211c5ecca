# Styrhjul. `make run` and `make test` are the two commands in the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint serve bench load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

var/styrhjul.env:
	mkdir -p var
	printf '# Local development settings, written by make run. Not for production.\nDEBUG=1\nSTYRHJUL_DEMO=1\nSECRET_KEY=%s\n' \
	  "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Install, migrate the SQLite database under var/, load the demo municipality,
## serve, with the worker for background work (documents, SIE imports)
## running beside the server and stopped with it.
run: $(VENV)/.installed var/styrhjul.env
	$(BIN)/styrhjul migrate --no-input
	$(BIN)/styrhjul load-demo
	$(BIN)/styrhjul worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/styrhjul runserver $(HOST):$(PORT)

## Install the test dependencies and run the whole suite (DATABASE_URL picks the database).
test: $(VENV)/.installed-test
	$(BIN)/ruff check styrhjul tests
	$(BIN)/lint-imports
	$(BIN)/styrhjul makemigrations --check --dry-run --settings=tests.settings > /dev/null
	$(BIN)/pytest -n 2 --dist loadgroup

BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bench.sqlite3
BENCH_ARGS ?=
# e.g. ECONOMY_BENCH_ARGS="--lines 100000" for a quicker run
ECONOMY_BENCH_ARGS ?=

## Build (or reuse) the scale data set and print server time, SQL queries and
## memory of the main pages next to their budgets, then the document builds
## (docs/prestanda.md). Uses its own SQLite database under var/ unless
## DATABASE_URL is set.
bench: $(VENV)/.installed var/styrhjul.env
	export DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}"; \
	$(BIN)/styrhjul migrate --no-input && $(BIN)/styrhjul bench $(BENCH_ARGS) && \
	$(BIN)/styrhjul document-bench --runs 3 && $(BIN)/styrhjul annual-bench && \
	$(BIN)/styrhjul kolada-bench && $(BIN)/styrhjul economy-bench $(ECONOMY_BENCH_ARGS)

LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/styrhjul_load
# e.g. LOAD_ARGS="--users 50 --seconds 30" for a quicker run, or
# LOAD_ARGS="--database-outage 30" to take the database away under load
LOAD_ARGS ?=

## The deadline-day load test (docs/prestanda.md): `styrhjul serve` and a
## worker on 127.0.0.1 against the scale data set on PostgreSQL (built when
## missing) in its own database, 200 reporters arriving over five minutes and
## then measured for two minutes while 20 committees order documents, then the two-process budget. Prints the
## figures beside the goals; ends by itself and stops what it started.
load: $(VENV)/.installed var/styrhjul.env
	export DATABASE_URL="$(LOAD_DATABASE_URL)"; \
	$(BIN)/styrhjul migrate --no-input && $(BIN)/styrhjul load-test $(LOAD_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check styrhjul tests
	$(BIN)/ruff format --check styrhjul tests
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache
