# Net Club My Portal — the two set-up commands are `make dev` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
VENV_SAM := .venv-sam
BIN := $(VENV)/bin
PORT ?= 3000
# The Lambda runtime has one source of truth: template.yaml's PythonRuntime default. `make sam-build` (and so
# `make test`, whose deployed-shape tests run what it builds) needs an interpreter of that version: python3.X on
# PATH, else pyenv's, else one uv installed. When none is found, `make runtime-python` installs it with uv
# (`uv python install`; uv from PATH, else pip-installed into .venv-uv), or says in one line what is missing.
PYTHON_RUNTIME ?= $(shell awk '/^  PythonRuntime:/ {p = 1} p && /Default:/ {print $$2; exit}' template.yaml)
RUNTIME_VERSION := $(subst python,,$(PYTHON_RUNTIME))
VENV_UV := .venv-uv
UV_VERSION := 0.13.8
UV = $(shell command -v uv 2>/dev/null || echo "$(abspath $(VENV_UV))/bin/uv")
RUNTIME_PYTHON ?= $(shell for p in "$$(command -v python$(RUNTIME_VERSION))" "$$(pyenv prefix $(RUNTIME_VERSION) 2>/dev/null)/bin/python$(RUNTIME_VERSION)" \
	"$$("$(UV)" python find --python-preference only-managed $(RUNTIME_VERSION) 2>/dev/null)"; do \
	[ -x "$$p" ] && "$$p" -c 'import sys' >/dev/null 2>&1 && { "$$p" -c 'import sys; print(sys.executable)'; break; }; done)
export SAM_CLI_TELEMETRY := 0

.PHONY: first-admin dev test template venv runtime-python runtime-python-install frontend frontend-test frontend-api lint typecheck sam-validate sam-build unit functional e2e deployed browser openapi bench clean help

help:
	@echo "make dev   - install what is needed, build the front end, start the local stack (URL + demo logins printed)"
	@echo "make test  - install what tests need and run the whole suite (lint, types, SAM, unit, functional, e2e, deployed shape, browser)"

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

test: runtime-python venv lint typecheck sam-validate
	@if [ -f frontend/package.json ]; then $(MAKE) --no-print-directory frontend-test frontend; fi
	@if [ -d tests/browser ]; then $(MAKE) --no-print-directory chromium; fi
	NETCLUB_BROWSER_REQUIRED=1 $(BIN)/pytest -n 2 --dist loadgroup -q --durations=30

# ---------------------------------------------------------------- pieces
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

sam-validate: $(VENV_SAM)/.installed
	$(VENV_SAM)/bin/sam validate --lint --region ap-northeast-1

# Installs the runtime's Python with uv when none is found (uv's own download: a network connection is needed).
runtime-python-install:
	@if [ -n "$(RUNTIME_PYTHON)" ]; then exit 0; fi; \
	uv="$(UV)"; log="$(abspath $(VENV_UV)).log"; \
	echo "Python $(RUNTIME_VERSION) (the Lambda runtime $(PYTHON_RUNTIME)) not found: installing it with uv ($$uv)" >&2; \
	if [ ! -x "$$uv" ]; then { test -x $(VENV_UV)/bin/python || $(PY) -m venv $(VENV_UV); } >"$$log" 2>&1 && \
		$(VENV_UV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) >>"$$log" 2>&1 || \
		{ echo "error: Python $(RUNTIME_VERSION) is required (the Lambda runtime $(PYTHON_RUNTIME)) and uv could not be installed to fetch it ($$(tail -n 1 "$$log")): install Python $(RUNTIME_VERSION) (uv python install $(RUNTIME_VERSION), or pyenv install $(RUNTIME_VERSION)) or put python$(RUNTIME_VERSION) on PATH" >&2; exit 1; }; fi; \
	"$$uv" python install --no-bin $(RUNTIME_VERSION) >"$$log" 2>&1 || \
		{ echo "error: Python $(RUNTIME_VERSION) is required (the Lambda runtime $(PYTHON_RUNTIME)) and 'uv python install $(RUNTIME_VERSION)' failed ($$(grep -m1 -o 'cause: Failed to download\|cause: dns error\|error: .*' "$$log" | head -n 1); see $$log): install Python $(RUNTIME_VERSION) (pyenv install $(RUNTIME_VERSION)) or put python$(RUNTIME_VERSION) on PATH" >&2; exit 1; }

