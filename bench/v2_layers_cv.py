#!/usr/bin/env python3
"""Leave-trait-out CV of v2 with all 6 MiniLM blocks (candidate "L6") against the shipped 3.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/v2_layers_cv.py [--jobs 2] [--out bench/out/cv_layers]

Candidate "L6" = the recipe plus `OVERRIDES` below: `[stage2.encoder] layers = [0..5]` (the whole
all-MiniLM-L6-v2 encoder instead of its first 3 blocks) at `lr = 1e-4`. Why this lr: on the proxy
research data (300 statements per trait) 3 blocks went 5e-5 0.779 -> 1e-4 0.808 -> 2e-4 0.820 ->
3e-4 0.815, and 6 blocks at 5e-5 scored 0.807 (+0.028 over 3 blocks at the same lr); 6 blocks
at 2e-4 or 1e-4 were never run. Deeper pretrained stacks usually want a lower fine-tuning lr,
so the midpoint 1e-4 is the one candidate this run can afford (each fold costs about twice the
3-block fold). Everything else (data, world windows, left-out traits, folds, seeds) is the recipe.

Decision rule, fixed before the run (this file's first commit): adopt L6 iff all of
  1. L6's LTO mean over the 21 trained traits >= the shipped recipe's (cv/summary.json) + 0.01;
  2. L6's LTO mean over all 23 dark traits >= the shipped recipe's;
  3. L6's held-out neutral statements flagged at calibrated 0.5 <= 5%;
  4. L6's held-out docgen windows AUROC >= the shipped recipe's - 0.01;
  5. L6's out-of-fold world windows AUROC >= 0.97.
The stage-2 cost (about 2x per routed window) is reported, not part of the rule: 0.04% of the
benchmark's documents are routed, so the audit's throughput barely depends on it. Stage 1 is not
retrained by the CV (its routing is measured after a full train). Resumes from its fold files.
"""

from __future__ import annotations

from v2_rule import main

OVERRIDES = {
    "stage2": {"encoder": {"layers": [0, 1, 2, 3, 4, 5]}, "train": {"lr": 1e-4}},
}

if __name__ == "__main__":
    main(__doc__, "L6", OVERRIDES, "cv_layers", jobs=2)
