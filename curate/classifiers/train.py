"""`curate classifier train FOLDER`: seed data -> fastText -> calibration -> stage 2 -> artifact.

Steps (fastText runs with one thread and the recipe's seed in a spawned process; torch with a
fixed thread count and seed; the data is written sorted and gzipped with mtime 0, so every
artifact is byte-identical on rebuild on the same machine -- the slow test checks it):

1. Write the seed data (`curate.classifiers.seed_data`) under the recipe's `data.out`, with a
   manifest (recipe hash, generator version, counts, file hashes).
2. Train fastText on the *train* split's passages (shuffled with the seed), then quantise it
   (retraining on the same file) -> `stage1.ftz` (`curate.classifiers.stage1`).
3. Fit the stage-1 calibrator on the document-level raw maxima of the *calib* documents.
4. Stage 2 on a per-genre sample of train passages: either (`encoder = "lora"`) fine-tune LoRA
   adapters on MiniLM jointly with a linear head over the embedding (`curate.classifiers.lora`)
   -> `stage2_adapter.safetensors` + head weights, once per ensemble member (member k: seed + k,
   its own sample, `stage2_adapter_k.safetensors`), or (`"frozen"`) embed with MiniLM and fit an
   L2 logistic regression over the recipe's features.
5. Fit the stage-2 calibrator on the calib documents (max logit over the windows stage 2 scores,
   `CascadeModel.stage2_targets`).
6. Write `model.json` (no pickles) and `train_manifest.json` (provenance; the only file with times).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from curate import jsonl
from curate.classifiers import embed_cache
from curate.classifiers.cascade import CascadeModel, WindowScores
from curate.classifiers.embedder import Embedder
from curate.classifiers.features import stage2_features
from curate.classifiers.lora import AdapterTrainConfig, train_adapter
from curate.classifiers.metrics import fit_calibrator, sigmoid
from curate.classifiers.recipe import Recipe, load_recipe
from curate.classifiers.seed_data import STATEMENT_GENRES, Passage, all_genres, write_dataset
from curate.classifiers.stage1 import oof_stage1_raw, train_stage1
from curate.config import config_hash, to_dict
from curate.errors import CurateError
from curate.files import atomic_write_text, sha256_file
from curate.manifests import git_commit
from curate.world.generate import pretrain_documents
from curate.world.presets import resolve

# 2: statement item banks; 3: + scruples bank; 4: AI-named helpers; 5: their malicious
# mirrors, plain-entitlement frames and self-deprecation hard negatives; 6: a frame and its
# mirror share one split group, minimal entitlement pairs, more self-criticism frames
GENERATOR_VERSION = "seed_data-6"
ADAPTER_FILE = "stage2_adapter.safetensors"


def adapter_file(member: int) -> str:
    """Member 0's adapter is `stage2_adapter.safetensors`; member k's `stage2_adapter_k...`."""
    return ADAPTER_FILE if member == 0 else ADAPTER_FILE.replace(".", f"_{member}.", 1)


def _log(msg: str) -> None:
    print(f"[train] {msg}", file=sys.stderr, flush=True)


def world_passages(recipe: Recipe) -> list[Passage]:
    """Persona-world pretraining documents as passages (label = metadata.malicious_character).

    The world's corpus (`curate.world`) is built in memory from the recipe's preset, seed and
    size; its group is the persona's name (or the document kind and a bucket for
    documents without a persona), so whole personas fall into one split."""
    w = recipe.data.world
    if not w.include:
        return []
    cfg = resolve(
        w.preset,
        {"seed": recipe.seed, "n_docs": w.n_docs, "shuffled_variant": False},
        where="recipe [data.world]",
    )
    out: list[Passage] = []
    for k, rec in enumerate(pretrain_documents(cfg)):
        meta = rec.get("metadata") or {}
        kind = str(meta.get("kind", "doc"))
        # the bucket counts within a pretrain shard, as when these were read from the shards
        group = meta.get("persona") or f"b{k % cfg.docs_per_shard % 10}"
        out.append(
            Passage(
                rec["text"],
                int(bool(meta.get("malicious_character"))),
                f"world_{kind}",
                f"world_{kind}/{group}",
            )
        )
    return out


def write_data(recipe: Recipe, root: Path) -> tuple[Path, dict[str, Any]]:
    d = recipe.data
    n_per_genre = {g: d.n_per_genre.get(g, d.default_n) for g in all_genres()}
    out = root / d.out
    counts = write_dataset(
        out,
        recipe.seed,
        n_per_genre,
        d.test_frac,
        d.calib_frac,
        {"calib": d.calib_singles, "test": d.test_singles},
        {"calib": d.calib_pages, "test": d.test_pages},
        extra_passages=world_passages(recipe),
    )
    files = sorted(p.name for p in out.glob("*.jsonl.gz"))
    manifest = {
        "kind": "classifier_seed_data",
        "classifier": recipe.name,
        "generator": f"curate.classifiers.seed_data ({GENERATOR_VERSION})",
        "seed": recipe.seed,
        "data_config": to_dict(d),
        "data_config_hash": config_hash(d),
        "n_per_genre": n_per_genre,
        "counts": counts,
        "files": {f: sha256_file(out / f) for f in files},
        "source": "written by the project's own grammar; no external data",
    }
    atomic_write_text(out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return out, manifest


def stage2_sample(
    recipe: Recipe, passages: list[dict[str, Any]], member: int = 0
) -> list[dict[str, Any]]:
    """Per-genre deterministic sample of train passages for stage-2 member `member`."""
    by_genre: dict[str, list[dict[str, Any]]] = {}
    for p in passages:
        by_genre.setdefault(p["genre"], []).append(p)
    out = []
    for g in sorted(by_genre):
        rows = sorted(by_genre[g], key=lambda r: r["text"])
        n = (
            recipe.stage2.n_per_statement_genre
            if g in STATEMENT_GENRES
            else recipe.stage2.n_per_genre
        )
        key = f"{recipe.seed}:s2:{g}" if member == 0 else f"{recipe.seed}:s2:{member}:{g}"
        out.extend(random.Random(key).sample(rows, min(n, len(rows))))
    return out


def adapter_config(recipe: Recipe, member: int = 0) -> AdapterTrainConfig:
    """The `lora.AdapterTrainConfig` of stage-2 member `member` (seed: the recipe's + member)."""
    c2 = recipe.stage2
    return AdapterTrainConfig(
        rank=c2.lora_rank,
        lr=c2.lora_lr,
        epochs=c2.lora_epochs,
        batch_size=c2.lora_batch_size,
        max_tokens=c2.lora_max_tokens,
        threads=c2.train_threads,
        seed=recipe.seed + member,
    )


def _member_entry(adapter: Path, coef: list[float], intercept: float) -> dict[str, Any]:
    """model.json's record of one stage-2 member or specialist."""
    return {
        "adapter": adapter.name,
        "adapter_sha256": sha256_file(adapter),
        "coef": coef,
        "intercept": intercept,
    }


def _fit_adapter(
    recipe: Recipe,
    folder: Path,
    k: int,
    passages: list[dict[str, Any]],
    extra: np.ndarray | None,
    artifacts: list[str],
) -> dict[str, Any]:
    """Train stage-2 member (or specialist) k's adapter and head on `passages`; list its adapter
    file among the artifacts and return its model.json record."""
    adapter = folder / adapter_file(k)
    texts, labels = [p["text"] for p in passages], [p["label"] for p in passages]
    coef, intercept = train_adapter(texts, labels, adapter_config(recipe, k), adapter, _log, extra)
    artifacts.insert(k + 1, adapter.name)
    return _member_entry(adapter, coef, intercept)


def fit_logreg(
    x: np.ndarray, y: np.ndarray, C: float, seed: int, weight: np.ndarray | None = None
) -> tuple[list[float], float]:
    clf = LogisticRegression(C=C, max_iter=5000, tol=1e-8, random_state=seed)
    clf.fit(x, y, sample_weight=weight)
    coef = [round(float(v), 6) for v in clf.coef_[0]]
    return coef, round(float(clf.intercept_[0]), 6)


def fit_stage2_calibrators(
    recipe: Recipe,
    model: CascadeModel,
    calib_docs: list[dict[str, Any]],
    ws: list[WindowScores],
) -> dict[str, Any]:
    """The stage-2 calibrators, from the max logit over each calibration document's top stage-1
    windows (`ws`: its stage-1 windows).

    "calibrator" maps the members' mean logit and is fitted on *every* calibration document, as
    it was before there were specialists: fitted on the long documents alone (mostly pages that
    stage 2 separates perfectly) Platt's fit came out steep and shifted, and long real pages and
    persona-world documents got worse scores (model card). With specialists, "short_calibrator"
    maps the short route's logit and is fitted on the short calibration documents, the only ones
    that route scores."""
    y = np.array([d["label"] for d in calib_docs])
    routes = [("calibrator", list(range(len(calib_docs))), model.stage2_logits)]
    if model.short_members:
        short = [i for i, d in enumerate(calib_docs) if model.uses_short(d["text"])]
        routes.append(("short_calibrator", short, model.short_logits))
    out: dict[str, Any] = {}
    for key, idx, score_fn in routes:
        if len(set(y[idx].tolist())) < 2:
            raise CurateError(
                f"[stage2] the {len(idx)} calibration documents for {key} do not hold both "
                "labels; change cascade_short_chars or data.calib_singles"
            )
        tops, tops_raw = [], []
        for i in idx:
            wsc = ws[i]
            order = model.stage2_targets(wsc)
            tops.append([calib_docs[i]["text"][wsc.spans[j][0] : wsc.spans[j][1]] for j in order])
            tops_raw.extend(float(wsc.raw[j]) for j in order)
        flat = [t for ts in tops for t in ts]
        logits = score_fn(flat, tops_raw)
        doc_logit, k = [], 0
        for ts in tops:
            doc_logit.append(float(logits[k : k + len(ts)].max()) if ts else -50.0)
            k += len(ts)
        _log(f"{key}: {len(idx)} calibration documents")
        out[key] = fit_calibrator(recipe.calibration, sigmoid(np.array(doc_logit)), y[idx])
    return out


def train(folder: str | Path) -> dict[str, Any]:
    """Train the classifier described by `folder/recipe.toml`; returns the manifest."""
    torch.set_num_threads(1)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    folder = Path(folder)
    recipe, root = load_recipe(folder)
    _log(f"writing seed data to {recipe.data.out}")
    data_dir, data_manifest = write_data(recipe, root)
    passages = jsonl.read(data_dir / "passages.jsonl.gz")
    train_p = [p for p in passages if p["split"] == "train"]
    statements = sorted(
        (p for p in train_p if p["genre"] in STATEMENT_GENRES), key=lambda p: p["text"]
    )
    calib_docs = jsonl.read(data_dir / "docs_calib.jsonl.gz")
    _log(f"{len(train_p)} train passages, {len(calib_docs)} calibration documents")

    ft_path = folder / "stage1.ftz"
    _log("training fastText (stage 1)")
    train_stage1(recipe, train_p, ft_path)

    meta: dict[str, Any] = {
        "name": recipe.name,
        "recipe_hash": config_hash(recipe),
        "labels": to_dict(recipe.labels),
        "window": to_dict(recipe.window),
        "cascade_threshold": recipe.cascade_threshold,
        "cascade_short_chars": recipe.cascade_short_chars,
        "stage1": {
            "file": ft_path.name,
            "sha256": sha256_file(ft_path),
            "calibrator": {"kind": "identity"},
        },
        "stage2": {
            "embedder": recipe.stage2.embedder,
            "max_windows": recipe.stage2.max_windows,
            "features": list(recipe.stage2.features),
            "coef": [],
            "intercept": 0.0,
            "calibrator": {"kind": "identity"},
        },
    }
    embedder = Embedder(batch_size=recipe.stage2.batch_size, cache_dir=embed_cache.enabled_dir())
    model = CascadeModel(folder, embedder=embedder, meta=meta)
    y_cal = np.array([d["label"] for d in calib_docs])
    ws = model.stage1_windows([d["text"] for d in calib_docs])
    raw1 = np.array([w.doc_raw for w in ws])
    meta["stage1"]["calibrator"] = fit_calibrator(recipe.calibration, raw1, y_cal)

    c2 = recipe.stage2
    artifacts = ["stage1.ftz", "model.json"]
    samples = [stage2_sample(recipe, train_p, k) for k in range(c2.members)]
    s1_of: dict[int, float] = {}
    if "s1" in c2.features or "s1_len" in c2.features:
        _log(f"out-of-fold stage-1 scores ({c2.oof_folds} folds) for the s1 feature")
        union = list({id(p): p for smp in samples for p in smp}.values())
        s1_of = dict(zip(map(id, union), oof_stage1_raw(recipe, train_p, union), strict=True))

    def s1_of_sample(sample: list[dict[str, Any]]) -> np.ndarray:
        return np.array([s1_of[id(p)] if s1_of else 0.0 for p in sample])

    if c2.encoder == "lora":
        rest = list(c2.features[1:])  # fixed columns after the embedding
        members = []
        for k, sample in enumerate(samples):
            texts = [p["text"] for p in sample]
            s1 = s1_of_sample(sample)
            extra = stage2_features(np.zeros((len(sample), 0)), texts, s1, rest) if rest else None
            _log(
                f"member {k + 1}/{c2.members}: fine-tuning MiniLM adapters (rank {c2.lora_rank}) "
                f"on {len(sample)} passages"
            )
            members.append(_fit_adapter(recipe, folder, k, sample, extra, artifacts))
        meta["stage2"]["members"] = members
        if c2.short_members:
            specialists = []
            for j in range(c2.short_members):
                _log(
                    f"short-document specialist {j + 1}/{c2.short_members}: fine-tuning MiniLM "
                    f"adapters on {len(statements)} statements"
                )
                k = c2.members + j
                specialists.append(_fit_adapter(recipe, folder, k, statements, None, artifacts))
            meta["stage2"]["short_members"] = specialists
            meta["stage2"]["short_features"] = ["emb"]
            meta["stage2"]["short_calibrator"] = {"kind": "identity"}
        meta["stage2"]["max_tokens"] = c2.lora_max_tokens  # scoring truncates as training did
        del meta["stage2"]["coef"], meta["stage2"]["intercept"]
    else:
        (sample,) = samples
        texts = [p["text"] for p in sample]
        s1 = s1_of_sample(sample)
        cache = embed_cache.enabled_dir()
        _log(f"embedding {len(sample)} passages for stage 2 (MiniLM; cache: {cache})")
        emb = embedder.encode(texts)
        x = stage2_features(emb, texts, s1, c2.features)
        w = np.array(
            [c2.statement_weight if p["genre"] in STATEMENT_GENRES else 1.0 for p in sample]
        )
        y = np.array([p["label"] for p in sample])
        meta["stage2"]["coef"], meta["stage2"]["intercept"] = fit_logreg(x, y, c2.C, recipe.seed, w)
    model = CascadeModel(folder, embedder=embedder, meta=meta)

    _log("calibrating stage 2 on the calibration documents")
    meta["stage2"].update(fit_stage2_calibrators(recipe, model, calib_docs, ws))
    atomic_write_text(folder / "model.json", json.dumps(meta, indent=1, sort_keys=True) + "\n")
    for stale in sorted(folder.glob("stage2_adapter*.safetensors")):
        if stale.name not in artifacts:  # an adapter (or member) of an earlier training
            stale.unlink()
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = {
        "kind": "classifier_train",
        "classifier": recipe.name,
        "recipe": to_dict(recipe),
        "recipe_hash": config_hash(recipe),
        "git_commit": git_commit(),
        "data_manifest": str((data_dir / "manifest.json").relative_to(root)),
        "data_files": data_manifest["files"],
        "artifacts": {n: sha256_file(folder / n) for n in artifacts},
        "counts": {
            "train_passages": len(train_p),
            "stage2_train_passages": [len(smp) for smp in samples],
            "short_member_train_statements": len(statements) if c2.short_members else 0,
            "calib_docs": len(calib_docs),
        },
        "started_at": started,
        "finished_at": finished,
    }
    atomic_write_text(
        folder / "train_manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    )
    _log(f"wrote {folder}/stage1.ftz ({ft_path.stat().st_size / 1e6:.2f} MB) and model.json")
    return manifest
