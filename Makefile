# TAP infrastructure toolkit. `make help` lists the targets; ENV defaults to dev.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ENV ?= dev
NODE_BIN := node_modules/.bin
TAP := node .build/tap.js
SOURCES := $(shell find src scripts -name '*.ts')
PYTHON ?= python3

.PHONY: help install synth typecheck lint test plan diagram docs bench clean bootstrap diff deploy outputs drift destroy continue-rollback

help: ## List every target with one line each
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-18s %s\n", $$1, $$2 }'
	@echo "  (ENV=dev|staging|prod selects params/<env>.json; default dev)"

install: node_modules/.installed .venv/.installed ## Install pinned npm packages and the Python tools (.venv)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# After the pinned tools: PLY's table for checkov's JSONPath parser (scripts/checkov_parse_table.py).
.venv/.installed: requirements.txt scripts/checkov_parse_table.py
	$(PYTHON) -m venv .venv
	.venv/bin/pip install --disable-pip-version-check --quiet -r requirements.txt
	.venv/bin/python scripts/checkov_parse_table.py
	@touch $@

# The CLI, bundled once per source change: starting it costs ~0.1 s instead of a TypeScript compile.
# scripts/cli-bundle.js is the one recipe; `npx tap` (scripts/npx-tap.js) rebuilds with it too.
.build/tap.js: node_modules/.installed $(SOURCES) scripts/cli-bundle.js
	@node scripts/cli-bundle.js

synth: .build/tap.js ## Render the root and every nested template into templates/
	@$(TAP) synth

typecheck: node_modules/.installed ## Type-check all TypeScript with tsc
	@$(NODE_BIN)/tsc -p .

lint: install .build/tap.js typecheck ## Type-check, cfn-lint every template and each environment, checkov scan
	@$(TAP) lint

test: install .build/tap.js ## Run the whole check suite (what CI runs): types, freshness (templates, diagram, docs/cli.md), lint, tests
	@$(NODE_BIN)/tsc -p .
	@$(TAP) synth --check
	@$(TAP) diagram --check
	@$(TAP) docs --check
	@$(TAP) lint
	@node --import tsx scripts/test.ts

plan: install .build/tap.js ## Offline plan for ENV: synth, validate params, lint, security scan, stack limits
	@$(TAP) plan --env $(ENV)

bootstrap: install .build/tap.js ## Create or update ENV's artifact bucket stack (<stackName>-bootstrap)
	@$(TAP) bootstrap --env $(ENV) $(ARGS)

diff: install .build/tap.js ## Create and review ENV's change set (saved to .tap/ENV/review.json); never executes
	@$(TAP) diff --env $(ENV) $(ARGS)

deploy: install .build/tap.js ## Deploy ENV: package, nested change set, review, approve, execute, outputs (REVIEW=file runs a saved review)
	@$(TAP) deploy --env $(ENV) $(if $(REVIEW),--review $(REVIEW)) $(ARGS)

outputs: install .build/tap.js ## Print ENV's stack outputs and write .tap/ENV/outputs.json
	@$(TAP) outputs --env $(ENV) $(ARGS)

drift: install .build/tap.js ## Detect drift on ENV's root and every nested stack (exit 11 on drift)
	@$(TAP) drift --env $(ENV)

destroy: install .build/tap.js ## Delete ENV's stack tree (type the stack name, or CONFIRM=<stack>); prod also needs ARGS=--force
	@$(TAP) destroy --env $(ENV) $(if $(CONFIRM),--confirm $(CONFIRM)) $(ARGS)

continue-rollback: install .build/tap.js ## Finish ENV's failed rollback (ARGS='--skip Stack.Resource' for what cannot roll back)
	@$(TAP) continue-rollback --env $(ENV) $(ARGS)

diagram: .build/tap.js ## Render docs/architecture.svg from templates/ (WebAssembly Graphviz)
	@$(TAP) diagram

docs: .build/tap.js ## Render the CLI reference docs/cli.md from the command specs (make test checks it)
	@$(TAP) docs

bench: install .build/tap.js ## Time synth, typecheck, validation, lint, scan and plan; scale series to 100 services
	@node --import tsx scripts/bench.ts

clean: ## Remove derived files (.build, .cache); keeps node_modules and .venv
	rm -rf .build .cache
