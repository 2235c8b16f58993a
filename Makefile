# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

export PORT ?= 8000
export DYNAMODB_PORT ?= 8001
export WEB_PORT ?= 5173

STAGE ?= prod
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: run reset-data test lint typecheck unit integration e2e install clean package lint-template web web-check screenshots bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip<26.3"
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: $(STAMP) web
	$(BIN)/python -m devstack

# make run keeps its tables in DEVSTACK_DATA between runs; this forgets them, so
# the next `make run` starts again from the demo data. Stop make run first: it
# writes its data once more as it stops.
reset-data:
	rm -f "$${DEVSTACK_DATA:-.devstack/data/dynamodb.json}"

# The web client: built with Vite into frontend/dist, served by `make run`.
web:
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Browser tests write their screenshots here; `make screenshots` refreshes docs/.
export SCREENSHOT_DIR ?= build/screenshots

test: lint typecheck lint-template web-check
	$(BIN)/pytest -n 2 --dist loadgroup

# The web client's own checks: component tests, API types drift, lint, format.
web-check: web
	cd frontend && npm test && npm run check:api && npm run lint && npm run format:check

# The benchmark: prints the table, writes bench/results.json and docs/PERFORMANCE.md.
bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP) web
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q tests/browser

# The AWS deployment artefact, built and checked offline: chalice's SAM output
# with the merge template (table, least-privilege IAM, problem+json gateway errors).
package: $(STAMP)
	mkdir -p build
	$(BIN)/python -m deploy.template $(STAGE) > build/merge-$(STAGE).json
	rm -rf build/package
	$(BIN)/chalice package --stage $(STAGE) --merge-template build/merge-$(STAGE).json build/package
	$(BIN)/python -m deploy.bytecode build/package/deployment.zip build/package/sam.json

lint-template: package
	$(BIN)/cfn-lint build/package/sam.json

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest tests/integration

e2e: $(STAMP)
	$(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build
