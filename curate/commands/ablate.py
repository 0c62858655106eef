"""CLI: `curate ablate SPEC.toml`, `curate report WS --ablation NAME`, spec kind "ablation".

`curate ablate` and `curate run SPEC.toml` (kind = "ablation") run the same
`curate.ablation.run_ablation`; `--workspace` overrides the spec's `workspace` (the demo uses
it), `--workers` its worker count, `--no-report` skips drawing the report. The spec is fully
validated before any work. `curate report` redraws the figures and HTML of a finished ablation
from the store, without training anything.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _run(
    spec_data: dict[str, Any],
    path: Path,
    workspace: str | None = None,
    workers: int | None = None,
    report: bool = True,
) -> int:
    from curate.ablation import parse_spec, run_ablation

    data = dict(spec_data)
    if workers is not None:
        data["workers"] = workers
    spec, spec_dir = parse_spec(data, path, workspace)
    run_ablation(spec, spec_dir, report=report)
    return 0


def _cmd_ablate(args: argparse.Namespace) -> int:
    from curate.config import load_toml

    path = Path(args.spec)
    data = load_toml(path)
    data.setdefault("kind", "ablation")
    return _run(data, path, args.workspace, args.workers, not args.no_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from curate.reporting import write_report
    from curate.workspace import Workspace

    out = write_report(Workspace.at(args.workspace, create=False), args.ablation)
    print(out)
    return 0


def _spec_kind(spec: dict[str, Any], path: Path) -> int:
    return _run(spec, path)


SPEC_KINDS = {"ablation": _spec_kind}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ablate",
        help="pretrain tiny GPTs per corpus variant x seed, fine-tune, measure EM, report",
    )
    p.add_argument("spec", help="ablation spec (TOML), e.g. pipelines/ablate_small.toml")
    p.add_argument("--workspace", help="workspace folder (overrides the spec's `workspace`)")
    p.add_argument("--workers", type=int, help="parallel training processes (overrides the spec)")
    p.add_argument("--no-report", action="store_true", help="do not draw the HTML report")
    p.set_defaults(func=_cmd_ablate)
    r = sub.add_parser("report", help="(re)draw the figures and HTML report of an ablation")
    r.add_argument("workspace", help="workspace folder")
    r.add_argument("--ablation", required=True, help="ablation name (the spec's `name`)")
    r.set_defaults(func=_cmd_report)
