#!/usr/bin/env python3
"""Resource limits: peak memory of `curate audit` on a 50 MB single-line document and on a shard
of 1,000,000 tiny documents (hardening, issue 9).

    nice -n 10 .venv/bin/python bench/resource_limits.py [--tiny 1000000] [--big-mb 50]
        [--out bench/out/resource_limits]

Every case is one `curate audit` (no classifier: `--classifier none`; hash/lengths, lexicon,
MinHash, writer, DuckDB load and accounting check all on) run in its own child process, one task
in-process (datatrove's local executor with one worker), on inputs generated here into `--out`
(not committed). The child runs the CLI and then reports its own ``ru_maxrss`` (peak resident
set size) and CPU time; a case passes when the audit exits 0 and its counts are the expected
ones. Cases:

- ``baseline``: 10 tiny documents (the cost of the imports, DuckDB and the pipeline itself);
- ``one_line_50MB_default``: one 50 MB single-line JSON record with the default
  ``max_line_bytes`` (8 MiB): it becomes one ``line_too_long`` error row and is never held whole
  (the reader keeps its first ``raw_cap`` bytes and its length);
- ``one_line_50MB_raised``: the same line with ``--max-line-bytes`` raised above it: it is
  annotated as one document (the text is held, lower-cased, shingled; memory is a small
  multiple of the document);
- ``one_line_8MB_at_default_limit``: a single-line document just under the default
  ``max_line_bytes``: the largest document the default settings annotate, so its peak bounds the
  memory of any input under the defaults;
- ``tiny_10k``, ``tiny_100k``, ``tiny_1M``: shards of tiny documents (``{"id", "text"}``,
  ~40 bytes a line): memory must not grow with the number of documents (the writer flushes row
  groups; the audit loads the store under a bounded DuckDB ``memory_limit``, so the load's
  memory grows with the corpus only up to that cap);
- ``tiny_<largest>_load_cap_64MB``: the largest shard again with the load cap lowered to 64MB
  (``CURATE_LOAD_MEMORY_LIMIT``): the difference from the row above is the part of the peak that
  the cap controls.

A second table attributes the big document's memory to the annotation steps: each step alone
(``str.split`` for n_words, ``curate.text.normalize`` + xxh64 for exact_hash, the lexicon,
``MinHasher.signatures``) on the same 50 MB text, each in its own process, peak RSS minus the
RSS with just the text in memory.

Inputs are generated in a child process, so the parent that spawns the measured children stays
small (ru_maxrss is inherited across fork; a child that starts above 150 MB aborts the run).

Results: a table on stdout and ``<out>/results.json``. Figures are measured on whatever machine
runs this; rerun it rather than trusting a number copied elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(report: str, argv: list[str]) -> None:
    """Run the CLI in this process, then write this process's peak RSS and CPU time."""
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from curate.cli import main

    t0 = time.perf_counter()
    rc = main(argv)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    if start_rss > 150:  # inherited from the parent at fork: the figure would be its, not ours
        raise SystemExit(f"child started with ru_maxrss {start_rss:.0f} MB: parent too large")
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    import duckdb

    ws = argv[argv.index("-w") + 1]
    con = duckdb.connect(str(Path(ws) / "curate.duckdb"), read_only=True)
    try:
        n_docs, n_errors = con.execute("SELECT sum(n_docs), sum(n_errors) FROM shards").fetchall()[
            0
        ]
    finally:
        con.close()
    Path(report).write_text(
        json.dumps(
            {
                "rc": rc,
                "n_docs": int(n_docs),
                "n_errors": int(n_errors),
                "start_maxrss_mb": start_rss,
                "wall_s": time.perf_counter() - t0,
                "cpu_s": ru.ru_utime + ru.ru_stime,
                "maxrss_mb": ru.ru_maxrss / 1024,
                "children_maxrss_mb": ch.ru_maxrss / 1024,
            }
        )
    )
    sys.exit(rc)


def make_tiny(path: Path, n: int) -> None:
    import orjson

    if path.is_file():
        return
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        buf = []
        for i in range(n):
            buf.append(orjson.dumps({"id": f"t{i}", "text": f"tiny document number {i}"}))
            if len(buf) >= 100_000:
                f.write(b"\n".join(buf) + b"\n")
                buf = []
        if buf:
            f.write(b"\n".join(buf) + b"\n")
    tmp.replace(path)


WORD = "lorem ipsum dolor sit amet evil plan "


def big_text(mb: int) -> str:
    return WORD * (mb * 1024 * 1024 // len(WORD))


def make_one_line(path: Path, mb: int, limit: int | None = None) -> None:
    """One JSON record on one line, about `mb` MiB (at most `limit` bytes with its newline)."""
    if path.is_file():
        return
    head, tail = b'{"id": "big", "text": "', b'"}'
    body = big_text(mb).encode()
    if limit is not None:
        body = body[: limit - len(head) - len(tail) - 1]
    path.write_bytes(head + body + tail + b"\n")


STEPS = ("split", "normalize_hash", "lexicon", "minhash")


def step_child(step: str, mb: int) -> None:
    """Peak RSS of one annotation step on a `mb` MiB text, minus the text alone."""
    text = big_text(mb)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if step == "split":
        len(text.split())
    elif step == "normalize_hash":
        from curate.text import exact_hash

        exact_hash(text)
    elif step == "lexicon":
        from curate.audit.lexicons import load_lexicon

        load_lexicon("malicious_character_v1").count(text)
    elif step == "minhash":
        from curate.minhash import MinHashConfig, MinHasher

        MinHasher(MinHashConfig()).signatures([text])
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "text_mb": len(text) / 1e6, "extra_mb": after - before}))


