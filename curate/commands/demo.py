"""`curate demo`: the whole flow on bundled data, with embedded defaults.

Steps (each is the same command a user would type, run in-process so the demo exercises the real
command-line surface):

1. audit the bundled sample shards (`data/sample_shards/`) into the workspace (local executor,
   DuckDB file `WS/curate.duckdb`), then near-duplicate clusters and the summary;
2. build the example policy's corpus variants from that audit and diff two of them;
3. unless `--no-ablation`: the small persona-world ablation (`pipelines/ablate_small.toml`:
   world -> audit -> build -> pretrain -> fine-tune -> EM evaluation -> HTML report), a few minutes
   on 2 cores.

Every step prints what it runs; the first failing step stops the demo with its error.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from curate.commands import run
from curate.errors import CurateError
from curate.paths import bundled
from curate.registry import DEFAULT_SCORE_COLUMN


def steps(ws: str, ablation: bool) -> list[tuple[str, list[str]]]:
    shards = sorted(str(p) for p in bundled("data/sample_shards").glob("part-*"))
    out: list[tuple[str, list[str]]] = [
        ("audit the bundled sample shards", ["audit", *shards, "--workspace", ws]),
        ("near-duplicate clusters", ["dedup", ws]),
        ("summary of the audit", ["summary", ws]),
        (
            "flagged documents and their duplicates (read-only SQL)",
            [
                "query",
                ws,
                f"SELECT source, count(*) AS docs, round(avg({DEFAULT_SCORE_COLUMN}), 3) "
                "AS mean_score FROM docs GROUP BY source ORDER BY source",
            ],
        ),
        (
            "build corpus variants from the example policy",
            ["build", str(bundled("pipelines/policy_example.toml")), "--workspace", ws],
        ),
        (
            "what the classifier filter removes that a random control of equal size does not",
            ["diff", ws, "clf_0.5", "random_0.5", "--examples", "2"],
        ),
    ]
    if ablation:
        out.append(
            (
                "small persona-world ablation",
                ["ablate", str(bundled("pipelines/ablate_small.toml")), "--workspace", ws],
            )
        )
    return out


def _cmd_demo(args: argparse.Namespace) -> int:
    t0 = time.time()
    for i, (title, argv) in enumerate(steps(args.workspace, not args.no_ablation), 1):
        print(f"\n== [{i}] {title}\n$ curate {' '.join(argv)}", flush=True)
        try:
            rc = run(argv)
        except CurateError as e:
            raise CurateError(f"demo step {i} ({title}) failed: {e}") from None
        if rc != 0:
            raise CurateError(
                f"demo step {i} ({title}) failed with status {rc}; see the message above"
            )
    print(
        f"\ndemo finished in {time.time() - t0:.0f} s; workspace: {Path(args.workspace).resolve()}"
    )
    print(f'try: curate query {args.workspace} "SELECT * FROM runs"')
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole flow end to end on bundled data")
    p.add_argument(
        "--workspace", default="demo-workspace", help="workspace folder (default: %(default)s)"
    )
    p.add_argument("--no-ablation", action="store_true", help="skip the (few-minute) ablation step")
    p.set_defaults(func=_cmd_demo)
