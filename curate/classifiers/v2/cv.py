"""`curate classifier cv FOLDER`: leave-trait-out (LTO) cross-validation of the v2 stage 2.

The persona_train traits are dealt into `[cv] k` grouped folds (`curate.classifiers.v2.folds`):
each fold trains stage 2 (the recipe's encoder and training settings) on the statements of the
traits outside it plus the generated records whose group is not held out in it, and scores the
held-out traits' statements and generated records. Every split is checked (`check_no_leak`)
before training. From the pooled out-of-fold logits: per dark trait the AUROC with a 95%
bootstrap interval (positives and negatives resampled separately), the mean and minimum over
traits (with a 95% interval of the mean over traits; and over the traits the recipe trains on, when `[data] train_exclude_traits` leaves
some out of training -- those are still held out and scored), the share of neutral statements flagged at
Platt-calibrated 0.5 (Platt fitted on the pooled out-of-fold logits: the recipe's [calibration]),
and the held-out generated AUROC (all, docgen's, the world's windows). Written to `<folder>/<cv.out>/` (fold<i>.json, summary.json,
report.md); a fold file of the same recipe is reused, so a killed run resumes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from curate.classifiers.v2.calibrate import apply_platt, fit_platt
from curate.classifiers.v2.data import (
    check_excluded,
    extra_records,
    load_persona_train,
    load_roles,
    negation_partners,
)
from curate.classifiers.v2.encoder import predict_logits, tokenizer
from curate.classifiers.v2.folds import check_no_leak, gen_in_fold, split_indices, trait_folds
from curate.classifiers.v2.recipe import (
    CalibrationConfig,
    RecipeV2,
    Stage1Config,
    load_recipe_v2,
)
from curate.classifiers.v2.train import train_stage2
from curate.config import config_hash
from curate.files import atomic_write_text


def cv_hash(recipe: RecipeV2) -> str:
    """The recipe's hash without the settings that cannot change a fold's result (`[cv] jobs`,
    `[cv] out`, the whole `[stage1]`: the CV trains stage 2 only; `[calibration]`: the CV fits
    its own Platt): fold files written with other values are reused."""
    return config_hash(
        replace(
            recipe,
            cv=replace(recipe.cv, jobs=1, out="cv"),
            stage1=Stage1Config(),
            calibration=CalibrationConfig(),
        )
    )


def bootstrap_auroc(
    y: Sequence[int], s: Sequence[float], n: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of the AUROC, resampling positives and negatives separately."""
    ya, sa = np.asarray(y), np.asarray(s, dtype=np.float64)
    pos, neg = sa[ya == 1], sa[ya == 0]
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        p = pos[rng.integers(0, len(pos), len(pos))]
        q = neg[rng.integers(0, len(neg), len(neg))]
        ranks = rankdata(np.concatenate([p, q]))
        vals.append((ranks[: len(p)].sum() - len(p) * (len(p) + 1) / 2) / (len(p) * len(q)))
    lo, hi = np.percentile(vals, [2.5, 97.5])
    return float(lo), float(hi)


def _fold(job: dict[str, Any]) -> dict[str, Any]:
    """Train one fold and score its held-out rows (runs in a worker process or in-process)."""
    recipe: RecipeV2 = job["recipe"]
    enc = recipe.stage2.encoder
    model = train_stage2(job["texts"], job["labels"], recipe.stage2.train, enc, job["groups"], None)
    tok = tokenizer()
    return {
        "fold": job["fold"],
        "recipe_hash": job["recipe_hash"],
        "val_idx": job["val_idx"],
        "logits": predict_logits(model, enc, tok, job["val_texts"], 64).tolist(),
        "gen_labels": job["gen_labels"],
        "gen_families": job["gen_families"],
        "gen_logits": predict_logits(model, enc, tok, job["gen_texts"], 64).tolist(),
        "n_train": len(job["texts"]),
    }


