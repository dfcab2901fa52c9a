# hyoka — the two set-up commands: `make build` (examples → out/) and `make test`; plain `make`
# rebuilds exactly the outputs whose inputs changed (rules from `hyoka deps`, see below).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
SOURCES := sources
FORMATS ?= html,docx,xlsx

.DEFAULT_GOAL := all
# no built-in implicit rules: make would look for a way to remake each of the thousands of files
# that deps.mk names (RCS, SCCS, %.c …), which costs more than everything else a no-op `make` does
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.PHONY: all build site test lint format check clean docs bytecode

# The venv is (re)made when pyproject.toml changes; the stamp keeps `make` from reinstalling.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Incremental builds: $(OUT)/deps.mk names, per assessment folder, exactly the files its outputs
# are built from (sources, block files, templates, generator modules; the rules of each folder are
# in $(OUT)/<name>/.hyoka-deps.mk); `make` after `make build` finds every output current from file
# times alone and starts no process. `hyoka deps` runs again when a folder, a YAML file or a block
# folder is added, removed or edited, and reads only the folders whose YAML changed.
HYOKA := $(BIN)/hyoka
DEPS  := $(OUT)/deps.mk

# the rules are written after the build, from its records (no YAML is read twice)
# bytecode written once before a build or the tests: where PYTHONDONTWRITEBYTECODE is set (CI images
# often set it), every hyoka process would otherwise compile its ~100 modules again (0.4–0.7 s each)
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q generator

build: bytecode
	$(HYOKA) build $(SOURCES) --out $(OUT) --format $(FORMATS) --quiet
	$(HYOKA) deps $(SOURCES) --out $(OUT) --format $(FORMATS) --output $(DEPS)

# deps.mk adds its own prerequisites (every folder, YAML file and block folder)
$(DEPS): Makefile $(VENV)/.installed $(SOURCES)
	$(HYOKA) deps $(SOURCES) --out $(OUT) --format $(FORMATS) --output $@

# only the goals that build from the rules read (and so first write) them: not `make build`,
# `make test` or `make clean`
ifneq ($(if $(MAKECMDGOALS),$(filter all site out/%,$(MAKECMDGOALS)),all),)
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
	$(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff format generator tests bench
	$(BIN)/ruff check --fix generator tests bench

# Tests use LibreOffice, Chromium, poppler and Japanese fonts for real: install them first.
test: $(VENV)/.installed
	bash scripts/install-system-deps.sh
	$(MAKE) --no-print-directory lint bytecode
	$(BIN)/pytest -q -ra

# the key reference page, generated from the form definitions (a test checks it is current)
docs: $(VENV)/.installed
	$(BIN)/hyoka reference --output docs/reference.md

clean:
	rm -rf $(OUT) .pytest_cache
