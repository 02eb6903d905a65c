# Quick start: `make demo` then `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The demo's cut-off is fixed so that every run writes the same numbers (SPEC §3 as_of).
AS_OF  ?= 2026-10-05T06:00:00Z
QUARTER ?= 2026Q3

.PHONY: demo test lint clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { echo "error: cannot create a virtual environment; on Debian/Ubuntu run: sudo apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# -qq: errors only; a plain --quiet still shows setuptools' "Editable installation" notice.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -qq -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -qq -e '.[dev]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/qbr batch --config sample_data/qbr.toml --quarter $(QUARTER) --as-of $(AS_OF) --out out

# ruff and mypy run first: a style or type error fails the build like a test does.
test: lint
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check qbr tests sample_data benchmarks
	$(BIN)/mypy


clean:
	rm -rf out build dist *.egg-info
