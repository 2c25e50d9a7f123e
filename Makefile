# RNNs, step by step — every target sets up its Python environment on first use.
# Uses the active virtualenv / conda env when there is one, otherwise creates .venv here.

SHELL := /bin/bash
PYTHON ?= python3

ifneq ($(VIRTUAL_ENV),)
  ENV_DIR := $(VIRTUAL_ENV)
else ifneq ($(and $(CONDA_PREFIX),$(filter-out base,$(CONDA_DEFAULT_ENV))),)
  ENV_DIR := $(CONDA_PREFIX)
else
  ENV_DIR := .venv
endif
PY := $(ENV_DIR)/bin/python
STAMP := $(ENV_DIR)/.rnn-utils-installed
LINT_PATHS := $(wildcard rnn_utils tests scripts benchmarks data notebooks book)

export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND ?= tensorflow
export PYTHONHASHSEED := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book test test-portability test-floors gpu-check lint lab refresh bench install clean student exercises autograde

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || { echo "creating $(ENV_DIR) with $(PYTHON)"; $(PYTHON) -m venv $(ENV_DIR); }
	@echo "installing rnn-utils[dev] with the pins in constraints.txt into $(ENV_DIR) ..."
	@start=$$(date +%s); \
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]" 2>&1 | grep -v -e "^WARNING: Location" || true; \
	$(PY) -c "import rnn_utils, tensorflow, keras, nbval, sphinx, myst_nb, nbgrader, playwright" 2>/dev/null && \
	echo "installed in $$(( $$(date +%s) - start )) s" && touch $(STAMP)

install: $(STAMP)  ## set up the environment only

book: $(STAMP)  ## the course website in build/html/, from the stored outputs (nothing executed)
	$(PY) scripts/build_site.py --out build/html

# test processes: each test file and each notebook runs whole in one of them (--dist loadfile)
TEST_WORKERS ?= 2

test: $(STAMP) lint  ## unit tests + strict nbval over every notebook (the README's test command)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test-portability: $(STAMP) test-floors  ## the course on other kernels and another seed, and at the version floors (slow; CI runs it after make test)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m portability tests/test_portability.py

test-floors:  ## the unit tests at the lowest versions pyproject.toml allows (own venv: .venv-floors)
	bash scripts/test_floors.sh

gpu-check: $(STAMP)  ## on a GPU machine: equivalence tests, every notebook, speed vs cuDNN (says so and exits 0 without a GPU)
	$(PY) scripts/gpu_check.py

lint: $(STAMP)  ## ruff over the package, tests, scripts, benchmarks, data scripts and notebooks
	$(PY) -m ruff check $(LINT_PATHS)
	$(PY) -m ruff format --check $(LINT_PATHS)

lab: $(STAMP)  ## Jupyter Lab on notebooks/
	$(PY) -m jupyter lab notebooks/

refresh: $(STAMP)  ## re-execute notebooks in place to regenerate stored outputs
	$(PY) scripts/build_book.py --in-place

student: $(STAMP)  ## assignment versions of every notebook (nbgrader) in build/student/
	$(PY) scripts/assignments.py release --out build/student

exercises: $(STAMP)  ## the exercise versions (solutions removed, checks kept) in exercises/, linked from the site: commit them
	$(PY) scripts/assignments.py exercises

autograde: $(STAMP)  ## grade one notebook: make autograde SUBMISSION=path/to/NN_name.ipynb
	@test -n "$(SUBMISSION)" || { echo "usage: make autograde SUBMISSION=path/to/NN_name.ipynb [NOTEBOOK=NN_name]"; exit 2; }
	$(PY) scripts/assignments.py autograde "$(SUBMISSION)" $(if $(NOTEBOOK),--notebook $(NOTEBOOK))

bench: $(STAMP)  ## benchmarks: tables of ours vs Keras's built-in layers
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf build .pytest_cache
