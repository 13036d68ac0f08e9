# Two commands on a fresh machine:
#   make run    set up, create the embedded SQLite database with a demo province, serve the board
#   make test   set up, lint and type-check, then run every test on SQLite and PostgreSQL (and in a real Chromium)

VENV   := .venv
PY     := $(VENV)/bin/python
RB     := $(VENV)/bin/reformboard
PORT   ?= 8501

.PHONY: setup run test system-deps

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(RB) init
	$(RB) demo
	$(RB) serve --port $(PORT)

# Debian's Chromium drives the browser tests, a CJK font renders Chinese in it, and PostgreSQL must answer.
system-deps:
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)
	@command -v pgbouncer >/dev/null || test -x /usr/sbin/pgbouncer || (apt-get update -q && apt-get install -y -q pgbouncer)
	@bash .ci/ensure-postgres

test: setup system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest
