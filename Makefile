# Two commands on a fresh machine: `make run` and `make test`. Everything lives in .venv.
# `make ci` runs what CI (.ci/run) runs: lint, the suite with its coverage floor, and the
# clean-install smoke test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS ?= dev,dask,import,bench

.PHONY: setup run test lint smoke ci bench images clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

setup: $(STAMP)

# The main job: the reference scenario (ten years of stochastic failures on the corridor).
run: setup
	$(BIN)/twin run scenarios/annual-reliability.yaml

# The whole suite, with the line coverage of twin/; fails under [tool.coverage.report] fail_under.
test: setup
	$(BIN)/python -m pytest --cov --cov-report=term

# Static checks, as CI runs them: lint rules and formatting (config in pyproject.toml), mypy strict.
lint: setup
	$(BIN)/ruff check twin tests bench
	$(BIN)/ruff format --check twin tests bench
	$(BIN)/mypy

# What users meet: the wheel without extras in a fresh virtualenv, running the README's, the
# shipped workflow's and the pre-commit hook's commands (.ci/smoke says which).
smoke:
	PYTHON=$(PYTHON) bash .ci/smoke

ci: lint test smoke

# pyNTM (the peer tool of the contingency benchmark) pins networkx==3.1; install it without
# its pins next to our networkx instead of downgrading the whole environment.
bench: setup
	$(BIN)/python -m pip install --quiet --no-deps 'pyNTM==5.0.0'
	$(BIN)/python -m bench

# The README's pictures, regenerated from the shipped scenarios (needs Debian's chromium).
IMG      := docs/img
SHOTDIR  := build/img
CHROMIUM ?= chromium
SHOT      = $(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir=$(SHOTDIR)/profile --hide-scrollbars
images: setup
	mkdir -p $(SHOTDIR) $(IMG)
	$(BIN)/twin run scenarios/red-sea-2024.yaml --json $(SHOTDIR)/red-sea-2024.json \
		--report $(SHOTDIR)/report-red-sea-2024.html
	$(BIN)/twin run scenarios/annual-reliability.yaml --json $(SHOTDIR)/annual-reliability.json \
		--report $(SHOTDIR)/report-annual-reliability.html
	$(BIN)/twin run scenarios/trans-caspian-cut.yaml --json $(SHOTDIR)/trans-caspian-cut.json > /dev/null
	$(BIN)/twin plot $(SHOTDIR)/trans-caspian-cut.json --kind latency \
		-o $(IMG)/latency-trans-caspian-cut.png
	$(BIN)/twin diff topologies/silk-road-2021.yaml topologies/silk-road-2026.yaml \
		--json $(SHOTDIR)/diff-2021-2026.json > /dev/null
	$(BIN)/twin report $(SHOTDIR)/diff-2021-2026.json -o $(SHOTDIR)/report-diff-2021-2026.html
	$(BIN)/twin plot $(SHOTDIR)/annual-reliability.json --kind map -o $(IMG)/map-annual-reliability.png
	$(BIN)/twin plot $(SHOTDIR)/red-sea-2024.json --kind map -o $(IMG)/map-red-sea-2024.png
	$(BIN)/twin plot $(SHOTDIR)/annual-reliability.json --kind timeline \
		-o $(IMG)/timeline-annual-reliability.png
	$(BIN)/twin plot $(SHOTDIR)/annual-reliability.json --kind availability \
		-o $(IMG)/availability-annual-reliability.png
	for page in report-red-sea-2024 report-annual-reliability report-diff-2021-2026; do \
		$(SHOT) --window-size=1400,2400 --screenshot=$(CURDIR)/$(IMG)/$$page.png \
			file://$(CURDIR)/$(SHOTDIR)/$$page.html 2>/dev/null || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
