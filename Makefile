# `make run` starts the embedded default (SQLite files and a filesystem broker under var/), in
# debug mode; `make test` runs the suite on it and again on PostgreSQL + Redis.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PORT ?= 8000
# Links in emails and the printed logins point at the port the site really runs on.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Where the PostgreSQL pass finds its servers; pytest-django creates test_po_* databases there.
PG_URL ?= postgres://postgres@127.0.0.1:5432
REDIS_URL ?= redis://127.0.0.1:6379

# pip may put uv where PATH does not look (a --user install); `python3 -m uv` finds it there.
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)

SERVICE_VARS = DATABASE_URL CHANNEL_DATABASE_URL COMMERCE_DATABASE_URL SALES_DATABASE_URL \
	CELERY_BROKER_URL CACHE_URL
POSTGRES_ENV = \
	DATABASE_URL=$(PG_URL)/po_default \
	CHANNEL_DATABASE_URL=$(PG_URL)/po_channel \
	COMMERCE_DATABASE_URL=$(PG_URL)/po_commerce \
	SALES_DATABASE_URL=$(PG_URL)/po_sales \
	CELERY_BROKER_URL=$(REDIS_URL)/15 \
	CACHE_URL=$(REDIS_URL)/14
# The benchmarks create their own databases (bench_*) on the same server; Redis database 13.
BENCH_ENV = BENCH_PG_URL=$(PG_URL) BENCH_REDIS_URL=$(REDIS_URL)/13

.PHONY: setup messages run test test-sqlite test-postgres lint format bench bench-smoke

setup:
	@command -v uv >/dev/null || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --user uv
	$(UV) sync

# Compiled translations (*.mo) are not committed; Babel compiles them in pure Python, so no
# gettext tools are needed.
messages: setup
	$(UV) run pybabel compile --statistics -d locale -D django

run: export SITE_URL := $(SITE_URL)
# Local development: Django's debug pages and a development secret key, in every process
# honcho starts (DJANGO_DEBUG is false unless asked for; see README, Deploying).
run: export DJANGO_DEBUG := true
run: setup messages
	$(UV) run python manage.py migrate_all
	$(UV) run python manage.py demo_users
	# 50 fasteners and tools in HQ, copied to the site by job 1040; idempotent.
	$(UV) run python manage.py demo_catalog
	# Enables the Commerce solution's table maps (initial sync, then running); idempotent.
	$(UV) run python manage.py dualwrite enable
	$(UV) run honcho start --port $(PORT)

test: test-sqlite test-postgres

test-sqlite: setup messages
	env $(addprefix -u ,$(SERVICE_VARS)) $(UV) run pytest

test-postgres: setup messages
	env $(POSTGRES_ENV) $(UV) run pytest

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	# The dependencies between the apps (pyproject.toml, [tool.importlinter]).
	$(UV) run lint-imports
	# django-stubs loads the settings: the development ones (debug on, no secret key needed).
	env DJANGO_DEBUG=true $(UV) run mypy .

format: setup
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

# Every benchmark at full size; each one's JSON lands in var/bench/full/ (see bench/README.md).
bench: setup messages
	env $(BENCH_ENV) $(UV) run python -m bench.suite full

# The same, small: shows that every benchmark still runs (numbers mean little at this size).
bench-smoke: setup messages
	env $(BENCH_ENV) $(UV) run python -m bench.suite smoke
