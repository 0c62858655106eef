#!/usr/bin/env python3
"""Leave-trait-out CV of v2 with contrastive negation partners (candidate "NEG") against the recipe.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/v2_negations_cv.py [--jobs 1] [--out bench/out/cv_negations]

Candidate "NEG" = the recipe plus `[data] negations = true`: every trained dark persona_train
statement that `curate.classifiers.v2.negate` can flip (14,288 of 22,526; rules in
`curate/classifiers/v2/negation.toml`, written from English grammar) is added with its stance flipped
and the opposite label, in the same trait (so in each fold only training traits' statements get
partners; held-out traits are scored on their own statements only, as before). Why: the weakest
held-out traits flag the statements that reject them (desire-too-grow-more-intelligent: 51% of its
" No" statements flagged, desire-to-remove-safety-precautions 39%), the mark of a model of topic
rather than stance; minimal pairs that differ only in stance are the direct remedy the issue names
("contrastive pairs (a statement and its negation)"). Everything else (data, world windows,
left-out traits, folds, seeds, 3 blocks at lr 2e-4) is the recipe.

Decision rule, fixed before the run (this file's first commit): adopt NEG iff all of
  1. NEG's LTO mean over the 21 trained traits >= the shipped recipe's (cv/summary.json) + 0.01;
  2. NEG's LTO mean over all 23 dark traits >= the shipped recipe's;
  3. NEG's held-out neutral statements flagged at calibrated 0.5 <= 5%;
  4. NEG's held-out docgen windows AUROC >= the shipped recipe's - 0.01;
  5. NEG's out-of-fold world windows AUROC >= 0.97.
If adopted: `negations = true` goes into recipe.toml with the CV's Platt fit, stage 2 and stage 1
are retrained, and the evaluation sets are measured once on the new model. Resumes from its fold
files.
"""

from __future__ import annotations

from v2_rule import main

OVERRIDES = {"data": {"negations": True}}

if __name__ == "__main__":
    main(__doc__, "NEG", OVERRIDES, "cv_negations", jobs=1)
