# The two commands of the README: `make run` serves the app, `make test` runs the suite.
# Both create .venv and install everything first (torch 2.13.0 before the rest: any
# other torch requirement pulls a multi-GB CUDA build).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser eval-check

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/qa serve

test: install browser
	$(BIN)/python -m pytest
	$(MAKE) eval-check

# The whole pipeline on dev (with its perturbations) and sealed, each on a fresh index of its
# own archive: dev below its recorded level (less a tolerance) or sealed below its floor fails
# the build (eval/gates.toml). The baselines are left out here: they run a local LLM for minutes.
eval-check: install
	rm -rf eval/out/dev eval/out/sealed
	$(BIN)/qa eval --check --no-baseline --quiet --report eval/out/report.md

# The browser test drives Debian's chromium (never `playwright install`: no downloads) and
# needs a CJK font, or Chinese renders as boxes. CI runs as root; elsewhere sudo is used.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1 || { \
		$(SUDO) apt-get update && \
		$(SUDO) apt-get install -y --no-install-recommends chromium fonts-wqy-microhei; }
