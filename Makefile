# Tongban: `make run` serves the demo platform on SQLite; `make test` runs lint, types and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck pytest demo-accounts openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p var
	TONGBAN_DEMO_MODE=1 $(BIN)/tongban migrate --noinput
	TONGBAN_DEMO_MODE=1 $(BIN)/tongban demo load
	TONGBAN_DEMO_MODE=1 $(BIN)/tongban demo accounts --table
	@echo "平台地址 / Platform:  http://127.0.0.1:$(PORT)/"
	@echo "管理后台 / Admin:     http://127.0.0.1:$(PORT)/admin/"
	@echo "接口文档 / API docs:  http://127.0.0.1:$(PORT)/api/v1/docs"
	TONGBAN_DEMO_MODE=1 $(BIN)/tongban runserver 127.0.0.1:$(PORT) --noreload

demo-accounts: install
	@TONGBAN_DEMO_MODE=1 $(BIN)/tongban demo accounts

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n 2 -p no:cacheprovider

test: lint typecheck pytest

openapi: install
	TONGBAN_TESTING=1 $(BIN)/tongban export_openapi docs/openapi.json

clean:
	rm -rf $(VENV) var
