# Tongban: `make run` serves the demo platform on SQLite; `make test` runs lint, types and every test.
#   make run             virtualenv + install + migrate var/tongban.sqlite3 + demo data, then serve on $(PORT)
#                        with the background worker (tongban worker) beside the web server
#   make test            the same set-up, then ruff, import-linter, mypy and pytest (TONGBAN_TEST_POSTGRES=1: on PostgreSQL)
#   make demo-accounts   the demo accounts as JSON lines
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
STAMP := $(VENV)/.installed
# Demo mode: the demo data and its published passwords are allowed (never on a real deployment).
DEMO_ENV := TONGBAN_DEMO_MODE=1 PORT=$(PORT)
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input

.PHONY: help run serve setup migrate demo-data test install lint typecheck pytest pytest-postgres \
	demo-accounts openapi check-openapi clean federation

help:
	@echo "make run            serve the demo platform on http://$(HOST):$(PORT)/ (PORT=… to change)"
	@echo "make test           ruff, mypy and the whole pytest suite (TONGBAN_TEST_POSTGRES=1 for PostgreSQL)"
	@echo "make demo-accounts  the demo accounts as JSON lines"
	@echo "make federation     three demo nodes (浙江诸暨, 山东枣庄市中区, 河南济源) on ports 8101-8103"
	@echo "make openapi        rewrite docs/openapi.json from the code"
	@echo "make clean          remove the virtual environment and var/"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Tongban needs Python 3.11 or newer as '$(PYTHON)' (try: make PYTHON=python3.11 …)." >&2; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
		echo "'$(PYTHON)' cannot create virtual environments: install Debian's python3-venv" \
		     "(apt-get install python3-venv) or use another Python 3.11+." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The local SQLite database under var/ (or DATABASE_URL), migrated, with the demo data (idempotent).
migrate: install
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/tongban migrate --noinput

demo-data: migrate
	$(DEMO_ENV) $(BIN)/tongban demo load

setup: demo-data

run: setup serve

serve: install
	@echo
	@echo "演示账号 / Demo accounts:"
	@$(DEMO_ENV) $(BIN)/tongban demo accounts --table
	@echo
	@echo "平台首页 / Platform:    http://$(HOST):$(PORT)/"
	@echo "管理后台 / Admin:       http://$(HOST):$(PORT)/admin/"
	@echo "接口文档 / API docs:    http://$(HOST):$(PORT)/api/v1/docs"
	@echo "健康检查 / Health:      http://$(HOST):$(PORT)/healthz"
	@echo "后台任务 / Worker:      tongban worker（通知、快递下单、定时任务）/ notices, courier bookings, periodic jobs"
	@echo "Ctrl-C 停止 / to stop."
	@echo
	@# The worker runs beside the web server in this one shell; the trap stops it when the server stops
	@# (Ctrl-C, or the whole process group killed, as .ci/run does).
	$(DEMO_ENV) $(BIN)/tongban worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null || true' EXIT; \
	$(DEMO_ENV) $(BIN)/tongban runserver $(HOST):$(PORT) --noreload

# Three demo nodes on one machine (each its own database, key, web server and worker; a signed directory).
FEDERATION_NODES ?= 330681,370402,419001
federation: install
	@echo "演示账号（密码 Tongban@2026）：诸暨 8101 跨省通办专窗 zj_window，群众 zj_citizen_wang，公安审批 zj_police_approver；"
	@echo "  市中区 8102 窗口 shizhong_window，公安审批 shizhong_police_approver；济源 8103 窗口 jiyuan_window，公安审批 jiyuan_police_approver"
	@echo "  走查步骤见 README.md 的 “Three nodes: make federation”"
	$(DEMO_ENV) $(BIN)/tongban federation cluster --nodes $(FEDERATION_NODES) --base-port 8101

demo-accounts: install
	@$(DEMO_ENV) $(BIN)/tongban demo accounts

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	TONGBAN_TESTING=1 $(BIN)/mypy

pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

pytest-postgres: install
	TONGBAN_TEST_POSTGRES=1 $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

# Prerequisites run in this order; make stops at the first that fails and exits non-zero.
test: setup lint typecheck pytest

openapi: install
	TONGBAN_TESTING=1 $(BIN)/tongban export_openapi docs/openapi.json

check-openapi: install
	TONGBAN_TESTING=1 $(BIN)/tongban export_openapi docs/openapi.json --check

clean:
	rm -rf $(VENV) var
