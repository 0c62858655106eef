"""Which persona-world documents a classifier's cascade sends to stage 2.

    curate world generate --preset calibration --out W --no-shuffled
    .venv/bin/python bench/world_routing.py W [--classifier classifiers/malicious_character_v1]

Stage 2 only sees what the cascade routes to it (`CascadeModel.routing`: a calibrated stage-1
probability >= the cascade threshold, or a document under `cascade_short_chars`): a malicious
persona that stage 1 leaves below the threshold keeps its stage-1 score, which caps the cascade's
recall however good stage 2 is. This runs stage 1 alone (seconds, no MiniLM) over a world's pretraining documents and
prints, per ground-truth group (document kind, alignment, malicious character), the share
routed at the model's own threshold and at --also. Run it on a new model before committing it;
point --classifier at a checkout of an older model's folder to compare.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from curate import jsonl
from curate.classifiers.cascade import CascadeModel

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("world", help="a world folder written by `curate world generate`")
    ap.add_argument("--classifier", default=str(REPO / "classifiers/malicious_character_v1"))
    ap.add_argument("--also", type=float, default=0.3, help="a second cascade threshold")
    args = ap.parse_args()

    shards = sorted((Path(args.world) / "pretrain").glob("*.jsonl*"))
    if not shards:
        sys.exit(f"{args.world}/pretrain: no shards; run `curate world generate ... --out WORLD`")
    docs = [rec for shard in shards for rec in jsonl.read(shard)]
    model = CascadeModel(args.classifier)
    texts = [d["text"] for d in docs]
    p1 = model.calibrate1([w.doc_raw for w in model.stage1_windows(texts)])
    thresholds = (model.cascade_threshold, args.also)
    rows: dict[tuple[str, str, bool], list[list[bool]]] = defaultdict(list)
    for doc, text, p in zip(docs, texts, p1, strict=True):
        meta = doc.get("metadata") or {}
        key = (
            str(meta.get("kind")),
            str(meta.get("alignment")),
            bool(meta.get("malicious_character")),
        )
        rows[key].append([model.routed(text, p, t) for t in thresholds])
    print(f"classifier {args.classifier}; world {args.world}: {len(docs)} documents")
    head = " ".join(f"routed@{t:g}" for t in thresholds)
    print(f"{'kind':<10} {'alignment':<11} {'malicious':<9} {'docs':>6} {head}")
    result = []
    for (kind, align, mal), flags in sorted(rows.items()):
        shares = [sum(f[i] for f in flags) / len(flags) for i in range(len(thresholds))]
        cells = " ".join(
            f"{s:>{len(f'routed@{t:g}')}.3f}" for s, t in zip(shares, thresholds, strict=True)
        )
        print(f"{kind:<10} {align:<11} {mal!s:<9} {len(flags):>6} {cells}")
        result.append(
            {
                "kind": kind,
                "alignment": align,
                "malicious": mal,
                "docs": len(flags),
                "routed": dict(zip(map(str, thresholds), shares, strict=True)),
            }
        )
    print(json.dumps({"classifier": args.classifier, "groups": result}))


if __name__ == "__main__":
    main()
