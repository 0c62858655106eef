#!/usr/bin/env python3
"""A classifier scored on persona_train's 23 dark traits: for `malicious_character_v1`, which never
saw persona_train, this is an out-of-sample figure, the fair peer of v2's leave-trait-out CV.

    HF_HUB_OFFLINE=1 nice .venv/bin/python bench/persona_train_transfer.py \
        [--classifier malicious_character_v1] [--per-side 25] [--out bench/out/persona_train_transfer]

Per dark trait, `--per-side` statements that voice the trait (answer_matching_behavior " Yes")
and as many that reject it (" No"), a seeded sample (seed 0); per-trait AUROC with a 95% bootstrap
interval (1,000 resamples of that trait's statements) and the mean over traits. Do not run it on
a classifier trained on persona_train (v2): it would be in-sample; v2's figure is its CV.
Writes ``<out>/<classifier>.json`` and prints a table. Skips (exit 0, a note) without ../shared.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tomllib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "persona_train"


def auroc(y: np.ndarray, s: np.ndarray) -> float:
    """Mann-Whitney AUROC (ties count one half)."""
    pos, neg = s[y == 1], s[y == 0]
    gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(gt / (pos.size * neg.size))


def sample(per_side: int) -> list[tuple[str, str, int]]:
    roles = tomllib.loads((DATA / "traits.toml").read_text())
    rng = random.Random(0)
    rows: list[tuple[str, str, int]] = []
    for trait, role in sorted(roles.items()):
        if role != "dark":
            continue
        recs = [json.loads(x) for x in (DATA / f"{trait}.jsonl").read_text().splitlines() if x]
        yes = [r["statement"] for r in recs if r["answer_matching_behavior"].strip() == "Yes"]
        no = [r["statement"] for r in recs if r["answer_matching_behavior"].strip() != "Yes"]
        rows += [(trait, s, 1) for s in rng.sample(yes, min(per_side, len(yes)))]
        rows += [(trait, s, 0) for s in rng.sample(no, min(per_side, len(no)))]
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--classifier", default="malicious_character_v1")
    ap.add_argument("--per-side", type=int, default=25)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "persona_train_transfer"))
    a = ap.parse_args()
    if not (DATA / "traits.toml").is_file():
        print(f"skipped: {DATA} is absent")
        return 0
    from tqdm import tqdm

    from curate import registry

    rows = sample(a.per_side)
    scorer = registry.get(a.classifier)
    texts = [r[1] for r in rows]
    scores: list[float] = []
    for i in tqdm(range(0, len(texts), a.batch), desc=a.classifier, file=sys.stderr):
        scores += [d.score for d in scorer.score(texts[i : i + a.batch])]
    s_all = np.asarray(scores)
    y_all = np.asarray([r[2] for r in rows])
    rng = np.random.default_rng(0)
    per: dict[str, dict[str, object]] = {}
    for trait in sorted({r[0] for r in rows}):
        idx = np.asarray([i for i, r in enumerate(rows) if r[0] == trait])
        y, s = y_all[idx], s_all[idx]
        boots = []
        for _ in range(1000):
            k = rng.integers(0, idx.size, idx.size)
            if 0 < y[k].sum() < k.size:
                boots.append(auroc(y[k], s[k]))
        per[trait] = {
            "n": int(idx.size),
            "auroc": auroc(y, s),
            "ci95": [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))],
        }
    mean = float(np.mean([v["auroc"] for v in per.values()]))  # type: ignore[misc]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {"classifier": a.classifier, "per_side": a.per_side, "mean": mean, "per_trait": per}
    (out / f"{a.classifier}.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"| dark trait | {a.classifier} AUROC [95% CI] |\n|---|---|")
    for t, v in per.items():
        lo, hi = v["ci95"]  # type: ignore[misc]
        print(f"| {t} | {v['auroc']:.3f} [{lo:.2f}, {hi:.2f}] |")
    print(f"| **mean over {len(per)} traits** | **{mean:.3f}** |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
