# Two entry points on a fresh machine: `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= newskg-data

.PHONY: setup run test clean

$(BIN)/newskg: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/newskg

setup: $(BIN)/newskg

run: setup
	$(BIN)/newskg corpus list
	$(BIN)/newskg corpus show $$($(BIN)/newskg corpus list --json | $(BIN)/python -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

test: setup
	$(BIN)/python -m pytest -q corpus extract kg newskg tests

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache
