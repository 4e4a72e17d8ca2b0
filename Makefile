# Kete: `make demo` runs it, `make test` tests it. Needs Python 3.11+ and make, nothing else.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: install demo serve test lint bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Kete needs Python 3.11 or newer on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install Kete with its development tools

demo: $(STAMP) ## migrate, load the demo bank and accounts, serve on http://127.0.0.1:8000
	$(BIN)/kete demo
	$(BIN)/kete serve

serve: $(STAMP)
	$(BIN)/kete serve

test: $(STAMP) ## the whole suite (SQLite; PostgreSQL too when KETE_TEST_DATABASE_URL is set)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check app tests
	$(BIN)/mypy app

bench: $(STAMP) ## the benchmarks the issues ask for
	$(BIN)/kete bench calibration
	$(BIN)/kete bench assembly
	$(BIN)/kete bench adaptive
	$(BIN)/kete bench reports

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
