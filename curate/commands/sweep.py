"""CLI: `curate sweep SPEC.toml` (spec kind "sweep").

Runs `curate.ablation.sweep.run_sweep`: one ablation per grid point of the spec's `[sweep.axes]`,
all their jobs on one pool of `workers` processes, then the sweep's table (printed, and
`ablations/<name>/table.md`), plot and page. Same arguments as `curate ablate`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from curate.ablation.sweep import parse_sweep_spec, run_sweep
from curate.commands.ablate import add_spec_arguments, run_spec_file, with_workers


def _run(
    data: dict[str, Any],
    path: Path,
    workspace: str | None = None,
    workers: int | None = None,
    report: bool = True,
) -> int:
    sweep = parse_sweep_spec(with_workers(data, workers), path, workspace)
    out = run_sweep(sweep, report=report)
    print(out["markdown"])
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    return run_spec_file(args, "sweep", _run)


def _spec_kind(spec: dict[str, Any], path: Path) -> int:
    return _run(spec, path)


SPEC_KINDS = {"sweep": _spec_kind}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="one ablation per grid point of [sweep.axes], all jobs on one pool; table + plot",
    )
    add_spec_arguments(
        p, "sweep spec (TOML), e.g. pipelines/sweep_stance_voice.toml", "do not draw the reports"
    )
    p.set_defaults(func=_cmd_sweep)
