# hyoka — the two set-up commands: `make build` (examples → out/) and `make test`; plain `make`
# rebuilds exactly the outputs whose inputs changed (rules from `hyoka deps`, see below).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
SOURCES := sources
FORMATS ?= html,docx,xlsx

.DEFAULT_GOAL := all
.PHONY: all build site test lint format check clean docs

# The venv is (re)made when pyproject.toml changes; the stamp keeps `make` from reinstalling.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

build: $(VENV)/.installed
	$(BIN)/hyoka build $(SOURCES) --out $(OUT) --format $(FORMATS) --quiet

# Incremental builds: $(OUT)/deps.mk has one rule per output with exactly the files it is built
# from (sources, block files, templates, generator modules); `make` after `make build` finds
# every output current from file times alone and starts no process. The rules are written again
# when a source or block file is added, removed or edited (an edit may reference another block).
HYOKA := $(BIN)/hyoka
DEPS  := $(OUT)/deps.mk

$(DEPS): Makefile $(VENV)/.installed $(SOURCES) $(wildcard $(SOURCES)/* $(SOURCES)/*/*.y*ml $(SOURCES)/blocks/*/ templates/blocks templates/blocks/*/)
	$(HYOKA) deps $(SOURCES) --out $(OUT) --format $(FORMATS) --output $@

# only the goals that build read (and so first write) the rules: `make test` or `make clean` do not
ifneq ($(if $(MAKECMDGOALS),$(filter all build site out/%,$(MAKECMDGOALS)),all),)
include $(DEPS)
endif

# after the include: HYOKA_OUTPUTS comes from deps.mk
all: $(HYOKA_OUTPUTS)

site: all
	$(HYOKA) site $(SOURCES) --out $(OUT)/site --build $(OUT) --quiet

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

# the key reference page, generated from the form definitions (a test checks it is current)
docs: $(VENV)/.installed
	$(BIN)/hyoka reference --output docs/reference.md

clean:
	rm -rf $(OUT) .pytest_cache
