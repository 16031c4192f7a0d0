# The two commands a fresh machine needs: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 from pyenv (.python-version selects it); Debian's default 3.11 is too old for Django 6.
# The real executable, not a pyenv shim, so that `uv sync` keeps the existing .venv.
PYTHON ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13 python3; do \
	$$p -c 'import sys; ok = sys.version_info[:2] == (3, 13); ok and print(sys.executable); sys.exit(not ok)' 2>/dev/null \
	&& break; done)
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never
VENV_PY := .venv/bin/python
DEMO_ENV := DEBUG=1 MUNICIPALITY_NAME="Øygarden kommune"
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings

.PHONY: help install demo test screenshots test-dump lint bench messages clean-db worker

help:
	@echo "make demo   install, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test   install and run the whole test suite (lint, migrations check, pytest)"
	@echo "make screenshots  the browser tests, saving a screenshot of each page and step they look at to tests/e2e/screenshots/"
	@echo "make test-dump  the test database's starting point, made again after a change to a migration"
	@echo "make bench  hot pages at 1x and 10x seed_demo --scale data against their targets (exit 1 if one misses)"
	@echo "make worker the task worker beside the demo (runs what manage.py daily_jobs enqueues; e-mails to the console)"

# The installed packages are compiled once at install (--compile-bytecode): where PYTHONDONTWRITEBYTECODE is set
# (as on our CI machines), every process would otherwise compile Django and the rest from source when it starts,
# about 2.5 s each, and the suite starts dozens (the workers, manage.py in the settings tests).
install:
	@test -n "$(PYTHON)" || { echo "Python 3.13 is needed: pyenv install 3.13 (the .python-version file selects it)." >&2; exit 1; }
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode --python "$(PYTHON)"

messages: install
	$(TEST_ENV) $(VENV_PY) manage.py compilemessages --ignore=.venv --verbosity 0

demo:
	scripts/system-deps.sh demo
	$(MAKE) install messages
	$(DEMO_ENV) $(VENV_PY) manage.py migrate --noinput
	$(DEMO_ENV) $(VENV_PY) manage.py createcachetable
	$(DEMO_ENV) $(VENV_PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops)"
	$(DEMO_ENV) $(VENV_PY) manage.py runserver 127.0.0.1:8000

# The task worker (docs/operations.md), for the demo's database: run it beside `make demo` in a second terminal.
worker:
	$(DEMO_ENV) $(VENV_PY) manage.py db_worker

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(TEST_ENV) $(VENV_PY) manage.py makemigrations --check --dry-run

test:
	scripts/system-deps.sh test
	$(MAKE) lint messages
	.venv/bin/pytest

screenshots:
	scripts/system-deps.sh test
	$(MAKE) messages
	rm -rf tests/e2e/screenshots
	E2E_SCREENSHOTS=1 .venv/bin/pytest tests/e2e

# The test database's starting point (tests/template_database.py): make it again after a change to a migration.
test-dump: install
	$(TEST_ENV) $(VENV_PY) tests/template_database.py

bench:
	scripts/system-deps.sh demo
	$(MAKE) install
	$(TEST_ENV) $(VENV_PY) tests/perf/pdf.py
	$(TEST_ENV) $(VENV_PY) tests/perf/audit_log.py
	$(TEST_ENV) $(VENV_PY) tests/perf/run.py --split

clean-db:
	rm -rf .pgdata
