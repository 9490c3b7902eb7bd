# Two entry points on a fresh machine: `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= newskg-data

.PHONY: setup run test clean browser-deps

$(BIN)/newskg: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/newskg

setup: $(BIN)/newskg

run: setup
	$(BIN)/newskg ui --store $(STORE)

test: setup browser-deps
	$(BIN)/python -m pytest -q corpus extract kg newskg tests

# The browser test drives Debian's chromium (never a browser download) and needs CJK fonts.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei; \
	  else echo "browser test: install chromium and fonts-wqy-microhei (apt) or it is skipped"; fi; \
	fi

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache
