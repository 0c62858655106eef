#!/usr/bin/env python3
"""Leave-trait-out CV of v2 trained on persona_train's label_confidence as soft targets.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/v2_soft_labels_cv.py [--jobs 2] [--out bench/out/cv_soft_labels]

`curate.classifiers.v2.cv.run_cv` with the recipe plus ``[data] soft_labels = true`` (the same
folds, seeds and generated records as `curate classifier cv classifiers/malicious_character_v2`,
whose `cv/summary.json` is the hard-label baseline); ~30 min on 2 cores, resumes from its fold
files. Prints the per-trait table and the summary next to the baseline's mean.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "classifiers" / "malicious_character_v2"

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "cv_soft_labels"))
    args = ap.parse_args()

    from curate.classifiers.v2.cv import report, run_cv

    over = {"data": {"soft_labels": True}, "cv": {"jobs": args.jobs}}
    s = run_cv(FOLDER, overrides=over, out=args.out)
    print(report(s), end="")
    base = json.loads((FOLDER / "cv" / "summary.json").read_text())
    print(
        f"soft labels: mean {s['mean']:.3f}, generated {s['gen_heldout_auroc']:.3f}, neutral "
        f"flagged {s['neutral_flagged_cal05']:.3f}; hard labels (cv/summary.json): mean "
        f"{base['mean']:.3f}, generated {base['gen_heldout_auroc']:.3f}"
    )
