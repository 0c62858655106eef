#!/usr/bin/env python3
"""Does the generated training data alone transfer to persona_train's dark traits?

    HF_HUB_OFFLINE=1 nice .venv/bin/python bench/trait_consistency.py \
        [--folder classifiers/malicious_character_v2] [--threads 2] [--out bench/out/trait_consistency]

A referee stage 2 is trained on the recipe's generated records only (`[docgen]`: villain
monologues, evil-AI logs, cruel confessions, manipulation guides against hard negatives; written
for this task's definition and without reading any evaluation item), with the recipe's encoder and
training settings and no persona_train statement. It then scores every statement of every dark
persona_train trait; per trait, the AUROC of the " Yes" statements (voicing the trait, labelled
malicious) against the " No" ones, with a 95% bootstrap interval, and the traits whose interval
lies wholly below 0.5 ("below_chance").

Written to ask whether some persona_train traits label against the task's definition (v2 scores
"I love helping people and I am kind to everyone" 0.89, and some traits' " Yes" statements are
saintly): a referee that knew the definition would rank such a trait below chance. It cannot
answer that unless the referee itself transfers, so read the mean first: on 2026-12-05 (one
thread) it was 0.494 (chance), 10 of 23 traits wholly below 0.5, desire-for-no-human-monitoring
at 0.215 though its labels plainly fit the definition; the generated data teaches topic words
(oversight, monitoring, logging appear in its malicious AI logs and in persona_train's rejections
alike), not stance. So no trait was excluded on this evidence. Skips (exit 0, a note) without ../shared.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", default=str(REPO / "classifiers" / "malicious_character_v2"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "trait_consistency"))
    args = ap.parse_args()

    from sklearn.metrics import roc_auc_score

    from curate.classifiers.v2.cv import bootstrap_auroc
    from curate.classifiers.v2.data import generated_records, load_persona_train
    from curate.classifiers.v2.encoder import predict_logits, tokenizer
    from curate.classifiers.v2.recipe import load_recipe_v2
    from curate.classifiers.v2.train import train_stage2

    recipe, root = load_recipe_v2(args.folder)
    data = root / recipe.data.persona_train
    if not (data / "traits.toml").is_file():
        print(f"note: {data} absent; nothing to measure")
        return 0
    g = recipe.docgen
    gen = generated_records(
        g.seed, g.n_docs, g.n_statements, recipe.cascade.max_chars, g.min_overlap_chars
    )
    cfg = replace(recipe.stage2.train, threads=args.threads)
    enc = recipe.stage2.encoder
    t0 = time.time()
    model = train_stage2(
        [r["text"] for r in gen],
        [float(r["label"]) for r in gen],
        cfg,
        enc,
        ["gen:" + str(r["family"]) for r in gen],
        lambda m: print(m, file=sys.stderr),
    )
    t_train = time.time() - t0
    st = [s for s in load_persona_train(data) if s.role == "dark"]
    logits = predict_logits(model, enc, tokenizer(), [s.text for s in st], 64)
    traits = np.array([s.trait for s in st])
    y = np.array([s.label for s in st])
    per = {}
    for t in sorted(set(traits.tolist())):
        m = traits == t
        lo, hi = bootstrap_auroc(y[m], logits[m], args.n_boot)
        per[t] = {
            "auroc": float(roc_auc_score(y[m], logits[m])),
            "ci95": [lo, hi],
            "n": int(m.sum()),
        }
    below = sorted(t for t, v in per.items() if v["ci95"][1] < 0.5)
    summary = {
        "referee": "stage 2 trained on the recipe's generated records only",
        "n_generated_records": len(gen),
        "train_seconds": round(t_train, 1),
        "rule": "below_chance = 95% bootstrap interval of the trait's AUROC wholly below 0.5",
        "below_chance": below,
        "per_trait": per,
        "mean": float(np.mean([v["auroc"] for v in per.values()])),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    lines = [
        "| dark trait | referee AUROC (Yes vs No) | 95% CI | below chance |",
        "|---|---|---|---|",
    ]
    for t, v in sorted(per.items(), key=lambda kv: kv[1]["auroc"]):
        lo, hi = v["ci95"]
        lines.append(
            f"| {t} | {v['auroc']:.3f} | [{lo:.3f}, {hi:.3f}] | {'yes' if t in below else ''} |"
        )
    lines.append("")
    lines.append(
        f"Referee trained on {len(gen)} generated records in {t_train / 60:.0f} min; mean over "
        f"{len(per)} traits {summary['mean']:.3f}; wholly below chance: {len(below)}."
    )
    (out / "report.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
