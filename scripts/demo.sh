#!/usr/bin/env bash
# Set up (if needed) and run the end-to-end demo on bundled data into ./demo-workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/curate demo --workspace "${1:-demo-workspace}"
