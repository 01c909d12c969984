# Atendo — `make run` serves the app, `make test` runs every check. Both install what is
# missing first (Debian packages, .venv, node_modules, the built web app) and are fast when
# nothing changed. Embedded PostgreSQL/Redis are used unless DATABASE_URL/REDIS_URL are set.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
VPY := $(CURDIR)/$(VENV)/bin/python
PY_STAMP := $(VENV)/.requirements.stamp
DEVSTACK := cd backend && $(VPY) -m devstack
# devstack from the repository root (pytest and npm find their config here)
DEVSTACK_ROOT := PYTHONPATH=$(CURDIR)/backend $(VPY) -m devstack
PYTEST_ARGS ?=

export DEBIAN_FRONTEND := noninteractive
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

HAS_FRONTEND := $(wildcard frontend/package.json)
ifneq ($(HAS_FRONTEND),)
FRONTEND_INSTALL := frontend/node_modules/.install.stamp
FRONTEND_BUILD := frontend/dist/.build.stamp
# Every source file of the web app and the widget (not outputs, tests reports or e2e specs).
FRONTEND_SRC := $(shell find frontend \( -name node_modules -o -name dist -o -name test-results \
	-o -name playwright-report -o -name coverage -o -path frontend/e2e \) -prune -o -type f -print)
endif

# apt_need: "command-or-path:package ..." -> install the packages whose command is missing;
# `apt-get update` only runs when something has to be installed.
define apt_need
	missing=""; \
	for spec in $(1); do \
	  probe="$${spec%%:*}"; pkg="$${spec#*:}"; \
	  if [ "$${probe#/}" != "$$probe" ]; then [ -e "$$probe" ] || missing="$$missing $$pkg"; \
	  else command -v "$$probe" >/dev/null 2>&1 || missing="$$missing $$pkg"; fi; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: help run test lint bench clean dev-frontend api-types deps test-deps backend-deps frontend-deps frontend-build

help:
	@echo "make run           install what is missing, then serve Atendo on http://127.0.0.1:8000"
	@echo "make test          lint, backend tests, frontend unit tests, browser tests"
	@echo "make lint          ruff, mypy, import-linter (+ eslint and tsc for the frontend)"
	@echo "make bench         benchmarks against the real servers (results in bench/results/)"
	@echo "make api-types     regenerate the web app's API types from the OpenAPI schema"
	@echo "make dev-frontend  Vite dev server for the web app"
	@echo "make clean         remove var/ (data, mail, embedded servers) and built assets"

