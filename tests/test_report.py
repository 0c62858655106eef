"""The HTML report: drawn from hand-made `results` rows, rendered in headless Chromium.

The rows are synthetic with known intervals: variant `b` differs from the reference `a` by an
interval that includes 0 (the page must say "no detectable difference"), `c` by one that
excludes 0. Chromium (Debian package `chromium`) renders the page from a file URL and the test
checks that every figure and table is in the rendered DOM; it skips when Chromium is absent.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.ablation.report import write_report
from curate.ablation.results import RESULT_COLUMNS
from curate.store import connect, load_parquet
from curate.workspace import Workspace

FIGS = [
    "fig_em_by_variant",
    "fig_em_by_step",
    "fig_generalization_matrix",
    "fig_realignment",
    "fig_loss_curves",
]
TABLES = ["headline", "sweep", "per_domain", "realign_table", "throughput"]


def _rows() -> list[dict]:
    rows = []
    base = {"ablation": "syn", "ft_kind": "full", "lr": 1e-3}

    def add(**kw):
        rows.append({**base, **kw})

    for v, (em, lo, hi) in {
        "a": (0.5, 0.3, 0.7),
        "b": (0.45, 0.2, 0.7),
        "c": (0.1, 0.0, 0.2),
    }.items():
        for step in (5, 10):
            add(
                variant=v,
                seed=None,
                model_id="mean",
                stage="ft_misaligned",
                ft_domain="*",
                step=step,
                eval_domain="*",
                metric="em_gap",
                value=em,
                ci_low=lo,
                ci_high=hi,
                n=3,
            )
            for s in range(3):
                add(
                    variant=v,
                    seed=s,
                    model_id="mean-over-ft-domains",
                    stage="ft_misaligned",
                    ft_domain="*",
                    step=step,
                    eval_domain="*",
                    metric="em_gap",
                    value=em + 0.1 * (s - 1),
                    n=2,
                )
            for fd in ("code", "money"):
                for ed in ("code", "money", "*"):
                    add(
                        variant=v,
                        seed=None,
                        model_id="mean",
                        stage="ft_misaligned",
                        ft_domain=fd,
                        step=step,
                        eval_domain=ed,
                        metric="em_gap",
                        value=em,
                        ci_low=lo,
                        ci_high=hi,
                        n=3,
                    )
        for k in (0, 4, 16):
            add(
                variant=v,
                seed=None,
                model_id="mean",
                stage="realign",
                ft_domain="*",
                step=10,
                eval_domain="*",
                metric="em_gap",
                value=em / (1 + k),
                ci_low=lo / (1 + k),
                ci_high=hi / (1 + k),
                n=3,
                k=k,
            )
        for s in range(3):
            for st in range(0, 50, 10):
                add(
                    variant=v,
                    seed=s,
                    model_id=f"{v}/{s}/pretrain",
                    stage="pretrain",
                    step=st,
                    eval_domain="train",
                    metric="train_loss",
                    value=6.0 - st / 20 - s * 0.01,
                )
        add(
            variant=v,
            seed=None,
            model_id="mean",
            stage="pretrain",
            step=50,
            eval_domain="-",
            metric="tokens_per_s",
            value=12345.0,
            n=3,
        )
        add(
            variant=v,
            seed=None,
            model_id="mean",
            stage="pretrain",
            step=50,
            eval_domain="-",
            metric="mfu",
            value=0.5,
            n=3,
        )
    diffs = {"b": (-0.05, -0.3, 0.2), "c": (-0.4, -0.6, -0.2)}
    for v, (d, lo, hi) in diffs.items():
        for step in (5, 10):
            add(
                variant=v,
                seed=None,
                model_id="mean-minus-a",
                stage="ft_misaligned",
                ft_domain="*",
                step=step,
                eval_domain="*",
                metric="em_gap_vs_ref",
                value=d,
                ci_low=lo,
                ci_high=hi,
                n=3,
            )
    return rows


@pytest.fixture
def report(tmp_path: Path) -> Path:
    ws = Workspace.at(tmp_path / "ws")
    rows = _rows()
    table = pa.table(
        {c: pa.array([r.get(c) for r in rows], type=t) for c, t in RESULT_COLUMNS.items()}
    )
    pq.write_table(table, tmp_path / "r.parquet")
    with connect(ws) as con:
        load_parquet(con, "results", [tmp_path / "r.parquet"], {"ablation": "syn"})
    root = ws.root / "ablations" / "syn"
    root.mkdir(parents=True)
    cfg = {
        "variants": [{"name": n} for n in "abc"],
        "finetune": {"kinds": ["full"], "lrs": [1e-3]},
        "seeds": [0, 1, 2],
    }
    (root / "manifest.json").write_text(json.dumps({"config": cfg, "run_id": "r1"}))
    return write_report(ws, "syn")


def test_report_is_self_contained_and_says_no_detectable_difference(report):
    html = report.read_text()
    assert "http://" not in html and "https://" not in html and "<script" not in html
    imgs = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(imgs) == len(FIGS)
    for b in imgs:
        assert base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n"
    # b - a: [-0.3, 0.2] includes 0; c - a: [-0.6, -0.2] does not
    assert re.search(r"<b>b</b> vs <b>a</b>.*?no detectable difference", html)
    assert re.search(r"<b>c</b> vs <b>a</b>.*?c shows less EM than a", html)
    assert (report.parent / "figures" / "em_by_variant.png").is_file()


def test_report_renders_in_headless_chromium(report, tmp_path):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    proc = subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--dump-dom",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    for fid in FIGS:
        assert re.search(rf'<figure id="{fid}"><img [^>]*src="data:image/png;base64,', dom), fid
    for tid in TABLES:
        assert f'<table id="{tid}">' in dom, tid
    assert dom.count("<tr>") >= 3 + 6 + 3  # headline + sweep + realignment rows at least
    assert "no detectable difference" in dom
