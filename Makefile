# The whole set-up is these two targets (see README.md):
#   make run   - create .venv, install, migrate, load the catalogue, add the demo
#                practice when the database is empty, serve on 127.0.0.1:5000
#   make test  - create/update .venv with the dev tools, lint, run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes in parallel (pytest-xdist): one per CPU by default; 0 runs in one.
# Each test file stays on one worker (--dist loadfile), so that a file's browser
# journeys share one served practice (each journey builds what it needs in it).
TEST_WORKERS ?= auto
DEMO_PASSWORD ?= mend-demo-2026

.PHONY: run test audit lint format clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) catalogue load
	$(FLASK) seed-demo --if-empty --password "$(DEMO_PASSWORD)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Every pinned dependency checked for known vulnerabilities (needs PyPI).
audit: $(VENV)/.installed-dev
	$(BIN)/python .ci/audit-dependencies

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-venv:
	rm -rf $(VENV)
