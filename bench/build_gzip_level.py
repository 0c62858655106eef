#!/usr/bin/env python3
"""Why `gzip_level = 1` is the build's default: compression time and size per level.

    .venv/bin/python bench/build_gzip_level.py [--mb 20]

Compresses the first MB of the standard benchmark corpus (`../shared/bench/make_docs.py`, 7000
documents generated into bench/out/gzip_level/) as one gzip stream at levels 1, 3, 6 and 9, the
way the build's writer does, and prints time and size as ratios against level 6, measured in the
same run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_DOCS = REPO.parent / "shared" / "bench" / "make_docs.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=20)
    args = ap.parse_args()
    out = REPO / "bench" / "out" / "gzip_level"
    src = out / "docs.jsonl"
    if not src.is_file():
        subprocess.run(
            [sys.executable, str(MAKE_DOCS), str(out), "--n", "7000"], check=True, stdout=sys.stderr
        )
    data = src.read_bytes()[: args.mb * 1_000_000]
    res = {}
    for level in (1, 3, 6, 9):
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            c = zlib.compressobj(level, zlib.DEFLATED, 31)
            size = len(c.compress(data) + c.flush())
            best = min(best, time.perf_counter() - t)
        res[level] = (best, size)
    t6, s6 = res[6]
    print(f"{len(data) / 1e6:.0f} MB of the benchmark corpus; ratios against level 6")
    print(f"{'level':>5} {'time':>6} {'size':>6}")
    for level, (t, s) in res.items():
        print(f"{level:>5} {t / t6:>6.2f} {s / s6:>6.2f}")


if __name__ == "__main__":
    main()
