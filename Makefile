# Net Club My Portal — the two set-up commands are `make dev` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
VENV_SAM := .venv-sam
BIN := $(VENV)/bin
PORT ?= 3000
PYTHON_RUNTIME ?= python3.11
export SAM_CLI_TELEMETRY := 0

.PHONY: dev test venv frontend frontend-test frontend-api lint typecheck sam-validate sam-build unit functional e2e browser openapi bench clean help

help:
	@echo "make dev   - install what is needed, build the front end, start the local stack (URL + demo logins printed)"
	@echo "make test  - install what tests need and run the whole suite (lint, types, SAM, unit, functional, e2e, browser)"

# ---------------------------------------------------------------- environments
$(BIN)/.installed: requirements-dev.txt layers/common/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(BIN)/.installed

$(VENV_SAM)/.installed:
	test -x $(VENV_SAM)/bin/python || $(PY) -m venv $(VENV_SAM)
	$(VENV_SAM)/bin/pip install --quiet --disable-pip-version-check aws-sam-cli==1.170.0
	touch $@

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend: frontend/node_modules/.installed
	cd frontend && npm run build

frontend-test: frontend/node_modules/.installed
	cd frontend && npm test

chromium:
	@(command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk") || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

# ---------------------------------------------------------------- the two commands
dev: venv
	@if [ -f frontend/package.json ]; then $(MAKE) --no-print-directory frontend; fi
	PORT=$(PORT) $(BIN)/python -m local

test: venv lint typecheck sam-validate
	@if [ -f frontend/package.json ]; then $(MAKE) --no-print-directory frontend-test frontend; fi
	@if [ -d tests/browser ]; then $(MAKE) --no-print-directory chromium; fi
	NETCLUB_BROWSER_REQUIRED=1 $(BIN)/pytest -n 2 --dist loadgroup -q

# ---------------------------------------------------------------- pieces
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

sam-validate: $(VENV_SAM)/.installed
	$(VENV_SAM)/bin/sam validate --lint --region ap-northeast-1

sam-build: $(VENV_SAM)/.installed
	PATH="$(abspath $(VENV_SAM))/bin:$$PATH" LAMBDA_PYTHON=$(subst python,,$(PYTHON_RUNTIME)) \
		$(VENV_SAM)/bin/sam build --parameter-overrides PythonRuntime=$(PYTHON_RUNTIME)

unit: venv
	$(BIN)/pytest tests/unit -q

functional: venv
	$(BIN)/pytest tests/functional -q -n 2

e2e: venv
	$(BIN)/pytest tests/e2e -q

openapi: venv
	$(BIN)/python -m local.export_openapi build/openapi.json

# The front end's copy of the document and the types generated from it (a test fails while it is stale).
frontend-api: venv frontend/node_modules/.installed
	$(BIN)/python -m local.export_openapi frontend/src/api/openapi.json
	cd frontend && npm run gen:api

bench: venv
	$(BIN)/python -m benchmarks.cold_start
	$(BIN)/python -m benchmarks.dynamodb_calls
	$(BIN)/python -m benchmarks.reservations_calls
	$(BIN)/python -m benchmarks.answer_timing

clean:
	rm -rf .aws-sam build artifacts .pytest_cache .mypy_cache .ruff_cache frontend/dist
