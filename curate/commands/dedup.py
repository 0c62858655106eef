"""`curate dedup WS`: exact + near-duplicate clusters of an audit run into the store.

Flags override the spec's ``[dedup]`` table; ``curate run pipelines/dedup.toml`` runs the same job
(spec kind ``dedup``). An audit spec can include a ``[dedup]`` table too: the audit command calls
`run_dedup_spec(workspace, spec_table, where)` after the audit finishes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from curate.dedup.clusters import DedupConfig, dedup_config, run_dedup
from curate.errors import ConfigError
from curate.registry import DEFAULT_SCORE_COLUMN
from curate.workspace import Workspace


def _print_summary(out: dict[str, Any]) -> None:
    print(json.dumps(out, indent=2, default=str))


def run_dedup_spec(
    workspace: str, table: dict[str, Any] | None, where: str, run: str | None = None
) -> dict[str, Any]:
    """Run dedup from a spec table (what an audit spec's `[dedup]` table holds)."""
    cfg = dedup_config(table, where)
    return run_dedup(Workspace.at(workspace, create=False), cfg, run=run)


def _cmd_dedup(args: argparse.Namespace) -> int:
    data: dict[str, Any] = {}
    lsh: dict[str, Any] = {}
    for flag, key in (
        ("threshold", "threshold"),
        ("bands", "bands"),
        ("rows", "rows"),
        ("max_bucket", "max_bucket"),
        ("verify", "verify"),
    ):
        v = getattr(args, flag)
        if v is not None:
            lsh[key] = v
    if lsh:
        data["lsh"] = lsh
    for flag in ("mode", "tasks", "flag_column", "flag_threshold", "num_perm", "ngram"):
        v = getattr(args, flag)
        if v is not None:
            data[flag] = v
    if args.executor is not None:
        data["executor"] = {"kind": args.executor}
    cfg = dedup_config(data, "curate dedup flags")
    out = run_dedup(Workspace.at(args.workspace, create=False), cfg, run=args.run)
    _print_summary(out)
    return 0


def _spec_dedup(spec: dict[str, Any], path: Path) -> int:
    spec = dict(spec)
    spec.pop("kind", None)
    ws = spec.pop("workspace", None)
    run = spec.pop("run", None)
    if not isinstance(ws, str):
        raise ConfigError(f"{path}: missing top-level key 'workspace' (a path)")
    unknown = [k for k in spec if k != "dedup"]
    if unknown:
        raise ConfigError(
            f"{path}: unknown top-level key {unknown[0]!r}; valid: kind, workspace, run, [dedup]"
        )
    _print_summary(run_dedup_spec(ws, spec.get("dedup"), f"{path} [dedup]", run=run))
    return 0


SPEC_KINDS = {"dedup": _spec_dedup}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "dedup",
        help="exact and near-duplicate clusters (MinHash LSH) for the last audit run",
        description=(
            "Cluster exact duplicates (same normalized text) and near duplicates (MinHash LSH "
            "over the audit's signatures, verified by estimated Jaccard and, near the threshold, "
            "by exact Jaccard from the shards' texts) of an audit run; writes "
            "dup_clusters, dup_summary and the flagged_clusters / flagged_copies views."
        ),
    )
    p.add_argument("workspace", help="workspace folder (holds curate.duckdb)")
    p.add_argument("--run", help="audit run id (default: the last finished audit run)")
    p.add_argument("--threshold", type=float, help="Jaccard threshold (default 0.8)")
    p.add_argument("--bands", type=int, help="LSH bands (default 32)")
    p.add_argument("--rows", type=int, help="LSH rows per band (default 4)")
    p.add_argument("--max-bucket", type=int, help="cap on pairs per bucket member (default 64)")
    p.add_argument(
        "--verify",
        choices=["text", "signature"],
        help="decide pairs near the threshold on exact Jaccard from the shards' texts (default), "
        "or on the signature estimate only",
    )
    p.add_argument(
        "--num-perm",
        type=int,
        help="signature length; if it differs from the audit's, signatures are recomputed from "
        "the shards (default: use the audit's)",
    )
    p.add_argument(
        "--ngram",
        type=int,
        help="shingle size in words; if it differs from the audit's, signatures are recomputed "
        "from the shards (default: use the audit's, 5)",
    )
    p.add_argument(
        "--mode", choices=["memory", "sharded"], help="index in memory or bucket-sharded on disk"
    )
    p.add_argument(
        "--tasks", type=int, help="tasks (= bucket partitions) for --mode sharded (default 4)"
    )
    p.add_argument(
        "--executor",
        choices=["local", "ray"],
        help="--mode sharded: run the stages as tasks on this executor (docs/scale.md); "
        "default: one after another in this process",
    )
    p.add_argument(
        "--flag-column",
        help=f"docs column that flags a document (default {DEFAULT_SCORE_COLUMN})",
    )
    p.add_argument("--flag-threshold", type=float, help="flagged when column >= this (default 0.5)")
    p.set_defaults(func=_cmd_dedup)


__all__ = ["DedupConfig", "SPEC_KINDS", "register", "run_dedup_spec"]
