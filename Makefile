# Torget — `make run` serves the demo authority, `make test` runs the whole check.
# Everything is bootstrapped from requirements.lock into .venv; only Python 3.11+ is needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# How often `make run` writes what the clock implies (opening, closing, "not reached").
TICK_EVERY ?= 30
CHROMIUM ?= /usr/bin/chromium
# The demo and the checks run in development mode unless told otherwise.
export DEBUG ?= true

.PHONY: run test lint typecheck migrations-check pytest demo bench chromium messages lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Torget needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: migrate the embedded SQLite database, load the demo authority, serve on 127.0.0.1:$(PORT)
## with `torget tick` every $(TICK_EVERY) s beside the server (cron does it in production)
run: $(STAMP)
	$(BIN)/torget migrate --no-input
	$(BIN)/torget demo
	@$(BIN)/torget tick --every $(TICK_EVERY) & tick=$$!; \
	trap 'kill $$tick 2>/dev/null; wait $$tick 2>/dev/null' EXIT INT TERM; \
	PORT=$(PORT) $(BIN)/torget serve

demo: $(STAMP)
	$(BIN)/torget migrate --no-input
	$(BIN)/torget demo

## test: ruff, mypy --strict, the migrations check and the whole pytest suite (browser tests included)
test: lint typecheck migrations-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy torget bench

migrations-check: $(STAMP)
	$(BIN)/torget makemigrations --check --dry-run

pytest: $(STAMP) chromium
	$(BIN)/pytest -q

## chromium: browser tests drive Debian's Chromium; install it when missing and we are root
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) \
	      || { echo "Could not install chromium with apt-get."; exit 1; }; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM)."; \
	    echo "Install it as root: apt-get install chromium  (or set CHROMIUM=/path/to/chromium)"; \
	    exit 1; \
	  fi; \
	fi

bench: $(STAMP)
	$(BIN)/python bench/dialogue_page.py
	$(BIN)/python bench/screening.py

## messages: refresh the gettext catalogues (needs GNU gettext) and compile them
messages: $(STAMP)
	cd torget && ../$(BIN)/torget makemessages -l da -l sv -l en --no-obsolete -i "browser/*"
	cd torget && ../$(BIN)/torget compilemessages

## lock: re-resolve requirements.lock from pyproject.toml (needs uv)
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
