"""bench/classifier_speed.py: the classifier's cost in `curate audit` (a small run here; the full
20k-document run is marked slow). Skipped when ../shared/bench/make_docs.py is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from curate import registry

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench" / "classifier_speed.py"
MAKE_DOCS = REPO.parent / "shared" / "bench" / "make_docs.py"
V2 = "malicious_character_v2"

pytestmark = pytest.mark.skipif(not MAKE_DOCS.is_file(), reason="../shared/bench absent")


def _run(out: Path, *args: str, timeout: int) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    p = subprocess.run(
        [sys.executable, str(BENCH), "--out", str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=REPO,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    assert "| classifier | docs | audit w/o docs/s/core |" in p.stdout
    return json.loads((out / "results.json").read_text())


def test_small_run_measures_audit_ratio_routing_and_stage2(tmp_path: Path) -> None:
    # v2 is the subject; v1 (a fifth of the docs through three MiniLMs) only when v2 is absent
    name, n = (V2, 300) if V2 in registry.names() else ("malicious_character_v1", 40)
    args = ("--n", str(n), "--classifier", name, "--reference", "", "--forced", "32")
    res = _run(tmp_path, *args, timeout=300)
    m = res["models"][name]
    assert m["n"] == n and m["audit_none"]["docs"] == n and m["audit_with"]["docs"] == n
    assert 0 < m["ratio"] < 1.5
    st = m["stages"]
    assert 0.0 <= st["routed_frac"] <= 1.0 and st["stage1_docs_per_cpu_s"] > 0
    assert set(res["meets"]) == {"ratio", "routed", "stage2_ms"}
    if name == V2:  # forced stage 2 on 32 docs, numpy and torch; the audit on both backends
        assert st["stage2_forced_docs"] == 32 and st["stage2_ms_per_doc_forced_torch"] > 0
        assert 0 < m["ratio_torch"] < 1.5
    assert not list(tmp_path.glob("work_*"))  # audit workspaces removed


@pytest.mark.slow
def test_full_run_20k(tmp_path: Path) -> None:
    res = _run(tmp_path, "--n", "20000", timeout=6 * 3600)
    assert res["models"][V2]["n"] == 20000
    assert res["models"]["malicious_character_v1"]["n"] == 1000
