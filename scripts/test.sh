#!/usr/bin/env bash
# Set up (if needed), lint, and run the default (fast) test suite. Extra args go to pytest,
# e.g. `bash scripts/test.sh -m slow` for the end-to-end runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest -q "$@"