def fold_jobs(
    recipe: RecipeV2, root: Path
) -> tuple[list[dict[str, Any]], list[Any], dict[str, str]]:
    """One training job per fold (leak-checked), the statements and the trait roles."""
    data = root / recipe.data.persona_train
    st = load_persona_train(data, recipe.data.max_per_trait, recipe.stage2.train.seed)
    roles = load_roles(data)
    check_excluded(recipe, roles)
    skip = set(recipe.data.train_exclude_traits)
    gen = extra_records(recipe)
    traits = [s.trait for s in st]
    soft = recipe.data.soft_labels
    jobs = []
    k = recipe.cv.k
    for fold in trait_folds(roles, k, recipe.cv.fold_seed):
        tr, va = split_indices(traits, fold)
        check_no_leak(traits, tr, va)
        tr = [i for i in tr if traits[i] not in skip]  # still scored when held out
        held = [gen_in_fold(str(r["group"]), fold.index, k) for r in gen]
        gtr = [r for r, h in zip(gen, held, strict=True) if not h]
        gva = [r for r, h in zip(gen, held, strict=True) if h]
        ggroups = [str(r["group"]) for r in gtr + gva]
        check_no_leak(ggroups, range(len(gtr)), range(len(gtr), len(ggroups)))
        trs = [st[i] for i in tr]
        if recipe.data.negations:  # partners of training statements only: same side as source
            trs += negation_partners(trs)
        jobs.append(
            {
                "fold": fold.index,
                "recipe": recipe,
                "recipe_hash": cv_hash(recipe),
                "texts": [s.text for s in trs] + [r["text"] for r in gtr],
                "labels": [s.target(soft) for s in trs] + [float(r["label"]) for r in gtr],
                "groups": [s.trait for s in trs] + ["gen:" + str(r["family"]) for r in gtr],
                "val_idx": va,
                "val_texts": [st[i].text for i in va],
                "gen_texts": [r["text"] for r in gva],
                "gen_labels": [int(r["label"]) for r in gva],
                "gen_families": [str(r["family"]) for r in gva],
            }
        )
    return jobs, st, roles


def _auroc(y: Sequence[int], s: Sequence[float]) -> float | None:
    return float(roc_auc_score(y, s)) if len(set(y)) == 2 else None


def summarize(
    results: list[dict[str, Any]],
    st: list[Any],
    roles: dict[str, str],
    n_boot: int,
    excluded: Sequence[str] = (),
) -> dict[str, Any]:
    oof = np.full(len(st), np.nan)
    fold_of = np.full(len(st), -1)
    g_lab: list[int] = []
    g_log: list[float] = []
    g_fam: list[str] = []
    for r in results:
        oof[r["val_idx"]] = r["logits"]
        fold_of[r["val_idx"]] = r["fold"]
        g_lab += r["gen_labels"]
        g_log += r["gen_logits"]
        g_fam += r.get("gen_families") or ["docgen"] * len(r["gen_labels"])
    traits = np.array([s.trait for s in st])
    y = np.array([s.label for s in st])
    platt = fit_platt(oof, y)
    p = apply_platt(oof, platt)
    per: dict[str, dict[str, Any]] = {}
    for t in sorted(t for t, role in roles.items() if role == "dark"):
        m = traits == t
        if len(set(y[m].tolist())) < 2:
            continue  # a trait whose statements are all one label has no AUROC
        lo, hi = bootstrap_auroc(y[m], oof[m], n_boot)
        per[t] = {
            "fold": int(fold_of[m][0]),
            "auroc": float(roc_auc_score(y[m], oof[m])),
            "ci95": [lo, hi],
            "yes_flagged": float(np.mean(p[m & (y == 1)] >= 0.5)),
            "no_flagged": float(np.mean(p[m & (y == 0)] >= 0.5)),
        }
    vals = np.array([v["auroc"] for v in per.values()])
    rng = np.random.default_rng(0)
    boot = [vals[rng.integers(0, len(vals), len(vals))].mean() for _ in range(2000)]
    neutral = np.array([s.role == "neutral" for s in st])
    world = np.array([f.startswith("world_") for f in g_fam], dtype=bool)
    gl, gg = np.array(g_lab, dtype=int), np.array(g_log, dtype=np.float64)
    kept = [t for t in per if t not in set(excluded)]
    return {
        "per_trait": per,
        "mean": float(vals.mean()),
        "mean_ci95": [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))],
        "min": float(vals.min()),
        "min_trait": min(per, key=lambda t: per[t]["auroc"]),
        "traits_at_0.85": int((vals >= 0.85).sum()),
        "n_traits": len(per),
        "neutral_flagged_cal05": float(np.mean(p[neutral] >= 0.5)) if neutral.any() else None,
        "platt": list(platt),
        "gen_heldout_auroc": _auroc(g_lab, g_log),
        "docgen_heldout_auroc": _auroc(gl[~world].tolist(), gg[~world].tolist()),
        "world_heldout_auroc": _auroc(gl[world].tolist(), gg[world].tolist()),
        "train_excluded": list(excluded),
        "mean_trained_traits": float(np.mean([per[t]["auroc"] for t in kept])),
    }


