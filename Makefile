# The two commands: `make run` starts Stratus on 127.0.0.1:4566, `make test` runs every test.
# Both set up .venv first (python3, pip and make are all a fresh machine needs).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench bench-startup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/stratus serve

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format stratus tests bench

bench: $(STAMP)
	$(BIN)/python -m bench --endpoint http://127.0.0.1:4566

bench-startup: $(STAMP)
	$(BIN)/python -m bench.startup

clean:
	rm -rf $(VENV) *.egg-info
