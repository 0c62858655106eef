"""Stage-2 adapter training: length-sorted batches against random batches, on the statements.

Trains one LoRA adapter + head (`curate.classifiers.lora.train_adapter`, the recipe's rank,
learning rate, batch size and seed) on the *train* split's first-person statements of the
classifier's seed data, once with the batch order training uses now (a seeded shuffle within 32-token length
buckets) and once with the order it used before (length-sorted chunks of 50 batches,
then shuffled), and reports the head's AUROC (embedding part only, no stage-1 feature) on:

- the persona statements (`../shared/data/persona_statements`, dev and holdout halves; skipped
  cleanly when absent);
- the held-out (test split) statements of the seed data.

Why it exists: texts of one length tend to come from one template and carry one label, so
length-sorted batches are close to single-label. This measures what that costs.

    .venv/bin/python bench/stage2_batching.py            # ~10 minutes on 2 cores

Needs the seed data (`curate classifier train classifiers/malicious_character_v1` writes it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import curate.classifiers.lora as lora
from curate import jsonl
from curate.classifiers.embedder import Embedder
from curate.classifiers.evaluate import load_persona_statements, persona_half
from curate.classifiers.metrics import auroc
from curate.classifiers.recipe import load_recipe
from curate.classifiers.seed_data import STATEMENT_GENRES
from curate.classifiers.train import adapter_config

ROOT = Path(__file__).resolve().parent.parent


def length_sorted_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random
) -> list[list[int]]:
    """The batch order training used before: shuffle, sort by length in chunks of 50 batches."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    out: list[list[int]] = []
    for c in range(0, len(idx), chunk):
        part = sorted(idx[c : c + chunk], key=lambda i: (lengths[i], i))
        out.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folder", default=str(ROOT / "classifiers" / "malicious_character_v1"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "stage2_batching.json"))
    args = ap.parse_args()

    recipe, root = load_recipe(args.folder)
    data = root / recipe.data.out / "passages.jsonl.gz"
    if not data.is_file():
        sys.exit(f"{data}: no seed data; run `curate classifier train {args.folder}` first")
    passages = [p for p in jsonl.read(data) if p["genre"] in STATEMENT_GENRES]
    train = sorted((p for p in passages if p["split"] == "train"), key=lambda p: p["text"])
    test = [p for p in passages if p["split"] == "test"]
    persona_dir = (root / recipe.eval.persona_dir).resolve()
    persona = load_persona_statements(persona_dir) if persona_dir.is_dir() else []
    cfg = adapter_config(recipe)
    bucket_batches = lora._batches
    results = {}
    for name in ("length_sorted", "length_buckets"):
        if name == "length_sorted":
            lora._batches = length_sorted_batches
        else:
            lora._batches = bucket_batches
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "adapter.safetensors"
            coef, b = lora.train_adapter(
                [p["text"] for p in train], [p["label"] for p in train], cfg, path
            )
            emb = Embedder(batch_size=64)
            emb.use_adapter(path, max_tokens=cfg.max_tokens)
            w = np.asarray(coef)
            row = {"train_s": round(time.perf_counter() - t0, 1)}
            lt = emb.encode([p["text"] for p in test]) @ w + b
            row["heldout_statements_auroc"] = auroc(np.array([p["label"] for p in test]), lt)
            if persona:
                lp = emb.encode([r["text"] for r in persona]) @ w + b
                y = np.array([r["label"] for r in persona])
                row["persona_auroc"] = auroc(y, lp)
                for half in ("dev", "holdout"):
                    m = np.array([persona_half(r["text"]) == half for r in persona])
                    row[f"persona_{half}_auroc"] = auroc(y[m], lp[m])
        results[name] = row
        print(name, json.dumps(row), flush=True)
    lora._batches = bucket_batches
    out = {
        "data": str(data.relative_to(root)),
        "train_statements": len(train),
        "config": cfg.__dict__,
        "results": results,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
