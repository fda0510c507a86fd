# Run `make help` to see the targets. Only python3 (>= 3.11) and make are needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev
# The address e-mails link to (docs/configuration.md). Set it yourself when people reach the site by another name,
# e.g. `make run HOST=0.0.0.0 SITE_URL=http://my-laptop.local:8000`.
export SITE_URL ?= http://$(HOST):$(PORT)
# Debug is off, as in production (the site's own 404 and 500 pages); `make run DEBUG=1` turns it on.

.DEFAULT_GOAL := help
.PHONY: help install run serve setup migrate seed test test-fast lint format check bench bench-full worker scheduler frontend clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: migrate ## Build the demo world (idempotent) and print the demo logins
	$(PY) manage.py seed_demo

setup: seed ## Install, migrate and seed

run: setup ## Set everything up and serve the demo site on http://127.0.0.1:8000 (HOST, PORT; DEBUG=1 for debug)
	@$(MAKE) --no-print-directory serve

# The scheduler (and, when tasks go through the database queue, a worker) run in the background and stop with the
# server. The dev settings run tasks at once, inside the scheduler; `make run TASKS_BACKEND=django_tasks_db.DatabaseBackend`
# queues them for a worker as production does.
DB_QUEUE := $(findstring django_tasks_db,$(TASKS_BACKEND))
serve: ## Serve without setting up first, with the scheduler (and worker) in the background
	@echo "Serving on http://$(HOST):$(PORT)/ with debug $(if $(filter 1 true True TRUE yes on,$(DEBUG)),on,off)  (stop with Ctrl+C)"
	@echo "In the background: the scheduler (manage.py run_scheduler)$(if $(DB_QUEUE), and a task worker (manage.py run_worker))"
	@pids=""; \
	trap 'kill $$pids 2>/dev/null; wait $$pids 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py run_scheduler & pids="$$!"; \
	$(if $(DB_QUEUE),$(PY) manage.py run_worker & pids="$$pids $$!";) \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install ## Run a background task worker (database queue)
	$(PY) manage.py run_worker

scheduler: install ## Run the scheduler: enqueues the jobs of cms/schedule.py at their times
	$(PY) manage.py run_scheduler

test: install ## Run the whole test suite (browser tests included when /usr/bin/chromium exists)
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff check and format check, bandit security lint (bandit.yaml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c bandit.yaml -q -r cms workforce covenant demo benchmarks

format: install ## Format and fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install ## Django system checks and missing migrations
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: install ## Run every benchmark at a small size (a few minutes)
	$(PY) -m benchmarks --size small $(BENCH_ARGS)

bench-full: install ## Run the benchmarks at the sizes the issues name (long)
	$(PY) -m benchmarks --size full --strict $(BENCH_ARGS)

frontend: ## Rebuild static/nhsuk from the pinned nhsuk-frontend npm package (needs Node)
	bash scripts/build-frontend.sh

clean: ## Remove the virtual environment, local database and collected files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .test-media
