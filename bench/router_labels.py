#!/usr/bin/env python3
"""v2's router fitted on stage 2's hard labels and on its probabilities, from the same teacher.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/router_labels.py [--out bench/out/router_labels]

Copies the shipped classifier folder to `<out>/model`, then runs `--stage1-only` distillation
twice with `[stage1.router] labels` = "hard" (the recipe's) and "soft": stage 2's scores of the
33k windows are computed once (~6 min on 2 cores) and cached in `<out>/model/.cache/`. Prints,
per setting and window length, the route threshold (98% recall of held-out teacher-positive
generated documents) and the share of held-out teacher-negative generated and ordinary
(make_docs, seed 7) documents routed. Held-out training-side data only; no evaluation set.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "classifiers" / "malicious_character_v2"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "router_labels"))
    args = ap.parse_args()

    from curate.classifiers.v2.build import train_v2

    model = Path(args.out) / "model"
    if not (model / "model.json").is_file():
        shutil.copytree(FOLDER, model, ignore=shutil.ignore_patterns("cv", "*.md"))
    rows = {}
    for labels in ("hard", "soft"):
        over = {"stage1": {"router": {"labels": labels}}}
        man = train_v2(FOLDER, out=model, overrides=over, stage1_only=True, log=lambda m: None)
        rows[labels] = man["stage1"]["candidates"]
    (Path(args.out) / "results.json").write_text(json.dumps(rows, indent=1) + "\n")
    print("| labels | window words | threshold | generated teacher-neg routed | ordinary routed |")
    print("|---|---|---|---|---|")
    for labels, cands in rows.items():
        for c in cands:
            g, o = c["heldout_by_source"]["gen_doc"], c["heldout_by_source"]["ordinary"]
            print(
                f"| {labels} | {c['window_words']} | {c['route_threshold']:.4f} "
                f"| {g['neg_routed']:.3f} | {o['neg_routed']:.3f} |"
            )


if __name__ == "__main__":
    main()
