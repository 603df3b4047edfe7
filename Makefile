# StockPilot — `make run` starts it, `make test` checks it. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Seed the demo network if the store is empty, then start StockPilot.
run: install
	$(BIN)/stockpilot start

## Run the test suite (PostgreSQL tests run when STOCKPILOT_TEST_POSTGRES_URL is set).
test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/bench_forecast.py
	$(BIN)/python benchmarks/bench_exceptions.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