runtime-python: runtime-python-install  # prints the interpreter of the runtime's Python version, or fails saying what is missing
	@test -n "$(RUNTIME_PYTHON)" || { echo "error: no Python $(RUNTIME_VERSION) for the Lambda runtime $(PYTHON_RUNTIME) on this machine:" \
		"install it (e.g. uv python install $(RUNTIME_VERSION), pyenv install $(RUNTIME_VERSION)) or put python$(RUNTIME_VERSION) on PATH" >&2; exit 1; }
	@echo "$(RUNTIME_PYTHON)"

# .aws-sam/build: the layer with wheels and bytecode for the runtime's Python, and the functions.
# sam's python-pip workflow looks for python3.X on PATH: the runtime's interpreter comes first.
# sam's build cache does not know LAMBDA_PYTHON: a build for another runtime starts without it.
sam-build: $(VENV_SAM)/.installed runtime-python
	@if [ "$$(cat .aws-sam/runtime 2>/dev/null)" != "$(PYTHON_RUNTIME)" ]; then rm -rf .aws-sam/cache .aws-sam/build; fi
	PATH="$(dir $(RUNTIME_PYTHON)):$(abspath $(VENV_SAM))/bin:$$PATH" LAMBDA_PYTHON=$(RUNTIME_VERSION) LAMBDA_PYTHON_BIN="$(RUNTIME_PYTHON)" \
		$(VENV_SAM)/bin/sam build --parameter-overrides PythonRuntime=$(PYTHON_RUNTIME)
	echo "$(PYTHON_RUNTIME)" > .aws-sam/runtime
	@tag=cpython-$(subst .,,$(RUNTIME_VERSION)); layer=.aws-sam/build/CommonLayer/python; \
		missing=$$(cd $$layer && find . -name '*.py' -not -path '*/bin/*' | while read -r f; do \
			[ -f "$$(dirname "$$f")/__pycache__/$$(basename "$$f" .py).$$tag.pyc" ] || echo "$$f"; done | head -5); \
		other=$$(find $$layer -name '*.pyc' -not -name "*.$$tag.pyc" | head -5); \
		if [ -n "$$missing$$other" ]; then echo "error: the layer's bytecode is not all $$tag: missing for $$missing; other: $$other" >&2; exit 1; fi; \
		echo "layer: $$(find $$layer -name "*.$$tag.pyc" | wc -l) $$tag.pyc files for $(PYTHON_RUNTIME)"

unit: venv
	$(BIN)/pytest tests/unit -q

functional: venv
	$(BIN)/pytest tests/functional -q -n 2

e2e: venv
	$(BIN)/pytest tests/e2e -q

deployed: venv  # the functions as `make sam-build` makes them (it runs the build when an input changed)
	$(BIN)/pytest tests/deployed -q

# template.yaml's functions from functions/*/function.yaml and the routes of functions/*/app.py (infra/functions.py)
template: venv
	$(BIN)/python -m infra.functions

openapi: venv
	$(BIN)/python -m local.export_openapi build/openapi.json

# The first administrator of a deployed stack (README "Going live"): STACK=<name> EMAIL=<address> [NAME=] [REGION=],
# with your own AWS credentials; or LOCAL=http://127.0.0.1:3000 for the local stack. Refused once an admin exists.
first-admin: venv
	@test -n "$(EMAIL)" && { test -n "$(STACK)" || test -n "$(LOCAL)"; } || { echo "usage: make first-admin STACK=<stack name> EMAIL=<address> [NAME=<氏名>] [REGION=ap-northeast-1]  (or LOCAL=<url>)" >&2; exit 2; }
	$(BIN)/python -m ops.first_admin --email "$(EMAIL)" --name "$(or $(NAME),管理者)" $(if $(LOCAL),--local "$(LOCAL)",--stack "$(STACK)" --region "$(or $(REGION),ap-northeast-1)")

# The front end's copy of the document and the types generated from it (a test fails while it is stale).
frontend-api: venv frontend/node_modules/.installed
	$(BIN)/python -m local.export_openapi frontend/src/api/openapi.json
	cd frontend && npm run gen:api

bench: venv
	$(BIN)/python -m benchmarks.cold_start
	$(BIN)/python -m benchmarks.cold_start_deployed --runs 3
	$(BIN)/python -m benchmarks.dynamodb_calls
	$(BIN)/python -m benchmarks.reservations_calls
	$(BIN)/python -m benchmarks.route_calls -n 2
	$(BIN)/python -m benchmarks.answer_timing
	$(BIN)/python -m benchmarks.cost_model --assumptions  # the monthly bill from the pinned calls above (docs/performance.md, Cost and SnapStart)

clean:
	rm -rf .aws-sam build artifacts $(VENV_UV) $(VENV_UV).log .pytest_cache .mypy_cache .ruff_cache frontend/dist