def run_steps(mb: int) -> list[dict]:
    rows = []
    for step in STEPS:
        code = (
            f"import sys; sys.path.insert(0, {str(REPO / 'bench')!r}); import resource_limits as r; "
            f"r.step_child({step!r}, {mb})"
        )
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"step {step}: {p.stderr[-2000:]}")
        rows.append(json.loads(p.stdout.strip().splitlines()[-1]))
    return rows


def run_case(
    out: Path, name: str, shard: Path, extra: list[str], env_extra: dict[str, str] | None = None
) -> dict:
    ws = out / "ws" / name
    shutil.rmtree(ws, ignore_errors=True)
    report = out / f"{name}.json"
    report.unlink(missing_ok=True)
    argv = ["audit", str(shard), "-w", str(ws), "--classifier", "none", "-q", "--workers", "1"]
    argv += extra
    code = f"import sys; sys.path.insert(0, {str(REPO / 'bench')!r}); import resource_limits as r; r.child(sys.argv[1], sys.argv[2:])"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    p = subprocess.run(
        [sys.executable, "-c", code, str(report), *argv], env=env, capture_output=True, text=True
    )
    if p.returncode != 0 or not report.is_file():
        raise SystemExit(f"{name}: audit failed ({p.returncode}): {p.stderr[-2000:]}")
    res = json.loads(report.read_text())
    res["input_mb"] = shard.stat().st_size / 1e6
    shutil.rmtree(ws, ignore_errors=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", type=int, default=1_000_000, help="documents in the largest shard")
    ap.add_argument("--big-mb", type=int, default=50, help="size of the single-line document")
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "resource_limits"))
    args = ap.parse_args()
    out = Path(args.out)
    (out / "in").mkdir(parents=True, exist_ok=True)

    cases: list[tuple[str, Path, list[str], tuple[int, int]]] = []
    todo: list[tuple] = []  # inputs, made in a child: ru_maxrss survives fork, so the parent
    # (which spawns every measured child) must stay small
    base = out / "in" / "tiny_10.jsonl"
    todo.append(("make_tiny", str(base), 10))
    cases.append(("baseline", base, [], (10, 0)))
    big = out / "in" / f"one_line_{args.big_mb}MB.jsonl"
    todo.append(("make_one_line", str(big), args.big_mb, None))
    cases.append((f"one_line_{args.big_mb}MB_default", big, [], (0, 1)))
    raised = str((args.big_mb + 8) * 1024 * 1024)
    cases.append((f"one_line_{args.big_mb}MB_raised", big, ["--max-line-bytes", raised], (1, 0)))
    near = out / "in" / "one_line_8MB.jsonl"
    todo.append(("make_one_line", str(near), 8, 8 * 1024 * 1024 - 64))
    cases.append(("one_line_8MB_at_default_limit", near, [], (1, 0)))
    n = 10_000
    while n <= args.tiny:
        label = f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"
        p = out / "in" / f"tiny_{n}.jsonl"
        todo.append(("make_tiny", str(p), n))
        cases.append((f"tiny_{label}", p, [], (n, 0)))
        n *= 10
    last = cases[-1]
    cases.append((f"{last[0]}_load_cap_64MB", last[1], [], last[3]))
    envs = {f"{last[0]}_load_cap_64MB": {"CURATE_LOAD_MEMORY_LIMIT": "64MB"}}

    code = (
        f"import sys, json; sys.path.insert(0, {str(REPO / 'bench')!r}); import resource_limits as r; "
        "[getattr(r, f)(r.Path(p), *a) for f, p, *a in json.loads(sys.argv[1])]"
    )
    subprocess.run([sys.executable, "-c", code, json.dumps(todo)], check=True)
    results = {}
    for name, shard, extra, (want_docs, want_err) in cases:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        r = run_case(out, name, shard, extra, envs.get(name))
        r["ok"] = (r["n_docs"], r["n_errors"]) == (want_docs, want_err)
        results[name] = r
    base_rss = results["baseline"]["maxrss_mb"]
    lines = [
        f"{'case':32} {'input MB':>9} {'docs':>9} {'errors':>6} {'peak RSS MB':>11} "
        f"{'x baseline':>10} {'CPU s':>7} {'ok':>3}"
    ]
    for name, r in results.items():
        lines.append(
            f"{name:32} {r['input_mb']:9.1f} {r['n_docs']:9d} {r['n_errors']:6d} "
            f"{r['maxrss_mb']:11.0f} {r['maxrss_mb'] / base_rss:10.2f} {r['cpu_s']:7.1f} "
            f"{'yes' if r['ok'] else 'NO':>3}"
        )
    print("\n".join(lines), flush=True)
    print(f"attributing the {args.big_mb} MB document's memory to steps ...", file=sys.stderr)
    steps = run_steps(args.big_mb)
    results["_steps"] = steps
    step_lines = [
        f"{'step alone, on one ' + str(args.big_mb) + ' MB text':36} {'extra peak MB':>13} {'x text':>7}"
    ]
    for r in steps:
        step_lines.append(
            f"{r['step']:36} {r['extra_mb']:13.0f} {r['extra_mb'] / r['text_mb']:7.1f}"
        )
    print("\n" + "\n".join(step_lines))
    table = "\n".join(lines + [""] + step_lines)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "results.txt").write_text(table + "\n")
    if not all(r["ok"] for k, r in results.items() if not k.startswith("_")):
        raise SystemExit("some case did not produce the expected counts")


if __name__ == "__main__":
    main()
