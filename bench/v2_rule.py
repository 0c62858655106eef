"""The decision rule shared by the stage-2 candidate CV scripts (`bench/v2_layers_cv.py`,
`bench/v2_negations_cv.py`): run the package's leave-trait-out CV with the candidate's recipe
overrides, compare it with the shipped recipe's `cv/summary.json`, print each check and the
decision, and write `<out>/decision.json`. The five checks (each script's docstring states them as
fixed before its run): the 21-trained-trait mean rises by >= 0.01; the 23-trait mean does not
fall; held-out neutral statements flagged at calibrated 0.5 <= 5%; docgen held-out AUROC within
0.01 of the shipped; world windows' out-of-fold AUROC >= 0.97. Not a script of its own.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "classifiers" / "malicious_character_v2"


def checks(s: dict[str, Any], base: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """name -> (value, bound); a check passes when value >= bound."""
    return {
        "1 mean over 21 trained traits": (
            s["mean_trained_traits"],
            base["mean_trained_traits"] + 0.01,
        ),
        "2 mean over 23 dark traits": (s["mean"], base["mean"]),
        "3 neutral flagged <= 5% (the cap, then the measured share)": (
            0.05,
            s["neutral_flagged_cal05"],
        ),
        "4 docgen held-out": (s["docgen_heldout_auroc"], base["docgen_heldout_auroc"] - 0.01),
        "5 world out-of-fold": (s["world_heldout_auroc"], 0.97),
    }


def main(doc: str, label: str, overrides: dict[str, Any], out: str, jobs: int) -> None:
    """The candidate script's command line (`--jobs`, `--out`), its CV and its decision."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=jobs)
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / out))
    args = ap.parse_args()

    from curate.classifiers.v2.cv import report, run_cv

    s = run_cv(FOLDER, overrides={**overrides, "cv": {"jobs": args.jobs}}, out=args.out)
    print(report(s), end="")
    got = checks(s, json.loads((FOLDER / "cv" / "summary.json").read_text()))
    for name, (x, bound) in got.items():
        print(f"{name}: {x:.4f} vs {bound:.4f} -> {'pass' if x >= bound else 'FAIL'}")
    adopt = all(x >= bound for x, bound in got.values())
    print("decision:", f"adopt {label}" if adopt else "keep the recipe")
    (Path(args.out) / "decision.json").write_text(
        json.dumps({"summary": s, "checks": got, "adopt": adopt}, indent=1) + "\n"
    )
