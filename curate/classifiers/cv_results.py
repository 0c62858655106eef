"""Leave-trait-out cross-validation results, read from a classifier's folder for the side-by-side
card (`curate.classifiers.compare`): the eval does not re-run a CV, it reports the one the
classifier's own `curate classifier cv` (or its research log, copied into `metrics.json`) wrote.
A classifier without one gets None, and the card shows a dash.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# where a classifier's leave-trait-out CV results may be, first found wins: (file, key under
# which to look; "" = the whole file)
CV_FILES = (
    ("cv.json", ""),
    ("cv/cv.json", ""),
    ("cv/summary.json", ""),
    ("metrics.json", ""),
    ("model.json", "cv"),  # the summary a v2-style model records: mean and neutral rate only
)


def _find_traits(obj: Any) -> dict[str, Any] | None:
    """The first mapping trait -> {auroc, ...} (or trait -> number) under a key naming per-trait
    leave-trait-out results."""
    if not isinstance(obj, dict):
        return None
    for key in ("lto_per_trait", "per_trait", "traits", "by_trait"):
        v = obj.get(key)
        if isinstance(v, dict) and v and all(isinstance(x, dict | int | float) for x in v.values()):
            return v
    for v in obj.values():
        found = _find_traits(v)
        if found:
            return found
    return None


def _find_number(obj: Any, keys: Sequence[str]) -> float | None:
    if isinstance(obj, dict):
        for k in keys:
            if isinstance(obj.get(k), int | float) and not isinstance(obj.get(k), bool):
                return float(obj[k])
        for v in obj.values():
            found = _find_number(v, keys)
            if found is not None:
                return found
    return None


def read_cv(folder: Path) -> dict[str, Any] | None:
    """Leave-trait-out cross-validation results from the classifier's folder, if it has any:
    {source, traits: {trait: {auroc, ci}}, mean, mean_ci, neutral_flagged_oof}. A file with
    per-trait figures wins over one with a mean only (`CV_FILES` order within each)."""
    found = []
    for rel, key in CV_FILES:
        path = folder / rel
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if key:
            data = data.get(key) if isinstance(data, dict) else None
        if not isinstance(data, dict):
            continue
        traits = _find_traits(data) or {}
        rows = {}
        for t, v in traits.items():
            if isinstance(v, dict):
                ci = (
                    v.get("auroc_ci")
                    or v.get("ci95")
                    or v.get("ci")
                    or [v.get("ci_low"), v.get("ci_high")]
                )
                rows[t] = {"auroc": v.get("auroc"), "ci": list(ci) if ci else [None, None]}
            else:
                rows[t] = {"auroc": float(v), "ci": [None, None]}
        vals = [r["auroc"] for r in rows.values() if isinstance(r["auroc"], int | float)]
        mean = float(np.mean(vals)) if vals else _find_number(data, ("lto_mean", "mean"))
        if mean is None:
            continue
        found.append(
            {
                "source": f"{folder.name}/{rel}" + (f" [{key}]" if key else ""),
                "traits": rows,
                "mean": mean,
                "mean_ci": _find_list(
                    data, ("mean_ci", "mean_ci95", "mean_ci95_over_traits", "ci_over_traits")
                ),
                "neutral_flagged_oof": _find_number(
                    data,
                    (
                        "neutral_flagged_oof",
                        "neutral_flagged_cal05",
                        "neutral_flag_cal05",
                        "neutral_flagged",
                    ),
                ),
            }
        )
    with_traits = [f for f in found if f["traits"]]
    return (with_traits or found or [None])[0]


def _find_list(obj: Any, keys: Sequence[str]) -> list[float] | None:
    if isinstance(obj, dict):
        for k in keys:
            v = obj.get(k)
            if isinstance(v, list) and len(v) == 2:
                return [float(x) for x in v]
        for v in obj.values():
            found = _find_list(v, keys)
            if found:
                return found
    return None
