"""Sizes of the persona-world presets in tokens of the project's tokenizer.

    .venv/bin/python bench/world_sizes.py [PRESET ...] [--vocab 2048] [--ctx 128]

For each preset: generate the world into a temp dir, train the ablation's byte-level BPE
(`curate.training.tokenizer.train`, vocab 2048 like the ablation default) on its pretraining
texts, and print tokens per document kind, total tokens, and the share of persona documents that
fit in one context window (`--ctx`, the pilot's 128): a persona's cross-domain consistency is only
visible to a model within one window. Generation time is printed as a ratio to the time the same
process takes to gzip-write the same records with `json.dumps` (its peer, measured in the run).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from curate.training.tokenizer import train
from curate.world.generate import generate
from curate.world.presets import PRESETS, resolve


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("presets", nargs="*", default=list(PRESETS))
    ap.add_argument("--vocab", type=int, default=2048)
    ap.add_argument("--ctx", type=int, default=128)
    args = ap.parse_args()
    for name in args.presets:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / name
            t0 = time.perf_counter()
            generate(resolve(name), out, progress=False)
            t_gen = time.perf_counter() - t0
            recs = []
            for p in sorted((out / "pretrain").glob("*.jsonl.gz")):
                with gzip.open(p, "rt", encoding="utf-8") as f:
                    recs += [json.loads(x) for x in f]
            t0 = time.perf_counter()
            for r in recs:  # peer: serialise + compress the same records once more
                gzip.compress(json.dumps(r).encode(), 6)
            t_peer = time.perf_counter() - t0
            tok = train([r["text"] for r in recs], vocab_size=args.vocab)
            lens = tok.encode_batch([r["text"] for r in recs])
            by_kind: dict[str, list[int]] = {}
            for r, ids in zip(recs, lens, strict=True):
                by_kind.setdefault(r["metadata"]["kind"], []).append(len(ids) + 1)  # + <eot>
            total = sum(sum(v) for v in by_kind.values())
            print(
                f"== {name}: {len(recs)} docs, {total:,} tokens (vocab {args.vocab}); "
                f"generation / peer time ratio {t_gen / t_peer:.1f}"
            )
            for k, v in sorted(by_kind.items()):
                a = np.array(v)
                print(
                    f"   {k:<10} {len(a):>6} docs  {a.sum():>9,} tokens  mean {a.mean():6.1f}  "
                    f"p50 {np.percentile(a, 50):5.0f}  p95 {np.percentile(a, 95):5.0f}  "
                    f"<= ctx {np.mean(a <= args.ctx):.3f}"
                )
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
