#!/usr/bin/env python3
"""Near-duplicate quality: recall and precision at true Jaccard >= 0.8, against exact Jaccard.

    .venv/bin/python bench/dedup_quality.py [--n-base 1500] [--n-planted 1200] [--seed 0]
        [--threshold 0.8] [--bands 32] [--rows 4] [--json OUT]

Corpus: real text from ../shared/data/real_text when present (tinyshakespeare cut into 120-400
word chunks, Dolma Common Crawl fixtures, hh-rlhf "chosen" transcripts), else generated text.
Planted near-duplicates: a random base document copied with ONE operation at a random rate:
substitutions (word edits, 0-12% of words), insertions (0-12%), deletions (0-12%), truncation
(keep 55-100% of the words from the start), or a mix of edits + truncation. Rates are drawn
uniformly, so the true Jaccard of planted pairs spreads across the 0.8 threshold (the hard case);
the script prints the distribution.

Ground truth: exact Jaccard on the sets of shingles (5-word n-grams of `normalize(text)`, Python
sets of strings, no hashing) for (a) every pair inside a planted family (the base and its copies),
(b) every pair the system reports, (c) every candidate of an independent, very permissive LSH
(64 bands x 2 rows: a pair with J >= 0.8 escapes it with probability 0.36**64 < 1e-28), which finds
accidental duplicates in the real text. True pairs are those with exact J >= threshold.

Metrics (default settings = curate's defaults, `curate dedup` in memory mode):
- recall: true pairs whose two documents end in the same cluster;
- precision (pairs): reported near-duplicate pairs (verified LSH edges) with true J >= threshold;
- precision (clusters): all same-cluster pairs with true J >= threshold (stricter: clusters are
  transitive, so a chain A~B~C puts A and C together even when J(A, C) < 0.8).
Also reported by true-J bin, so the behaviour near the threshold is visible.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from itertools import combinations
from pathlib import Path

from curate.dedup.clusters import cluster_arrays, exact_codes, exact_edges
from curate.dedup.lsh import LSHConfig, candidate_pairs, near_pairs
from curate.dedup.verify import TextJaccard
from curate.minhash import MinHashConfig, MinHasher, reference_shingles
from curate.text import exact_hash

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real_text"


def real_texts(rng: random.Random) -> tuple[list[str], str]:
    texts: list[str] = []
    shakes = REAL / "tinyshakespeare" / "input.txt"
    if shakes.is_file():
        words = shakes.read_text().split(" ")
        i = 0
        while i < len(words):
            n = rng.randint(120, 400)
            texts.append(" ".join(words[i : i + n]))
            i += n
    for f in sorted((REAL / "dolma_fixtures").glob("*.gz")):
        with gzip.open(f, "rt") as fh:
            for line in fh:
                rec = json.loads(line)
                if isinstance(rec.get("text"), str) and len(rec["text"].split()) >= 30:
                    texts.append(rec["text"])
    hh = REAL / "hh_rlhf" / "harmless-base_test.jsonl.gz"
    if hh.is_file():
        with gzip.open(hh, "rt") as fh:
            for line in fh:
                t = json.loads(line)["chosen"]
                if len(t.split()) >= 40:
                    texts.append(t)
    return texts, "real text (../shared/data/real_text)" if texts else ""


def generated_texts(rng: random.Random, n: int) -> list[str]:
    vocab = [f"w{i}" for i in range(20000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    return [" ".join(rng.choices(vocab, weights, k=rng.randint(120, 400))) for _ in range(n)]


def plant(rng: random.Random, text: str, filler: list[str]) -> tuple[str, str, float]:
    words = text.split()
    op = rng.choice(["edit", "insert", "delete", "truncate", "mixed"])
    rate = rng.uniform(0.0, 0.12)
    if op == "edit":
        for i in rng.sample(range(len(words)), int(rate * len(words))):
            words[i] = rng.choice(filler)
    elif op == "insert":
        for _ in range(int(rate * len(words))):
            words.insert(rng.randrange(len(words) + 1), rng.choice(filler))
    elif op == "delete":
        for _ in range(int(rate * len(words))):
            del words[rng.randrange(len(words))]
    elif op == "truncate":
        rate = rng.uniform(0.0, 0.45)
        words = words[: max(1, int(len(words) * (1 - rate)))]
    else:
        for i in rng.sample(range(len(words)), int(rate / 2 * len(words))):
            words[i] = rng.choice(filler)
        words = words[: max(1, int(len(words) * (1 - rate)))]
    return " ".join(words), op, rate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-base", type=int, default=1500)
    ap.add_argument("--n-planted", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=LSHConfig.threshold)
    ap.add_argument("--bands", type=int, default=LSHConfig.bands)
    ap.add_argument("--rows", type=int, default=LSHConfig.rows)
    ap.add_argument("--verify", choices=["text", "signature"], default=LSHConfig.verify)
    ap.add_argument(
        "--generated", action="store_true", help="use generated text even if real is present"
    )
    ap.add_argument("--json", help="write the results here as JSON")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    pool, source = ([], "") if args.generated else real_texts(rng)
    if not pool:
        pool, source = generated_texts(rng, args.n_base * 2), "generated text (Zipfian words)"
    rng.shuffle(pool)
    base = pool[: args.n_base]
    filler = [w for t in rng.sample(base, min(50, len(base))) for w in t.split()]
    texts = list(base)
    family = {i: i for i in range(len(base))}
    ops: dict[int, tuple[str, float]] = {}
    for _ in range(args.n_planted):
        src = rng.randrange(len(base))
        t, op, rate = plant(rng, base[src], filler)
        family[len(texts)] = src
        ops[len(texts)] = (op, rate)
        texts.append(t)
    order = list(range(len(texts)))
    rng.shuffle(order)
    texts = [texts[i] for i in order]
    fam = [family[i] for i in order]

    mcfg = MinHashConfig()
    cfg = LSHConfig(threshold=args.threshold, bands=args.bands, rows=args.rows, verify=args.verify)
    sigs = MinHasher(mcfg).signatures(texts)
    codes = exact_codes([exact_hash(t) for t in texts])
    exact = TextJaccard(lambda ids: [texts[i] for i in ids], mcfg)
    cl = cluster_arrays(sigs, codes, cfg, exact if cfg.verify == "text" else None)
    n_text_verified = exact.n_pairs
    cluster_of = dict(zip(cl.idx.tolist(), cl.cluster.tolist(), strict=True))

    # reported pairs: verified LSH edges (recomputed here the way cluster_arrays does)
    eu, ev, heads = exact_edges(codes)
    np_, _ = near_pairs(sigs[heads], cfg, lambda p: exact(heads[p]))
    reported = {
        (int(min(a, b)), int(max(a, b)))
        for a, b in zip(heads[np_[:, 0]], heads[np_[:, 1]], strict=True)
    }
    reported |= {(int(min(a, b)), int(max(a, b))) for a, b in zip(eu, ev, strict=True)}

    # ground-truth candidate pairs
    members: dict[int, list[int]] = {}
    for i, f in enumerate(fam):
        members.setdefault(f, []).append(i)
    gt_cand = {p for m in members.values() for p in combinations(sorted(m), 2)}
    gt_cand |= reported
    gt_cand |= {
        tuple(p)
        for p in candidate_pairs(sigs, LSHConfig(bands=64, rows=2, max_bucket=10**9)).tolist()
    }
    clusters: dict[int, list[int]] = {}
    for i, c in cluster_of.items():
        clusters.setdefault(c, []).append(i)
    in_cluster = {p for m in clusters.values() for p in combinations(sorted(m), 2)}
    gt_cand |= in_cluster

    shingles: dict[int, set[str]] = {}

    def sh(i: int) -> set[str]:
        if i not in shingles:
            shingles[i] = set(reference_shingles(texts[i], mcfg.ngram))
        return shingles[i]

    def jac(a: int, b: int) -> float:
        x, y = sh(a), sh(b)
        return len(x & y) / len(x | y) if (x or y) else 1.0

    true_j = {p: jac(*p) for p in gt_cand}
    thr = args.threshold
    truth = {p for p, j in true_j.items() if j >= thr}
    same = {p for p in truth if p[0] in cluster_of and cluster_of.get(p[0]) == cluster_of.get(p[1])}
    recall = len(same) / len(truth) if truth else 1.0
    prec_pairs = sum(true_j[p] >= thr for p in reported) / len(reported) if reported else 1.0
    prec_clusters = (
        sum(true_j[p] >= thr for p in in_cluster) / len(in_cluster) if in_cluster else 1.0
    )

    bins = [0.0, 0.5, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0001]
    rows = []
    for lo, hi in zip(bins[:-1], bins[1:], strict=True):
        ps = [p for p, j in true_j.items() if lo <= j < hi]
        if not ps:
            continue
        found = sum(
            1 for p in ps if p[0] in cluster_of and cluster_of.get(p[0]) == cluster_of.get(p[1])
        )
        rep = sum(1 for p in ps if p in reported)
        rows.append(
            {
                "bin": f"[{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}",
                "pairs": len(ps),
                "same_cluster": found,
                "reported_pair": rep,
            }
        )

    res = {
        "source": source,
        "n_docs": len(texts),
        "n_base": len(base),
        "n_planted": args.n_planted,
        "settings": {
            "num_perm": mcfg.num_perm,
            "ngram": mcfg.ngram,
            "threshold": thr,
            "bands": cfg.bands,
            "rows": cfg.rows,
            "max_bucket": cfg.max_bucket,
        },
        "n_true_pairs": len(truth),
        "n_reported_pairs": len(reported),
        "n_clusters": cl.n_clusters,
        "n_text_verified_pairs": n_text_verified,
        "recall": round(recall, 4),
        "precision_pairs": round(prec_pairs, 4),
        "precision_cluster_pairs": round(prec_clusters, 4),
        "by_true_jaccard": rows,
    }
    print(
        f"corpus: {source}: {len(base)} base documents + {args.n_planted} planted near-duplicates"
    )
    print(
        f"settings: num_perm={mcfg.num_perm} ngram={mcfg.ngram} threshold={thr} bands x rows={cfg.bands}x{cfg.rows} "
        f"verify={cfg.verify} (margin {cfg.margin})"
    )
    print(
        f"true pairs (exact J >= {thr}): {len(truth)}; reported pairs: {len(reported)}; clusters: {cl.n_clusters}; pairs verified on text: {n_text_verified}"
    )
    print(
        f"recall {recall:.4f}   precision (reported pairs) {prec_pairs:.4f}   precision (all same-cluster pairs) {prec_clusters:.4f}"
    )
    print("by exact Jaccard:  bin            pairs  same-cluster  reported-pair")
    for r in rows:
        print(
            f"                   {r['bin']:<14} {r['pairs']:>5}  {r['same_cluster']:>12}  {r['reported_pair']:>13}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
