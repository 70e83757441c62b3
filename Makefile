# The two commands of the README: `make run` serves the app, `make test` runs the suite.
# Both create .venv and install everything first (torch 2.13.0 before the rest: any
# other torch requirement pulls a multi-GB CUDA build).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/qa parse seeds

test: install
	$(BIN)/python -m pytest
