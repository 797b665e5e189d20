# adoption: build the environment, the data and the reports.
# `make report` is the main job; `make test` runs the test suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install report test lint lab bench clean-reports

help:
	@echo "make report   build the environment, data and every report; prints reports/index.html"
	@echo "make test     build the environment and run the test suite"
	@echo "make lint     check the import contracts (the pipeline runs one way)"
	@echo "make lab      open JupyterLab on notebooks/ with the project's kernel"
	@echo "make bench    run the benchmark and print its table"
	@echo "make install  only build the environment (.venv)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "adoption needs Python 3.11 or newer, found " + sys.version.split()[0] + ": run make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name adoption --display-name "Python (adoption)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/adoption report

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/lint-imports

lab: $(STAMP)
	$(BIN)/adoption lab

bench: $(STAMP)
	$(BIN)/python -m adoption.bench

clean-reports:
	rm -rf reports/*.html reports/notebooks
