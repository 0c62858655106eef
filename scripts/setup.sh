#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install curate with its test tools. Idempotent.
# torch==2.13.0 is installed first so that the project's `torch>=` range is already satisfied by
# the CPU build (a bare `torch` would pull a multi-GB CUDA build).
# pip's output goes to .venv/setup.log and is printed only when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for c in python3.11 python3.12 python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1; then PY=$c; break; fi
  done
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.curate-installed
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log=.venv/setup.log
  : > "$log"
  step() {
    if ! "$@" >>"$log" 2>&1; then
      echo "setup failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
  }
  echo "setting up .venv (torch CPU build, curate and its test tools; log: $log)" >&2
  step .venv/bin/python -m pip install --upgrade pip
  step .venv/bin/python -m pip install torch==2.13.0
  step .venv/bin/python -m pip install -e '.[dev]'
  echo "$want" > "$stamp"
fi
