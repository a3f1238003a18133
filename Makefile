# Two entry points for a fresh machine with Python 3.11:
#   make app   -- install the package with the explorer into .venv and start it
#   make test  -- install the dev tools into .venv, lint, and run the whole test suite
# Installs are pinned by requirements-dev.lock (pip constraints), so every machine and CI
# test the same versions; pyproject.toml holds the ranges a user's install may pick from.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements-dev.lock
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: app test lint install browser clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(APP_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[app]'
	touch $(APP_STAMP)

# --no-compile: Python compiles each module on its first import (and keeps the .pyc), so the
# byte-compiling of all of [dev] at install (some 35 s of CPU, mostly never imported) is skipped.
$(DEV_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --no-compile -c $(LOCK) -e '.[dev]'
	touch $(DEV_STAMP) $(APP_STAMP)

install: $(DEV_STAMP)

app: $(APP_STAMP)
	$(BIN)/streamlit run app.py --server.headless true

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser test drives Debian's chromium: install it when this machine can, else say so.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "!!! could not install chromium: THE BROWSER TESTS WILL BE SKIPPED !!!" >&2; \
	else \
	  echo "!!! chromium is missing and cannot be installed here (needs root and apt-get):" >&2; \
	  echo "!!! THE BROWSER TESTS WILL BE SKIPPED; install chromium to run them !!!" >&2; \
	fi

test: $(DEV_STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --dist loadfile

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