# --- installation ---------------------------------------------------------------------------
$(VENV)/bin/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { $(call apt_need,/nonexistent:python3-venv); }
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): requirements.txt | $(VENV)/bin/python
	$(VPY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

backend-deps: $(PY_STAMP)
	@$(call apt_need,msgfmt:gettext)
	@for po in $$(find backend/atendo -name '*.po' -path '*/LC_MESSAGES/*'); do \
	  mo="$${po%.po}.mo"; \
	  if [ ! -f "$$mo" ] || [ "$$po" -nt "$$mo" ]; then msgfmt --check -o "$$mo" "$$po"; fi; \
	done

test-deps: backend-deps
	@$(call apt_need,/usr/bin/chromium:chromium /usr/sbin/clamd:clamav-daemon /usr/sbin/dovecot:dovecot-imapd)

ifneq ($(HAS_FRONTEND),)
$(FRONTEND_INSTALL): frontend/package.json $(wildcard frontend/package-lock.json)
	@if [ frontend/node_modules/.package-lock.json -nt frontend/package-lock.json ]; then \
	  echo "frontend/node_modules already matches package-lock.json"; \
	elif [ -f frontend/package-lock.json ]; then \
	  npm --prefix frontend ci --no-audit --no-fund; \
	else \
	  npm --prefix frontend install --no-audit --no-fund; \
	fi
	@touch $@

$(FRONTEND_BUILD): $(FRONTEND_INSTALL) $(FRONTEND_SRC)
	npm --prefix frontend run build
	@mkdir -p $(@D) && touch $@

frontend-deps: $(FRONTEND_INSTALL)
frontend-build: $(FRONTEND_BUILD)
else
frontend-deps frontend-build:
	@true
endif

deps: backend-deps frontend-build

# --- everyday targets -----------------------------------------------------------------------
run: deps
	$(DEVSTACK) run

lint: backend-deps frontend-deps
	$(VENV)/bin/ruff check backend bench
	$(VENV)/bin/ruff format --check backend bench
	PYTHONPATH=backend DEBUG=true $(VENV)/bin/mypy
	cd backend && DJANGO_SETTINGS_MODULE=atendo.config.settings_test ../$(VENV)/bin/lint-imports --config ../pyproject.toml
ifneq ($(HAS_FRONTEND),)
	npm --prefix frontend run lint
	npm --prefix frontend run typecheck
endif

test: test-deps frontend-build
	@$(MAKE) --no-print-directory lint
	$(DEVSTACK_ROOT) exec -- $(VPY) -m pytest --ds=atendo.config.settings_test $(PYTEST_ARGS)
ifneq ($(HAS_FRONTEND),)
	npm --prefix frontend test
	$(DEVSTACK_ROOT) e2e -- npm --prefix frontend run e2e
endif
	@# Smoke check: every benchmark scenario runs (short, no thresholds: benchmarks report).
	@$(MAKE) --no-print-directory bench QUICK=1

# Benchmarks run the real servers in production mode (DEBUG off) and print Markdown tables;
# raw figures land in bench/results/. `make bench QUICK=1`: short runs (3 s webhook loads,
# fewer samples, tickets and stored events) to check that every scenario works.
QUICK ?=
# One run stamp for every scenario: each saves bench/results/$(BENCH_RUN)/<scenario>.json and
# bench/report.py merges them into bench/results/$(BENCH_RUN).json and prints one table.
ifeq ($(BENCH_RUN),)
BENCH_RUN := $(shell date -u +%Y%m%dT%H%M%SZ)
endif
# QUICK: ~1/20 of each scenario, one run each (a smoke check of ~3 min in `make test`).
BENCH_QUICK_ENV := BENCH_QUICK=1 BENCH_SAMPLES=$${BENCH_SAMPLES:-20} BENCH_TICKETS=$${BENCH_TICKETS:-5000} \
	BENCH_WEBHOOK_RUNS=$${BENCH_WEBHOOK_RUNS:-1} BENCH_WEBHOOK_DRAIN_SECONDS=$${BENCH_WEBHOOK_DRAIN_SECONDS:-5}
BENCH_ENV := BENCH_RUN=$(BENCH_RUN) $(if $(QUICK),$(BENCH_QUICK_ENV),)
bench: deps
	@$(call apt_need,/usr/bin/wrk:wrk /usr/bin/chromium:chromium)
	@mkdir -p bench/results/$(BENCH_RUN) && touch bench/results/$(BENCH_RUN)/.started
	@# One set of servers for the scenarios that need them (each start migrates a fresh database);
	@# webhook_ack last: it leaves a backlog behind.
	$(BENCH_ENV) E2E_DEBUG=false WIDGET_MESSAGES_PER_MINUTE=100000 $(DEVSTACK_ROOT) e2e -- bash -c \
	  '$(VPY) bench/webchat_latency.py && $(VPY) bench/end_to_end.py && node bench/inbox_page_load.mjs && $(VPY) bench/webhook_ack.py'
	$(BENCH_ENV) $(DEVSTACK_ROOT) exec -- $(VPY) bench/processing.py
	$(BENCH_ENV) $(DEVSTACK_ROOT) exec -- $(VPY) bench/sla_scan.py
	$(BENCH_ENV) $(DEVSTACK_ROOT) exec -- $(VPY) bench/inbox_scale.py
	@$(VPY) bench/report.py $(BENCH_RUN)

# The web app's API types, generated from the backend's OpenAPI schema (a test fails when stale).
api-types: backend-deps frontend-deps
	cd backend && DEBUG=true ../$(VENV)/bin/python manage.py spectacular --format openapi-json --file /tmp/atendo-openapi.json
	frontend/node_modules/.bin/openapi-typescript /tmp/atendo-openapi.json -o frontend/src/shared/api/schema.d.ts

dev-frontend: frontend-deps
	npm --prefix frontend run dev

clean:
	@if [ -f var/postgres/postmaster.pid ] && kill -0 "$$(head -1 var/postgres/postmaster.pid)" 2>/dev/null; then \
	  echo "make clean: the embedded PostgreSQL is running; stop 'make run' first"; exit 1; fi
	rm -rf var frontend/dist frontend/widget/dist
	find backend -name '*.mo' -path '*/LC_MESSAGES/*' -delete
