"""`curate build POLICY.toml --workspace WS [--run RUN]` and `curate diff WS A B`.

`build` writes every variant of a policy under ``WS/corpora/<corpus>/`` and loads the
`corpora` / `corpus_stats` tables (see `curate.building`); `diff` compares two built variants,
read-only. Spec kind ``build`` (for `curate run`): ``policy`` (path, relative to the spec file),
``workspace``, optionally ``run`` and an ``[executor]`` table (`curate.executors`; with several
tasks or Ray the write pass runs as executor tasks, writing the same bytes: docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from curate.building import BuildResult, build_corpora
from curate.building.diff import diff_variants, format_diff
from curate.config import build
from curate.executors import ExecutorConfig, executor_flags
from curate.store import connect_readonly
from curate.workspace import Workspace


def _print_result(res: BuildResult, dry_run: bool = False) -> None:
    dest = "(dry run: nothing written)" if dry_run else f"-> {res.corpus_dir}"
    print(f"corpus {res.corpus} from audit run {res.run_id} {dest}")
    for name, st in res.stats.items():
        state = "dry run" if dry_run else "built" if name in res.built else "up to date"
        removed = ", ".join(
            f"{r}: {v['docs']} docs / {v['tokens']} tokens"
            for r, v in st["removed_by_reason"].items()
        )
        print(
            f"  {name} ({state}): kept {st['n_kept']} of {st['n_docs']} docs, "
            f"{st['n_records']} records, {st['n_tokens']} of {st['n_tokens_source']} tokens"
            + (f"; removed {removed}" if removed else "")
        )
        if "control_target" in st:
            print(
                f"    random control: removed {st['control_removed']} {st['control_unit']}, "
                f"{st['control_target']!r} removes {st['control_target_removed']}"
            )


def _run_build(
    policy: str,
    workspace: str,
    run: str = "",
    quiet: bool = False,
    dry_run: bool = False,
    executor: dict[str, Any] | None = None,
    where: str = "curate build flags",
) -> int:
    ex = build(ExecutorConfig, executor or {}, f"{where} [executor]")
    ws = Workspace.at(workspace, create=False)
    res = build_corpora(
        ws,
        policy,
        run=run,
        progress=not quiet and sys.stderr.isatty(),
        dry_run=dry_run,
        executor=ex,
    )
    _print_result(res, dry_run)
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    ex = executor_flags(args.executor, args.tasks, args.workers)
    return _run_build(args.policy, args.workspace, args.run or "", args.quiet, args.dry_run, ex)


def _cmd_diff(args: argparse.Namespace) -> int:
    ws = Workspace.at(args.workspace, create=False)
    con = connect_readonly(ws)
    try:
        d = diff_variants(con, args.variant_a, args.variant_b, args.corpus, args.examples)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(asdict(d), indent=2, default=str))
    else:
        print(format_diff(d))
    return 0


@dataclass(frozen=True)
class BuildSpec:
    kind: str
    policy: str
    workspace: str
    run: str = ""
    executor: dict[str, Any] = field(default_factory=dict)  # curate.executors.ExecutorConfig


def _spec_build(spec: dict[str, Any], path: Path) -> int:
    s = build(BuildSpec, spec, str(path))
    policy = Path(s.policy)
    if not policy.is_absolute():
        policy = path.parent / policy
    return _run_build(str(policy), s.workspace, s.run, executor=s.executor, where=str(path))


SPEC_KINDS = {"build": _spec_build}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build corpus variants (filtered, controls) from a policy")
    p.add_argument("policy", help="policy TOML, e.g. pipelines/policy_example.toml")
    p.add_argument("--workspace", required=True, help="workspace holding the audit")
    p.add_argument("--run", help="audit run id (default: the policy's `run`, else the latest)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="compute and print every variant's counts; write nothing",
    )
    p.add_argument(
        "--executor",
        choices=["local", "ray"],
        help="run the write pass as tasks on this executor (docs/scale.md); default: one process",
    )
    p.add_argument("--tasks", type=int, help="write-pass tasks (contiguous shard ranges)")
    p.add_argument("--workers", type=int, help="tasks running at once (default all)")
    p.set_defaults(func=_cmd_build)

    d = sub.add_parser("diff", help="what differs between two built corpus variants")
    d.add_argument("workspace")
    d.add_argument("variant_a")
    d.add_argument("variant_b")
    d.add_argument("--corpus", help="corpus name (needed when several corpora have both)")
    d.add_argument("--examples", type=int, default=3, help="example documents per group")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.set_defaults(func=_cmd_diff)
