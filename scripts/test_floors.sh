#!/usr/bin/env bash
# make test-floors: the package's unit tests at exactly the lowest versions pyproject.toml allows
# (every ">=" of its runtime dependencies turned into "=="), in a venv of their own, so that the
# declared floors are tested floors. The notebooks' stored outputs come from constraints.txt.
# --install-only: set up the venv and stop (.ci/run installs it while make test runs).
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_DIR=${FLOORS_ENV:-.venv-floors}
PYTHON=${PYTHON:-python3}
STAMP="$ENV_DIR/.floors-installed"
export TF_CPP_MIN_LOG_LEVEL=3 TF_ENABLE_ONEDNN_OPTS=0 KERAS_BACKEND=tensorflow
export PIP_DISABLE_PIP_VERSION_CHECK=1

pins=$("$PYTHON" - <<'PY'
import tomllib
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
print(" ".join(d.replace(">=", "==") for d in deps))
PY
)
tools="pytest==8.4.2 pytest-xdist==3.8.0 hypothesis==6.140.3 nbformat==5.10.4"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$pins $tools" ]]; then
  echo "creating $ENV_DIR at the floors: $pins"
  test -x "$ENV_DIR/bin/python" || "$PYTHON" -m venv "$ENV_DIR"
  # shellcheck disable=SC2086  # one argument per pin and tool
  "$ENV_DIR/bin/python" -m pip install --quiet $pins $tools \
    2>&1 | grep -v "^WARNING: Location" || true
  "$ENV_DIR/bin/python" -m pip install --quiet --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
  echo "$pins $tools" > "$STAMP"
fi
if [[ "${1:-}" == "--install-only" ]]; then
  exit 0
fi
"$ENV_DIR/bin/python" -c "import keras, tensorflow, numpy; print('floors:', 'keras', keras.__version__, '| tensorflow', tensorflow.__version__, '| numpy', numpy.__version__)"
# the unit tests that exercise the Keras and TensorFlow APIs the course relies on: the layers
# and their contract, the training helpers, attention, seeding and the version check (the
# notebook, site, assignment and packaging tests need the pinned tools of constraints.txt;
# a short list keeps CI within its time)
"$ENV_DIR/bin/python" -m pytest -o addopts="" -p no:cacheprovider -q -m "not portability" \
  -n "${TEST_WORKERS:-2}" --dist loadfile \
  tests/test_layers.py tests/test_layer_contract.py tests/test_long_range.py \
  tests/test_seq2seq.py tests/test_notebook_setup.py tests/test_versions.py
