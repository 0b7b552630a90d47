# Two commands on a fresh machine: `make run` and `make test`. Everything lives in .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS ?= dev,dask,import,bench

.PHONY: setup run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

setup: $(STAMP)

# The main job: the reference scenario (ten years of stochastic failures on the corridor).
run: setup
	$(BIN)/twin run scenarios/annual-reliability.yaml

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check twin tests bench
	$(BIN)/mypy

# pyNTM (the peer tool of the contingency benchmark) pins networkx==3.1; install it without
# its pins next to our networkx instead of downgrading the whole environment.
bench: setup
	$(BIN)/python -m pip install --quiet --no-deps 'pyNTM==5.0.0'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
