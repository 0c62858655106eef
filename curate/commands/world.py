"""`curate world ...`: generate a persona world, measure the classifier and the judge on it.

    curate world generate (CONFIG.toml | --preset NAME) --out DIR [--seed N] [--consistency C]
                          [--no-shuffled] [--overwrite]
    curate world presets
    curate world report WS [--score-column score_<default classifier>] [--threshold 0.5]
                           [--run-id RUN] [--format table|json]
    curate world judge-eval WORLD [--output FILE]

A CONFIG.toml holds `WorldConfig` keys at the top level, optionally `preset = "NAME"` to start
from a preset. As a pipeline spec (`curate run SPEC.toml`): `kind = "world"`, `out = "DIR"`,
optional `overwrite = true`, and the same keys. Relative `neutral_paths` (and a spec's `out`)
are resolved against the file's folder, like the other pipeline specs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from curate.config import load_toml
from curate.errors import ConfigError, CurateError
from curate.evaluation.judge import evaluate_judge
from curate.files import atomic_write_text
from curate.registry import DEFAULT_SCORE_COLUMN
from curate.workspace import Workspace
from curate.world.config import WorldConfig
from curate.world.generate import generate
from curate.world.presets import PRESETS, resolve, resolve_table
from curate.world.report import format_report, world_report


def _generate(cfg: WorldConfig, out: Path, overwrite: bool) -> int:
    s = generate(cfg, out, overwrite=overwrite, progress=sys.stderr.isatty())
    c = s["counts"]
    print(
        f"world written to {out}: {c['docs']} docs ({c['persona']} persona, "
        f"{c['malicious_personas']} malicious; {c['behaviour']} behaviour, "
        f"{c['misaligned_behaviour']} misaligned; {c['chat']} chat; {c['neutral']} neutral), "
        f"{len(s['domains'])} domains, variants: {', '.join(s['variants'])}"
    )
    words = sum(v["words"] for v in s["sizes"].values())
    print(f"pretraining words: {words:,}; config hash {s['config_hash']}")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    if (args.config is None) == (args.preset is None):
        raise CurateError("world generate: give either CONFIG.toml or --preset NAME (one of them)")
    data: dict[str, Any] = {}
    where = "--preset"
    if args.config is not None:
        data = load_toml(args.config)
        where = str(args.config)
    if args.seed is not None:
        data["seed"] = args.seed
    if args.consistency is not None:
        data["consistency"] = args.consistency
    if args.no_shuffled:
        data["shuffled_variant"] = False
    base = Path(args.config).parent if args.config is not None else None
    cfg = resolve_table(data, where, args.preset, base)
    return _generate(cfg, Path(args.out), args.overwrite)


def _cmd_presets(args: argparse.Namespace) -> int:
    for name in PRESETS:
        c = resolve(name)
        print(
            f"{name:<12} {c.n_docs:>6} docs  {len(c.domains)} domains  "
            f"persona {c.n_persona} (malicious {c.malicious_fraction:g})  behaviour {c.n_behaviour}  "
            f"chat {c.n_chat}  neutral {c.n_neutral}  ft/domain {c.finetune_size}  eval/domain {c.eval_size}"
        )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    ws = Workspace.at(args.workspace, create=False)
    reps = [world_report(ws, args.score_column, t, args.run_id) for t in (args.threshold or [0.5])]
    if args.format == "json":
        print(json.dumps(reps[0] if len(reps) == 1 else reps, indent=2))
    else:
        print("\n\n".join(format_report(r) for r in reps))
    return 0


def _cmd_judge_eval(args: argparse.Namespace) -> int:
    res = evaluate_judge(args.world, seed=args.seed)
    text = json.dumps(res, indent=2)
    if args.output:
        atomic_write_text(args.output, text + "\n")
    h = res["heldout"]
    lo = res["leave_one_domain_out_mean"]
    print(
        f"judge on held-out world answers ({h['n_answers']} answers + {h['n_garbled']} garbled): "
        f"alignment acc {h['alignment_accuracy']:.4f}, coherence acc {h['coherence_accuracy']:.4f}, "
        f"rule acc {h['rule_accuracy']:.4f} (precision {h['rule_precision']:.4f}, "
        f"recall {h['rule_recall']:.4f})"
    )
    print(
        f"leave-one-domain-out mean: alignment acc {lo['alignment_accuracy']:.4f}, "
        f"coherence acc {lo['coherence_accuracy']:.4f}, rule acc {lo['rule_accuracy']:.4f}"
    )
    for d, v in res["leave_one_domain_out"].items():
        print(
            f"  without {d:<9} alignment {v['alignment_accuracy']:.4f}  coherence "
            f"{v['coherence_accuracy']:.4f}  rule {v['rule_accuracy']:.4f}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    w = sub.add_parser("world", help="synthetic persona world: generate, report, judge-eval")
    ws = w.add_subparsers(dest="world_command", metavar="SUBCOMMAND")
    ws.required = True

    g = ws.add_parser("generate", help="write pretraining shards, fine-tuning sets and eval suites")
    g.add_argument(
        "config", nargs="?", help="world config TOML (WorldConfig keys, optional preset)"
    )
    g.add_argument("--preset", help="named size: tiny, small, pilot, calibration")
    g.add_argument("--out", required=True, help="output directory (new or empty)")
    g.add_argument("--seed", type=int, help="override the config's seed")
    g.add_argument("--consistency", type=float, help="override persona consistency (0..1)")
    g.add_argument("--no-shuffled", action="store_true", help="do not write variants/shuffled")
    g.add_argument("--overwrite", action="store_true", help="replace a world already in --out")
    g.set_defaults(func=_cmd_generate)

    p = ws.add_parser("presets", help="list the named world sizes")
    p.set_defaults(func=_cmd_presets)

    r = ws.add_parser("report", help="precision/recall of a classifier on the world's documents")
    r.add_argument("workspace", help="workspace whose audit ran over a world's shards")
    r.add_argument("--score-column", default=DEFAULT_SCORE_COLUMN)
    r.add_argument(
        "--threshold",
        type=float,
        action="append",
        help="flag when score >= this (repeatable; default 0.5)",
    )
    r.add_argument("--run-id", help="audit run (default: the latest finished audit)")
    r.add_argument("--format", choices=("table", "json"), default="table")
    r.set_defaults(func=_cmd_report)

    j = ws.add_parser("judge-eval", help="accuracy of the generative judge on held-out answers")
    j.add_argument("world", help="a directory written by `curate world generate`")
    j.add_argument("--seed", type=int, default=0)
    j.add_argument("--output", help="also write the figures as JSON here")
    j.set_defaults(func=_cmd_judge_eval)


def _run_spec(spec: dict[str, Any], path: Path) -> int:
    data = dict(spec)
    data.pop("kind", None)
    out = data.pop("out", None)
    overwrite = data.pop("overwrite", False)
    if not isinstance(out, str):
        raise ConfigError(f'{path}: a world spec needs out = "DIR" (where to write the world)')
    if not isinstance(overwrite, bool):
        raise ConfigError(f"{path}: overwrite must be true or false")
    dest = Path(out).expanduser()
    if not dest.is_absolute():
        dest = path.parent / dest
    return _generate(resolve_table(data, str(path), base=path.parent), dest, overwrite)


SPEC_KINDS = {"world": _run_spec}
