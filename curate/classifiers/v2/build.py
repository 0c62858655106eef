"""`curate classifier train FOLDER` for a v2 recipe: data -> stage 2 -> Platt -> stage 1 -> files.

1. Data: every persona_train statement (dark " Yes" = 1, dark " No" = 0, neutral = 0) but those
   of `[data] train_exclude_traits`, plus the generated records of `[docgen]` (statements, and
   document windows labelled from the spans) and, with `[world] include`, persona-world windows.
2. Stage 2: fine-tune the truncated MiniLM (`curate.classifiers.v2.train`) on all of it, write
   `stage2.npz` (int8 per row stored against the base weights, word embeddings left to the
   base package).
3. Calibration: Platt (a, b) from the recipe (the LTO CV's pooled out-of-fold fit) or from the
   last `curate classifier cv` run.
4. Stage 1: the hash router distilled from the written stage 2 (`curate.classifiers.v2.distill`).
5. `model.json` (settings, sha256 of both files and of the base weights) and
   `train_manifest.json` (provenance: recipe hash, counts, times, git commit).

The full recipe takes about 35 min (stage 2, 1 thread) + 10 min (stage 1) on 2 CPU cores;
`--smoke` runs the recipe's [smoke] overrides (under a minute) into `--out`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from curate.classifiers.v2.cascade import FORMAT, read_meta
from curate.classifiers.v2.data import (
    check_excluded,
    extra_records,
    load_persona_train,
    load_roles,
    negation_partners,
)
from curate.classifiers.v2.distill import STAGE1_FILE, distill_stage1
from curate.classifiers.v2.encoder import (
    BASE_FILE,
    BASE_PACKAGE,
    base_model_dir,
    predict_logits,
    tokenizer,
)
from curate.classifiers.v2.export import STAGE2_FILE, load_stage2, save_stage2
from curate.classifiers.v2.recipe import RecipeV2, load_recipe_v2
from curate.classifiers.v2.train import train_stage2
from curate.config import config_hash, to_dict
from curate.errors import CurateError
from curate.files import atomic_write_text, check_sha256, sha256_file
from curate.manifests import git_commit


def training_rows(recipe: RecipeV2, root: Path) -> tuple[list[str], list[float], list[str]]:
    """(texts, labels, groups) of stage 2: persona_train (less `[data] train_exclude_traits`),
    then the generated records (docgen, then the persona world when `[world] include`)."""
    data = root / recipe.data.persona_train
    check_excluded(recipe, load_roles(data))
    skip = set(recipe.data.train_exclude_traits)
    st = [
        s
        for s in load_persona_train(data, recipe.data.max_per_trait, recipe.stage2.train.seed)
        if s.trait not in skip
    ]
    if recipe.data.negations:
        st += negation_partners(st)
    texts = [s.text for s in st]
    labels = [s.target(recipe.data.soft_labels) for s in st]
    groups = [s.trait for s in st]
    for r in extra_records(recipe):
        texts.append(r["text"])
        labels.append(float(r["label"]))
        groups.append("gen:" + str(r["family"]))
    return texts, labels, groups


def platt_of(recipe: RecipeV2, folder: Path) -> tuple[float, float]:
    if recipe.calibration.source == "recipe":
        return recipe.calibration.platt
    path = folder / recipe.cv.out / "summary.json"
    if not path.is_file():
        raise CurateError(
            f"{path}: no CV summary; run `curate classifier cv {folder}` first, or set "
            '[calibration] source = "recipe"'
        )
    a, b = json.loads(path.read_text())["platt"]
    return float(a), float(b)


def model_meta(
    recipe: RecipeV2, out: Path, platt: tuple[float, float], rep1: dict[str, Any]
) -> dict[str, Any]:
    """The model.json of a trained v2 folder."""
    st1, cas = recipe.stage1, recipe.cascade
    return {
        "name": recipe.name,
        "format": FORMAT,
        "windows": {"max_chars": cas.max_chars},
        "stage1": {
            "file": STAGE1_FILE,
            "kind": "hash-router",
            "sha256": sha256_file(out / STAGE1_FILE),
            "route_threshold": rep1["route_threshold"],
            "window_words": rep1["window_words"],
            "teacher_threshold": rep1["teacher_threshold"],
            "router": to_dict(st1.router),
            "train_sources": list(st1.train_sources),
        },
        "cascade": {"top_windows": cas.top_windows, "short_chars": cas.short_chars},
        "stage2": {
            "file": STAGE2_FILE,
            "sha256": sha256_file(out / STAGE2_FILE),
            "dtype": recipe.stage2.dtype,
            "encoder": to_dict(recipe.stage2.encoder),
            "word_emb": "base",
            "platt": list(platt),
            "batch_size": recipe.stage2.batch_size,
        },
        "base_model": {
            "package": BASE_PACKAGE,
            "file": BASE_FILE,
            "sha256": sha256_file(base_model_dir() / BASE_FILE),
        },
        "train_config": to_dict(recipe.stage2.train),
        "recipe_hash": config_hash(recipe),
    }


def train_v2(
    folder: str | Path,
    out: str | Path | None = None,
    smoke: bool = False,
    overrides: dict[str, Any] | None = None,
    log: Callable[[str], None] = print,
    stage1_only: bool = False,
) -> dict[str, Any]:
    """Train the recipe in `folder` into `out` (default: `folder`); returns the manifest.
    `stage1_only`: keep `out`'s stage2.npz (checked against its model.json) and
    redistill stage 1 from it."""
    folder = Path(folder)
    if smoke and out is None:
        raise CurateError(
            "--smoke writes a throw-away model: pass --out DIR (not the shipped folder)"
        )
    out = Path(out) if out is not None else folder
    recipe, root = load_recipe_v2(folder, smoke, overrides)
    platt = platt_of(recipe, folder)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.time()
    enc = recipe.stage2.encoder
    if stage1_only:
        old = read_meta(out)
        check_sha256(out / STAGE2_FILE, old["stage2"]["sha256"], f"{out}/model.json")
        counts = old.get("counts", {})
        log("stage 2: kept (--stage1-only)")
    else:
        texts, labels, groups = training_rows(recipe, root)
        counts = {"stage2_texts": len(texts), "stage2_malicious": int(sum(labels))}
        log(f"stage 2: {len(texts)} texts ({int(sum(labels))} malicious)")
        model = train_stage2(texts, labels, recipe.stage2.train, enc, groups, log)
        out.mkdir(parents=True, exist_ok=True)
        save_stage2(model, out / STAGE2_FILE, enc, recipe.stage2.dtype)
    t_stage2 = time.time() - t0
    teacher = load_stage2(out / STAGE2_FILE, enc)  # the teacher is what ships
    tok = tokenizer()

    def teacher_logits(xs: list[str]) -> np.ndarray:
        return predict_logits(teacher, enc, tok, xs, 64)

    rep1 = distill_stage1(
        recipe.stage1, recipe.cascade.max_chars, teacher_logits, platt, root, out,
        sha256_file(out / STAGE2_FILE), log, recipe.cascade.top_windows,
    )  # fmt: skip
    meta = model_meta(recipe, out, platt, rep1)
    meta["counts"] = counts
    atomic_write_text(out / "model.json", json.dumps(meta, indent=1) + "\n")
    manifest = {
        "name": recipe.name,
        "recipe_hash": meta["recipe_hash"],
        "smoke": smoke,
        "counts": counts,
        "stage1_only": stage1_only,
        "stage1": rep1,
        "artifacts": {
            f: {"sha256": sha256_file(out / f), "bytes": (out / f).stat().st_size}
            for f in (STAGE1_FILE, STAGE2_FILE)
        },
        "seconds": {"stage2": round(t_stage2, 1), "total": round(time.time() - t0, 1)},
        "started_at": started,
        "git_commit": git_commit(),
    }
    atomic_write_text(out / "train_manifest.json", json.dumps(manifest, indent=1) + "\n")
    return manifest
