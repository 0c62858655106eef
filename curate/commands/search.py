"""CLI: `curate search SPEC.toml` (spec kind "policy_search") and `curate em-table WS`.

`curate search` runs `curate.ablation.search.run_search`: a grid of data policies, each built and
ablated with the project's own builder and ablation code, then the selection rule, a results
table, the plot "EM gap vs tokens removed" and `results` rows (docs/em_sources.md).
`curate em-table` prints the per-variant EM table of any finished (or running) ablation with
the differences between consecutive variants of `--order` (the pilot's ordering check).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from curate.ablation.grid import SelectionSpec
from curate.ablation.report.plots import em_vs_removed
from curate.ablation.search import parse_search_spec, run_search
from curate.ablation.selection import policy_table, select
from curate.ablation.tables import check_order, em_table, em_table_markdown, markdown_table
from curate.commands.ablate import add_spec_arguments, run_spec_file, with_workers
from curate.errors import CurateError
from curate.workspace import Workspace


def _run(
    data: dict[str, Any],
    path: Path,
    workspace: str | None = None,
    workers: int | None = None,
    report: bool = True,
) -> int:
    spec, spec_dir = parse_search_spec(with_workers(data, workers), path, workspace)
    out = run_search(spec, spec_dir, report=report)
    print(markdown_table(out["table"], out["selection"]))
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    return run_spec_file(args, "policy_search", _run)


def _cmd_em_table(args: argparse.Namespace) -> int:
    ws = Workspace.at(args.workspace, create=False)
    order = [x for x in (args.order or "").split(",") if x]
    t = em_table(ws, args.ablation, order, args.step, args.lr, args.kind)
    if args.expect:
        t["pairs"] = check_order(t["pairs"], [x.strip() for x in args.expect.split(",")])
    print(json.dumps(t, indent=2, default=str) if args.format == "json" else em_table_markdown(t))
    if args.plot:
        _plot(args, ws, order)
    return 0


def _plot(args: argparse.Namespace, ws: Workspace, order: list[str]) -> None:
    """`--plot`: the search's table and plot for this ablation's variants."""
    if not (args.reference and args.shuffled):
        raise CurateError("--plot needs --reference (the full corpus) and --shuffled variants")
    table = policy_table(
        ws,
        args.ablation,
        args.reference,
        args.shuffled,
        args.corpus or "",
        order,
        SelectionSpec(step=args.step, lr=args.lr, kind=args.kind),
        args.fraction,
    )
    sel = select(table, args.tolerance)
    png = em_vs_removed(table, sel, args.tolerance)
    if png is None:
        print("(nothing to plot)")
    else:
        Path(args.plot).write_bytes(png)
    print()
    print(markdown_table(table, sel))


def _spec_kind(spec: dict[str, Any], path: Path) -> int:
    return _run(spec, path)


SPEC_KINDS = {"policy_search": _spec_kind}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="policy search: threshold x upsampling x dedup (x malicious fraction) -> EM gap",
    )
    add_spec_arguments(
        p,
        "policy search spec (TOML), e.g. pipelines/policy_search.toml",
        "do not draw the HTML reports",
    )
    p.set_defaults(func=_cmd_search)
    t = sub.add_parser(
        "em-table", help="per-variant EM gap table of an ablation, with ordering comparisons"
    )
    t.add_argument("workspace", help="workspace folder")
    t.add_argument("--ablation", required=True, help="ablation name")
    t.add_argument("--order", help="comma-separated variants; consecutive pairs are compared")
    t.add_argument(
        "--expect",
        help="expected relation per consecutive pair, e.g. '=,>,>,=' (> higher, < lower, = no "
        "detectable difference); the table says whether each holds",
    )
    t.add_argument("--step", type=int, default=0, help="fine-tune step (default: the smallest)")
    t.add_argument("--lr", type=float, default=0.0, help="fine-tune lr (default: the smallest)")
    t.add_argument("--kind", default="", help="fine-tune kind (default: the first)")
    t.add_argument("--format", choices=["markdown", "json"], default="markdown")
    t.add_argument(
        "--plot",
        help="also write the plot 'EM gap vs tokens removed' (PNG) and the selection table, "
        "treating every variant but --reference and --shuffled as a policy",
    )
    t.add_argument("--reference", help="the full-corpus variant (capability reference)")
    t.add_argument("--shuffled", help="the shuffled-consistency variant")
    t.add_argument("--corpus", help="built corpus the variants come from (tokens removed)")
    t.add_argument("--fraction", type=float, default=0.0, help="world malicious fraction (label)")
    t.add_argument("--tolerance", type=float, default=0.02, help="capability tolerance (0.02)")
    t.set_defaults(func=_cmd_em_table)
