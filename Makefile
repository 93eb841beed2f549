# PSKS Hub: `make run` (set up, migrate, load regions and demo data, serve) and `make test`.
# Python 3.12 or newer is required (Django 6.1); override the search with `make run PYTHON=/path/to/python3.13`.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# Development commands run with DEBUG on unless the environment says otherwise.
DEV := DEBUG=$${DEBUG:-1}

# The first interpreter of 3.12+ found: PYTHON if given, then the usual names, then pyenv's versions.
PYENV_PYTHONS := $(foreach v,3.14 3.13 3.12,$(wildcard $(HOME)/.pyenv/versions/$(v)*/bin/python3))
CANDIDATES := python3.14 python3.13 python3.12 $(PYENV_PYTHONS) python3
BOOTSTRAP_PYTHON := $(or $(PYTHON),$(firstword $(foreach c,$(CANDIDATES),$(shell $(c) -c 'import sys; print(sys.executable) if sys.version_info >= (3, 12) else None' 2>/dev/null))))

.PHONY: setup run test worker lint format check-python clean

check-python:
	@if [ -z "$(BOOTSTRAP_PYTHON)" ]; then \
	  echo "PSKS Hub needs Python 3.12 or newer (Django 6.1), and none was found."; \
	  echo "Install one, e.g. 'pyenv install 3.13' or your system's python3.13 package,"; \
	  echo "or point to it: make run PYTHON=/path/to/python3.13"; \
	  exit 1; \
	fi

$(VENV)/.installed: requirements.txt | check-python
	@test -x $(PY) || { echo "Creating $(VENV) with $(BOOTSTRAP_PYTHON)"; $(BOOTSTRAP_PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18 or newer (e.g. 'apt-get install nodejs npm')."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

locale/.compiled: $(wildcard locale/*/LC_MESSAGES/django.po */locale/*/LC_MESSAGES/django.po) | $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install GNU gettext (e.g. 'apt-get install gettext')."; exit 1; }
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	@touch $@

setup: $(VENV)/.installed node_modules/.installed locale/.compiled

run: setup
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py load_regions
	$(DEV) $(PY) manage.py load_demo
	$(DEV) $(PY) manage.py load_demo_forums
	$(DEV) $(PY) manage.py load_demo_cases
	@# The background-job worker (large imports and exports) runs beside the server and stops with it.
	@$(DEV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  echo "Background-job worker started (pid $$worker); it stops with the server."; \
	  $(DEV) $(PY) manage.py runserver $(HOST)

# The background-job worker alone (e.g. beside a server started some other way); restarts on code changes.
worker: setup
	$(DEV) $(PY) manage.py db_worker

# Tests run in parallel (pytest-xdist, one worker per core). Browser tests (e2e/) run when Debian's chromium is installed, and are reported as skipped (-rs) when not.
test: setup
	$(VENV)/bin/pytest -rs -n auto
	@test -x /usr/bin/chromium || echo "Browser tests skipped: /usr/bin/chromium not found (apt-get install chromium)"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles locale/.compiled
