# stancewatch: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARTIFACT := model/artifacts/stance_model.joblib
PORT ?= 8000
WORKERS ?= 2
PIDFILE ?= /tmp/stancewatch-$(PORT).pid
DURATION ?= 30
CLIENTS ?= 16

.DEFAULT_GOAL := help
.PHONY: help install train evaluate serve test lint check-data bench loadtest reload

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the package with its dev tools

train: $(STAMP) ## Fit the stance model and write model/artifacts/
	$(PY) -m training.train

$(ARTIFACT): | $(STAMP)
	$(PY) -m training.train

evaluate: $(ARTIFACT) ## Score the held-out test articles; write reports/evaluation.json and .html
	$(PY) -m training.evaluate

serve: $(ARTIFACT) ## Start gunicorn on PORT (8000) with WORKERS (2), training first if needed; pid in PIDFILE
	PORT=$(PORT) WORKERS=$(WORKERS) STANCE_PIDFILE=$(PIDFILE) $(VENV)/bin/gunicorn -c gunicorn.conf.py "service.app:create_app()"

reload: ## Move a running `make serve` to the current artifact (HUP to the pid in PIDFILE)
	@test -s $(PIDFILE) || { echo "no running server: $(PIDFILE) is missing (start one with make serve)"; exit 1; }
	kill -HUP "$$(cat $(PIDFILE))"

loadtest: $(ARTIFACT) ## Load-test gunicorn on loopback: DURATION s (30), CLIENTS clients (16), WORKERS (2)
	$(PY) -m tools.loadtest --duration $(DURATION) --clients $(CLIENTS) --workers $(WORKERS)

check-data: $(STAMP) ## Validate the labelled data and print its statistics
	$(PY) -m training.check_data

test: check-data ## Check the data, then run the test suite
	$(PY) -m pytest

bench: $(STAMP) ## Run the benchmarks and write bench/results.json
	$(PY) -m bench.run

lint: $(STAMP) ## Lint with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
