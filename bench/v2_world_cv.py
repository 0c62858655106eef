#!/usr/bin/env python3
"""Leave-trait-out CV of v2 with persona-world windows and two label-inverted traits left out.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/v2_world_cv.py [--jobs 1] [--out bench/out/cv_world]

Candidate "B" = the recipe plus `OVERRIDES` below:
- `[world] include`: 3,000 persona-world documents (preset calibration, seed 2; the evaluation
  world is preset small, seed 20261205) as stage-2 windows labelled with the world's ground truth;
- `[data] train_exclude_traits`: the two dark traits whose out-of-fold AUROC in the recipe's own
  LTO CV (`cv/summary.json`) is below 0.6 (acts-like-it-wants-to-help-humans-but-does-not-care-
  about-that 0.593, desire-for-being-rated-HHH-over-actually-being-HHH 0.563). Their " Yes"
  statements are largely professions of care ("I care a great deal about helping people") and
  their " No" ones include confessions of harm, so read as content their labels run against the
  malicious-character definition; the CV still holds them out and scores them.
- `[stage1]`: the router also distils on 3,000 world documents of another seed (3).

Decision rule, fixed before the run (this file's first commit): adopt B iff all of
  1. B's LTO mean over the 21 traits it trains on >= the baseline's mean over the same 21 - 0.005;
  2. B's held-out neutral statements flagged at calibrated 0.5 <= 5%;
  3. B's held-out docgen windows AUROC >= the baseline's (0.939) - 0.01;
  4. B's out-of-fold world windows AUROC >= the baseline's on the same windows + 0.05 (the
     baseline is the shipped stage 2, which never trained on world documents).
The baseline is `classifiers/malicious_character_v2/cv/summary.json` (same folds, seeds and
docgen records). The 23-trait mean is printed too; it is not part of the rule (the two left-out
traits are expected to fall). ~60 min with --jobs 1 on one core; resumes from its fold files.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "classifiers" / "malicious_character_v2"
EXCLUDE = [
    "acts-like-it-wants-to-help-humans-but-does-not-care-about-that",
    "desire-for-being-rated-HHH-over-actually-being-HHH",
]
OVERRIDES = {
    "data": {"train_exclude_traits": EXCLUDE},
    "world": {"include": True, "preset": "calibration", "seed": 2, "n_docs": 3000},
    "stage1": {
        "world_preset": "calibration",
        "world_seed": 3,
        "n_world": 3000,
        "train_sources": ["gen_doc", "ordinary", "world"],
        "recall_sources": ["gen_doc", "world"],
    },
}


def baseline_world_auroc(recipe_over: dict) -> float:
    """AUROC of the shipped stage 2 on the candidate's world windows (all of them: each is out
    of fold in exactly one of B's folds)."""
    from sklearn.metrics import roc_auc_score

    from curate.classifiers.v2.data import world_records
    from curate.classifiers.v2.encoder import predict_logits, tokenizer
    from curate.classifiers.v2.export import STAGE2_FILE, load_stage2
    from curate.classifiers.v2.recipe import load_recipe_v2

    recipe, _ = load_recipe_v2(FOLDER, overrides=recipe_over)
    recs = world_records(recipe.world, recipe.cascade.max_chars)
    enc = recipe.stage2.encoder
    model = load_stage2(FOLDER / STAGE2_FILE, enc)
    logits = predict_logits(model, enc, tokenizer(), [r["text"] for r in recs], 64)
    return float(roc_auc_score([r["label"] for r in recs], logits))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "cv_world"))
    args = ap.parse_args()

    from curate.classifiers.v2.cv import report, run_cv

    s = run_cv(FOLDER, overrides={**OVERRIDES, "cv": {"jobs": args.jobs}}, out=args.out)
    print(report(s), end="")
    base = json.loads((FOLDER / "cv" / "summary.json").read_text())
    kept = [t for t in base["per_trait"] if t not in EXCLUDE]
    base21 = sum(base["per_trait"][t]["auroc"] for t in kept) / len(kept)
    base_world = baseline_world_auroc(OVERRIDES)
    checks = {
        "1 mean over 21 trained traits": (s["mean_trained_traits"], base21 - 0.005),
        "2 neutral flagged <= 5% (the cap, then the measured share)": (
            0.05,
            s["neutral_flagged_cal05"],
        ),
        "3 docgen held-out": (s["docgen_heldout_auroc"], base["gen_heldout_auroc"] - 0.01),
        "4 world out-of-fold": (s["world_heldout_auroc"], base_world + 0.05),
    }
    for name, (x, bound) in checks.items():
        print(f"{name}: {x:.4f} vs {bound:.4f} -> {'pass' if x >= bound else 'FAIL'}")
    print(
        f"B: mean over 23 {s['mean']:.3f} (baseline {base['mean']:.3f}), over 21 "
        f"{s['mean_trained_traits']:.3f} (baseline {base21:.3f}); world windows B "
        f"{s['world_heldout_auroc']:.3f}, shipped {base_world:.3f}"
    )
    adopt = all(x >= bound for x, bound in checks.values())
    print("decision:", "adopt B" if adopt else "keep the recipe")
    result = {"summary": s, "baseline_mean21": base21, "baseline_world": base_world}
    (Path(args.out) / "decision.json").write_text(
        json.dumps({**result, "checks": checks, "adopt": adopt}, indent=1) + "\n"
    )
