"""CLI: `curate audit`, `curate query`, `curate summary`, and the spec kind "audit".

`curate audit PATH... --workspace WS` and `curate run SPEC.toml` (kind = "audit") build the same
`curate.audit.run.AuditConfig`: flags are turned into the spec's dict shape and validated by the same
code, so both fail the same way on a bad value and hash the same for resumption. `--spec-out`
writes the resolved config as a spec file that `curate run` accepts.

`curate query` opens the store read-only (`curate.store.connect_readonly`): a statement that
would write is refused by DuckDB and reported as "curate query is read-only"; any other SQL error
is reported with DuckDB's message. Output: an aligned text table (default), CSV or JSON.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curate import registry
from curate.audit.run import resolve_config, run_audit
from curate.audit.summary import summarize
from curate.commands.dedup import run_dedup_spec
from curate.config import to_dict
from curate.console import cell, format_table, jsonable
from curate.dedup.clusters import dedup_config
from curate.errors import CurateError
from curate.files import atomic_path, atomic_write_bytes, atomic_write_text
from curate.manifests import to_toml
from curate.query import DEFAULT_LIMIT, DEFAULT_TIMEOUT, query_arrow, run_query
from curate.workspace import Workspace


def _log(msg: str) -> None:
    print(f"curate: {msg}", file=sys.stderr)


# ---------------------------------------------------------------------------- audit


def default_classifiers() -> list[str]:

    names = registry.names()
    if registry.DEFAULT_CLASSIFIER in names:
        return [registry.DEFAULT_CLASSIFIER]
    _log(
        f"warning: classifier {registry.DEFAULT_CLASSIFIER!r} is not registered; running without a "
        f"classifier (registered: {', '.join(names) or 'none'}); pass --classifier NAME to choose"
    )
    return []


def _flags_to_spec(args: argparse.Namespace) -> dict[str, Any]:
    classifiers = args.classifier if args.classifier is not None else default_classifiers()
    if classifiers == ["none"]:
        classifiers = []
    spec: dict[str, Any] = {
        "kind": "audit",
        "workspace": args.workspace,
        "inputs": {
            "paths": list(args.paths),
            "text_field": args.text_field,
            "id_field": args.id_field,
        },
        "steps": {
            "classifiers": {"names": classifiers},
            "minhash": {"enabled": not args.no_minhash},
        },
        "executor": {"kind": args.executor, "tasks": args.tasks},
        "progress": not args.quiet,
    }
    if args.workers is not None:
        spec["executor"]["workers"] = args.workers
    if args.max_line_bytes is not None:
        spec["inputs"]["max_line_bytes"] = args.max_line_bytes
    return spec


def _run_config(cfg: Any, where: str, quiet: bool = False) -> int:

    log = None if quiet else _log
    res = run_audit(cfg, where, log=log)
    if res.counts:
        c = res.counts
        print(
            f"audit {res.run_id}{' (resumed)' if res.resumed else ''}: {res.shards} shard(s), "
            f"{c.get('docs', 0)} docs, {c.get('errors', 0)} bad records, "
            f"{res.seconds:.1f} s; manifest {res.manifest}"
        )
        print(f"next: curate summary {cfg.workspace}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:

    cfg = resolve_config(_flags_to_spec(args), Path.cwd(), "curate audit")
    if args.spec_out:
        atomic_write_text(args.spec_out, to_toml(to_dict(cfg)) + "\n")
        _log(f"wrote spec {args.spec_out} (run it with: curate run {args.spec_out})")
    return _run_config(cfg, "curate audit", quiet=args.quiet)


def run_spec(spec: dict[str, Any], path: Path) -> int:
    """An audit spec; its optional `[dedup]` table runs near-duplicate clustering afterwards
    (validated before the audit starts, so a misspelled dedup key fails before any work)."""

    spec = dict(spec)
    dedup_table = spec.pop("dedup", None)
    if dedup_table is not None:
        dedup_config(dedup_table, f"{path} [dedup]")
    cfg = resolve_config(spec, path.parent, str(path))
    rc = _run_config(cfg, str(path), quiet=not cfg.progress)
    if rc == 0 and dedup_table is not None:
        res = run_dedup_spec(str(cfg.workspace), dedup_table, f"{path} [dedup]")
        _log(f"dedup: {res}")
    return rc


SPEC_KINDS = {"audit": run_spec}


# ---------------------------------------------------------------------------- query


def cmd_query(args: argparse.Namespace) -> int:
    ws = Workspace.at(args.workspace, create=False)
    if args.format in ("parquet", "arrow"):
        return _query_binary(ws, args)
    res = run_query(ws, args.sql, limit=args.limit, timeout=args.timeout)
    cols, rows = res.columns, res.rows
    if args.format == "json":
        text = json.dumps(
            [dict(zip(cols, map(jsonable, r), strict=True)) for r in rows],
            ensure_ascii=False,
            indent=None if args.output else 1,
        )
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        w.writerows([cell(v) for v in r] for r in rows)
        text = buf.getvalue().rstrip("\n")
    else:
        shown = rows if args.max_rows <= 0 else rows[: args.max_rows]
        text = format_table(cols, shown)
        if len(shown) < len(rows):
            text += f"\n... {len(rows) - len(shown)} more rows (use --max-rows 0 or --format csv)"
        text += f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
    if res.truncated:
        _log(f"stopped at --limit {args.limit} rows; more exist (--limit 0 for all)")
    if args.output:
        atomic_write_text(args.output, text + "\n")
        _log(f"wrote {len(rows)} rows to {args.output}")
    else:
        print(text)
    return 0


def _query_binary(ws: Workspace, args: argparse.Namespace) -> int:
    """--format parquet (a file, -o) or arrow (an Arrow IPC stream, -o or stdout)."""
    table = query_arrow(ws, args.sql, limit=args.limit, timeout=args.timeout)
    if args.format == "parquet":
        if not args.output:
            raise CurateError("--format parquet writes a file: give it with --output FILE")
        with atomic_path(args.output) as tmp:
            pq.write_table(table, tmp)
    else:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
        data = sink.getvalue().to_pybytes()
        if args.output:
            atomic_write_bytes(args.output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    if args.output:
        _log(f"wrote {table.num_rows} rows to {args.output}")
    return 0


# ---------------------------------------------------------------------------- summary


def cmd_summary(args: argparse.Namespace) -> int:

    print(
        summarize(
            args.workspace,
            run_id=args.run,
            classifier=args.classifier,
            threshold=args.threshold,
            top=args.top,
            plot=args.plot,
        )
    )
    return 0


# ---------------------------------------------------------------------------- parsers


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser(
        "audit",
        help="annotate shards (never dropping text) into a workspace's audit store",
        description="Read shards, annotate every document (hash, lengths, lexicon, classifiers, "
        "MinHash), write one audit row per document and load them into WS/curate.duckdb. "
        "Re-running the same command resumes an interrupted run.",
    )
    a.add_argument("paths", nargs="+", metavar="PATH", help="shard files, directories, globs, URLs")
    a.add_argument("--workspace", "-w", required=True, metavar="WS")
    a.add_argument("--text-field", default="text")
    a.add_argument("--id-field", default="id")
    a.add_argument("--executor", choices=["local", "ray", "slurm"], default="local")
    a.add_argument("--tasks", type=int, default=1, help="number of tasks (shard i -> task i%%N)")
    a.add_argument("--workers", type=int, default=None, help="parallel local tasks (default all)")
    a.add_argument(
        "--classifier",
        action="append",
        metavar="NAME",
        help="registered classifier to score with (repeatable; 'none' for none; default: "
        f"{registry.DEFAULT_CLASSIFIER} when registered)",
    )
    a.add_argument("--no-minhash", action="store_true", help="skip the MinHash signature step")
    a.add_argument("--max-line-bytes", type=int, default=None)
    a.add_argument("--spec-out", metavar="FILE", help="also write the resolved config as a spec")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress bar or status lines")
    a.set_defaults(func=cmd_audit)

    q = sub.add_parser(
        "query",
        help="run read-only SQL on a workspace's store",
        description="Run SQL on WS/curate.duckdb opened read-only (tables: runs, docs, shards, "
        "errors, signatures, ...). Statements that write are refused.",
    )
    q.add_argument("workspace", metavar="WS")
    q.add_argument("sql", metavar="SQL")
    q.add_argument(
        "--format",
        choices=["table", "csv", "json", "parquet", "arrow"],
        default="table",
        help="parquet needs --output; arrow is an Arrow IPC stream (stdout or --output)",
    )
    q.add_argument("--output", "-o", metavar="FILE")
    q.add_argument("--max-rows", type=int, default=200, help="table format: rows shown (0 = all)")
    q.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help="fetch at most this many rows (default %(default)s; 0 = all)",
    )
    q.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="stop a query running longer than this many seconds (default %(default)s)",
    )
    q.set_defaults(func=cmd_query)

    s = sub.add_parser("summary", help="docs, flagged rates, score histograms of an audit run")
    s.add_argument("workspace", metavar="WS")
    s.add_argument("--run", metavar="RUN_ID", help="default: the latest finished audit")
    s.add_argument("--classifier", metavar="NAME", help="default: every score_ column")
    s.add_argument("--threshold", type=float, default=0.5)
    s.add_argument("--top", type=int, default=10, help="top flagged docs shown")
    s.add_argument("--plot", metavar="PNG", help="also save score histograms to a PNG")
    s.set_defaults(func=cmd_summary)
