# greennb — one command to set up and run, one to set up and test.
#   make run    set up .venv if needed, then run the main job (case studies + report)
#   make test   set up .venv if needed, then lint and run the test suite
# Only Python 3.11+ with venv is needed; everything else comes from PyPI.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.greennb-installed
# The CPU build of torch 2.13.0 lies on the course machines' disk; on a Linux
# machine with a GPU, PyPI gives the CUDA build of the same version.
TORCH_PIN ?= torch==2.13.0

.PHONY: setup run demo lab browser test lint format clean help

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# Install torch first, pinned, so that the unpinned range in pyproject.toml
	@# never pulls a multi-GB build when a torch is already satisfied.
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet "$(TORCH_PIN)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install greennb with its dependencies

run: $(STAMP)  ## set up, execute every case notebook (quick mode) with papermill, write the report
	$(BIN)/greennb run --all
	$(BIN)/greennb report

demo: $(STAMP)  ## set up, then train one baseline under the tracker (a one-minute tour)
	$(BIN)/greennb demo

lab: $(STAMP)  ## set up, then open JupyterLab at the repository root (notebooks/, papermill_runs/)
	@# The root, not notebooks/: the run store and the report stay reachable, and runs started
	@# in the lab write to the same papermill_runs/ that `greennb report` reads. As root (a
	@# container), Jupyter refuses to start without --allow-root.
	$(BIN)/jupyter lab --ServerApp.root_dir=. $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

lint: $(STAMP)  ## ruff lint and format check
	$(BIN)/ruff check greennb tests benchmarks data
	$(BIN)/ruff format --check greennb tests benchmarks data

# The browser tests drive Debian's chromium through its chromedriver, never a browser
# downloaded at test time: `browser` installs both when missing (as root, or by sudo without a
# password). Where it cannot, the browser tests are skipped with the reason, unless
# GREENNB_REQUIRE_BROWSER is set (.ci/run sets it): then this step and those tests fail.
APT := $(if $(filter 0,$(shell id -u)),,sudo -n) env DEBIAN_FRONTEND=noninteractive apt-get

browser:  ## install Debian's chromium and chromium-driver (for the browser tests) when missing
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	{ $(APT) update -qq && $(APT) install -y -qq chromium chromium-driver; } || \
	{ echo "chromium/chromium-driver could not be installed: the browser tests skip (fail in CI)"; \
	  test -z "$$GREENNB_REQUIRE_BROWSER"; }

test: lint browser  ## set up, lint, install the browser if missing, then run the test suite
	$(BIN)/python -m pytest -n 2 --durations=10

format: $(STAMP)  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix greennb tests benchmarks data
	$(BIN)/ruff format greennb tests benchmarks data

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache
