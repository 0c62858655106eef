#!/usr/bin/env bash
# Set up (if needed), lint (ruff, the import-layering contract), and run the default (fast) test
# suite. Extra args go to pytest, e.g. `bash scripts/test.sh -m slow` for the end-to-end runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache >/tmp/curate-lint-imports.log 2>&1 || {
  cat /tmp/curate-lint-imports.log
  exit 1
}
echo "lint-imports: layering contract kept, no import cycles"
exec .venv/bin/python -m pytest -q "$@"
