"""CLI: `curate ablate SPEC.toml`, `curate report WS --ablation NAME`, spec kind "ablation".

`curate ablate` and `curate run SPEC.toml` (kind = "ablation") run the same
`curate.ablation.run.run_ablation`; `--workspace` overrides the spec's `workspace` (the demo uses
it), `--workers` its worker count, `--no-report` skips drawing the report. The spec is fully
validated before any work. `curate report` redraws the figures and HTML of a finished ablation
from the store, without training anything.

`curate search` (curate/commands/search.py) takes the same spec-file arguments and overrides;
`add_spec_arguments`, `with_workers` and `run_spec_file` are the one copy both use.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from curate.ablation.report import write_report
from curate.ablation.run import run_ablation
from curate.ablation.spec import parse_spec
from curate.config import load_toml
from curate.workspace import Workspace

SpecRunner = Callable[[dict[str, Any], Path, str | None, int | None, bool], int]


def add_spec_arguments(p: argparse.ArgumentParser, spec_help: str, report_help: str) -> None:
    """The arguments of a command that runs one spec file: spec, --workspace, --workers,
    --no-report."""
    p.add_argument("spec", help=spec_help)
    p.add_argument("--workspace", help="workspace folder (overrides the spec's `workspace`)")
    p.add_argument("--workers", type=int, help="parallel training processes (overrides the spec)")
    p.add_argument("--no-report", action="store_true", help=report_help)


def with_workers(data: dict[str, Any], workers: int | None) -> dict[str, Any]:
    """A copy of the spec data with `--workers` applied (None: the spec's own)."""
    data = dict(data)
    if workers is not None:
        data["workers"] = workers
    return data


def run_spec_file(args: argparse.Namespace, kind: str, run: SpecRunner) -> int:
    """Load `args.spec` (TOML; its `kind` defaults to `kind`) and run it with the overrides."""
    path = Path(args.spec)
    data = load_toml(path)
    data.setdefault("kind", kind)
    return run(data, path, args.workspace, args.workers, not args.no_report)


def _run(
    spec_data: dict[str, Any],
    path: Path,
    workspace: str | None = None,
    workers: int | None = None,
    report: bool = True,
) -> int:
    spec, spec_dir = parse_spec(with_workers(spec_data, workers), path, workspace)
    run_ablation(spec, spec_dir, report=report)
    return 0


def _cmd_ablate(args: argparse.Namespace) -> int:
    return run_spec_file(args, "ablation", _run)


def _cmd_report(args: argparse.Namespace) -> int:
    print(write_report(Workspace.at(args.workspace, create=False), args.ablation))
    return 0


def _spec_kind(spec: dict[str, Any], path: Path) -> int:
    return _run(spec, path)


SPEC_KINDS = {"ablation": _spec_kind}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ablate",
        help="pretrain tiny GPTs per corpus variant x seed, fine-tune, measure EM, report",
    )
    add_spec_arguments(
        p, "ablation spec (TOML), e.g. pipelines/ablate_small.toml", "do not draw the HTML report"
    )
    p.set_defaults(func=_cmd_ablate)
    r = sub.add_parser("report", help="(re)draw the figures and HTML report of an ablation")
    r.add_argument("workspace", help="workspace folder")
    r.add_argument("--ablation", required=True, help="ablation name (the spec's `name`)")
    r.set_defaults(func=_cmd_report)
