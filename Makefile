# hyoka — the two set-up commands: `make build` (examples → out/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
SOURCES := sources
FORMATS ?= html,docx,xlsx

.DEFAULT_GOAL := build
.PHONY: build test lint format check clean

# The venv is (re)made when pyproject.toml changes; the stamp keeps `make` from reinstalling.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

build: $(VENV)/.installed
	$(BIN)/hyoka build $(SOURCES) --out $(OUT) --format $(FORMATS) --quiet

check: $(VENV)/.installed
	$(BIN)/hyoka check $(SOURCES)

lint: $(VENV)/.installed
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

format: $(VENV)/.installed
	$(BIN)/ruff format generator tests bench
	$(BIN)/ruff check --fix generator tests bench

# Tests use LibreOffice, Chromium, poppler and Japanese fonts for real: install them first.
test: $(VENV)/.installed
	bash scripts/install-system-deps.sh
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest -q -ra

clean:
	rm -rf $(OUT) .pytest_cache
