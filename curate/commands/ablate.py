"""CLI: `curate ablate SPEC.toml`, `curate report WS --ablation NAME`, spec kind "ablation".

`curate ablate` and `curate run SPEC.toml` (kind = "ablation") run the same
`curate.ablation.run.run_ablation`; `--workspace` overrides the spec's `workspace` (the demo uses
it), `--workers` its worker count, `--no-report` skips drawing the report. The spec is fully
validated before any work. `curate report` redraws the figures and HTML of a finished ablation
from the store, without training anything.

`curate power` computes the seeds a paired-by-seed comparison needs: from a finished ablation in
the store (`--ablation NAME --a full --b oracle`: its per-seed headline EM gaps, paired by seed)
or from given per-seed differences (`--diffs 0.13,0.01,0.09`) or their `--mean` and `--sd`
(`curate.evaluation.stats.power_analysis`, exact noncentral-t power of the paired t test).

`curate search` and `curate sweep` take the same spec-file arguments and overrides;
`add_spec_arguments`, `with_workers` and `run_spec_file` are the one copy they use.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from curate.ablation.power import analysis_lines, markdown, power_report
from curate.ablation.report import write_report
from curate.ablation.run import run_ablation
from curate.ablation.spec import parse_spec
from curate.config import load_toml
from curate.errors import CurateError
from curate.evaluation.stats import power_analysis
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


def _cmd_power(args: argparse.Namespace) -> int:
    if args.diffs or args.mean is not None:
        if args.workspace or args.ablation:
            raise CurateError("give either WORKSPACE --ablation or --diffs / --mean and --sd")
        try:
            diffs = [float(x) for x in args.diffs.split(",")] if args.diffs else None
            pa = power_analysis(
                diffs, mean=args.mean, sd=args.sd, alpha=args.alpha, power=args.power, n=args.n
            )
        except ValueError as e:
            raise CurateError(f"curate power: {e}") from None
        out: dict[str, Any] = {"analysis": pa.as_dict()}
        text = "\n".join(analysis_lines(pa.as_dict(), "n"))
    else:
        if not (args.workspace and args.ablation and args.a and args.b):
            raise CurateError(
                "curate power: give WORKSPACE --ablation NAME --a VARIANT --b VARIANT (a finished "
                "ablation), or --diffs d1,d2,... (or --mean and --sd)"
            )
        ws = Workspace.at(args.workspace, create=False)
        out = power_report(
            ws, args.ablation, args.a, args.b, args.alpha, args.power, args.kind, args.lr, args.step
        )
        text = markdown(out)
    print(json.dumps(out, indent=2, default=str) if args.format == "json" else text)
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
    w = sub.add_parser(
        "power",
        help="seeds needed to detect a paired-by-seed EM gap difference (paired t test power)",
    )
    w.add_argument("workspace", nargs="?", help="workspace folder (with --ablation)")
    w.add_argument("--ablation", help="a finished ablation: its per-seed headline EM gaps")
    w.add_argument("--a", help="variant a of the difference a − b (e.g. full)")
    w.add_argument("--b", help="variant b (e.g. oracle)")
    w.add_argument("--diffs", help="instead: per-seed paired differences, comma-separated")
    w.add_argument("--mean", type=float, help="instead: the differences' mean (with --sd)")
    w.add_argument("--sd", type=float, help="the differences' standard deviation")
    w.add_argument("--alpha", type=float, default=0.05, help="two-sided level (0.05)")
    w.add_argument("--power", type=float, default=0.8, help="power wanted (0.8)")
    w.add_argument("--n", type=int, help="with --diffs / --mean: also the power at n seeds")
    w.add_argument("--step", type=int, default=0, help="fine-tune step (default: the headline)")
    w.add_argument("--lr", type=float, default=0.0, help="fine-tune lr (default: the first)")
    w.add_argument("--kind", default="", help="fine-tune kind (default: the first)")
    w.add_argument("--format", choices=["markdown", "json"], default="markdown")
    w.set_defaults(func=_cmd_power)