def report(summary: dict[str, Any]) -> str:
    """The per-trait table (markdown), highest AUROC first."""
    rows = sorted(summary["per_trait"].items(), key=lambda kv: -kv[1]["auroc"])
    lines = [
        "| dark trait (held out) | fold | AUROC | 95% bootstrap CI | Yes flagged @0.5 | No flagged @0.5 |",
        "|---|---|---|---|---|---|",
    ]
    for t, v in rows:
        lo, hi = v["ci95"]
        lines.append(
            f"| {t} | {v['fold']} | {v['auroc']:.3f} | [{lo:.3f}, {hi:.3f}] | "
            f"{v['yes_flagged']:.3f} | {v['no_flagged']:.3f} |"
        )
    lo, hi = summary["mean_ci95"]
    lines += [
        "",
        f"Mean over {summary['n_traits']} traits {summary['mean']:.3f} (95% CI over traits "
        f"[{lo:.3f}, {hi:.3f}]); min {summary['min']:.3f} ({summary['min_trait']}); traits >= "
        f"0.85: {summary['traits_at_0.85']}/{summary['n_traits']}. Platt on the pooled "
        f"out-of-fold logits: a = {summary['platt'][0]:.6f}, b = {summary['platt'][1]:.6f}.",
    ]
    if summary.get("train_excluded"):
        lines.append(
            f"Left out of training (scored when held out): {', '.join(summary['train_excluded'])}; "
            f"mean over the {summary['n_traits'] - len(summary['train_excluded'])} trained traits "
            f"{summary['mean_trained_traits']:.3f}."
        )
    held = [
        f"{name} {summary[key]:.3f}"
        for name, key in (
            ("all", "gen_heldout_auroc"),
            ("docgen", "docgen_heldout_auroc"),
            ("world", "world_heldout_auroc"),
        )
        if summary.get(key) is not None
    ]
    if held:
        lines.append(f"Held-out generated windows, AUROC: {', '.join(held)}.")
    return "\n".join(lines) + "\n"


def run_cv(
    folder: str | Path,
    smoke: bool = False,
    overrides: dict[str, Any] | None = None,
    out: str | Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run (or resume) the recipe's LTO CV; returns the summary and writes it under `out`
    (default `<folder>/<cv.out>`)."""
    folder = Path(folder)
    recipe, root = load_recipe_v2(folder, smoke, overrides)
    out_dir = Path(out) if out is not None else folder / recipe.cv.out
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs, st, roles = fold_jobs(recipe, root)
    results: dict[int, dict[str, Any]] = {}
    for j in jobs:
        f = out_dir / f"fold{j['fold']}.json"
        if f.is_file() and json.loads(f.read_text()).get("recipe_hash") == j["recipe_hash"]:
            results[j["fold"]] = json.loads(f.read_text())
    todo = [j for j in jobs if j["fold"] not in results]
    log(f"cv: {len(jobs)} folds, {len(todo)} to train")

    def done(r: dict[str, Any]) -> None:
        atomic_write_text(out_dir / f"fold{r['fold']}.json", json.dumps(r))
        results[r["fold"]] = r
        log(f"cv: fold {r['fold']} done ({r['n_train']} training texts)")

    if recipe.cv.jobs == 1 or len(todo) <= 1:
        for j in todo:
            done(_fold(j))
    else:
        with ProcessPoolExecutor(recipe.cv.jobs, mp_context=get_context("spawn")) as ex:
            for r in ex.map(_fold, todo):
                done(r)
    summary = summarize(
        [results[j["fold"]] for j in jobs],
        st,
        roles,
        recipe.cv.n_boot,
        recipe.data.train_exclude_traits,
    )
    summary["recipe_hash"] = cv_hash(recipe)
    summary["k"] = recipe.cv.k
    atomic_write_text(out_dir / "summary.json", json.dumps(summary, indent=1) + "\n")
    atomic_write_text(out_dir / "report.md", report(summary))
    return summary
