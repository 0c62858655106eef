"""Speed of malicious_character_v1 on the standard 3 KB benchmark documents.

    python ../shared/bench/make_docs.py bench/out/docs20k --n 20000
    .venv/bin/python bench/classifier_speed.py [--docs bench/out/docs20k/docs.jsonl] [--n 20000]

Everything runs in this one process with one thread (fastText predicts single-threaded; torch is
set to one thread). docs/s/core is documents per second of this process's CPU time
(`time.process_time`), so a busy shared machine does not deflate it; wall-clock docs/s is printed
beside it. Measured side by side in the same run:

- `stage1`: the full stage-1 scorer (windowing, fastText on every window in one predict call,
  calibration, DocScore/Span objects) -- the number the target (>= 4,000 docs/s/core) is about;
- `peer: fastText whole-doc`: one fastText predict per document with no windowing -- the floor
  stage 1 is compared against (ratio printed);
- `cascade add-on`: the extra cost of stage 2 per *flagged* document, measured by forcing a sample
  of documents through stage 2 (mode="stage2": MiniLM on the top `max_windows` windows) and
  subtracting the same documents' stage-1 time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from curate.classifiers.cascade import CascadeModel
from curate.classifiers.features import prep

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default=str(REPO / "bench/out/docs20k/docs.jsonl"))
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--stage2-docs", type=int, default=100, help="0: stage 1 only")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--classifier",
        default=str(REPO / "classifiers/malicious_character_v1"),
        help="a classifier folder (a checkout of an older model's folder, to compare in one run)",
    )
    args = ap.parse_args()

    import torch  # deferred: seconds to import, and only the thread count is set here

    torch.set_num_threads(1)
    path = Path(args.docs)
    if not path.is_file():
        sys.exit(
            f"{path} missing; run: python ../shared/bench/make_docs.py bench/out/docs20k --n 20000"
        )
    texts = []
    with path.open() as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= args.n:
                break
    mean_kb = sum(len(t.encode()) for t in texts) / len(texts) / 1000
    model = CascadeModel(args.classifier)
    model.score(texts[:10], "stage1")

    def timed(fn) -> tuple[float, float]:  # (cpu seconds, wall seconds)
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        return time.process_time() - c0, time.perf_counter() - w0

    def run_stage1() -> None:
        for i in range(0, len(texts), args.batch):
            model.score(texts[i : i + args.batch], "stage1")

    def run_peer() -> None:
        for i in range(0, len(texts), args.batch):
            model.ft.predict([prep(t) for t in texts[i : i + args.batch]], k=1)

    s1 = min((timed(run_stage1) for _ in range(args.repeats)), key=lambda t: t[0])
    peer = min((timed(run_peer) for _ in range(args.repeats)), key=lambda t: t[0])
    n = len(texts)
    n_windows = sum(len(w.spans) for w in model.stage1_windows(texts[:1000])) / min(1000, n)
    print(f"documents: {n}, mean {mean_kb:.2f} KB, {n_windows:.1f} windows/doc, 1 thread")
    print(
        f"stage1                  : {n / s1[0]:8.0f} docs/s/core (CPU time); {n / s1[1]:8.0f} docs/s wall"
    )
    print(
        f"peer: fastText whole-doc: {n / peer[0]:8.0f} docs/s/core (CPU time); {n / peer[1]:8.0f} docs/s wall"
    )
    print(f"stage1 / peer throughput ratio (CPU time): {peer[0] / s1[0]:.2f}")
    head = texts[:2000]
    p1 = [d.score for d in model.score(head, "stage1")]
    routed = sum(model.routed(t, p) for t, p in zip(head, p1, strict=True))
    print(
        f"cascade threshold {model.cascade_threshold}: {routed}/{len(head)} benchmark docs routed "
        "to stage 2 "
        "(not an independent false-positive measure: the seed data's word-salad genre uses the "
        "same common-word list as make_docs.py)"
    )

    sub = texts[: args.stage2_docs]
    if not sub:  # --stage2-docs 0: stage 1 only
        return
    model.score(sub[:2], "stage2")
    c0 = time.process_time()
    model.score(sub, "stage1")
    t1 = time.process_time() - c0
    c0 = time.process_time()
    model.score(sub, "stage2")
    t2 = time.process_time() - c0
    per_doc_s1 = t1 / len(sub) * 1000
    added = (t2 - t1) / len(sub) * 1000
    print(
        f"cascade added cost per flagged doc: {added:.1f} ms "
        f"(= {added / per_doc_s1:.0f}x the stage-1 cost of {per_doc_s1:.3f} ms/doc; "
        f"{model.max_windows} MiniLM windows max)"
    )


if __name__ == "__main__":
    main()
