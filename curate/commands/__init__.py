"""The command line's table of contents, and the dispatcher that runs one command.

Each module here serves a few subcommands: `register(subparsers)` adds their parsers (each with a
`func`), and `SPEC_KINDS` maps a pipeline spec's `kind` to the function that runs it (`curate run
SPEC.toml`). A command module imports its stage at the top, and some stages pull heavy stacks
(the ablation imports torch), so `run` imports only the module of the command it is asked for;
`curate --help` (or an unknown command) imports them all to list every command.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import curate
from curate.config import load_toml
from curate.errors import ConfigError, unknown_name

# subcommand -> the module that registers it
COMMANDS = {
    "audit": "curate.commands.audit",
    "query": "curate.commands.audit",
    "summary": "curate.commands.audit",
    "dedup": "curate.commands.dedup",
    "classifier": "curate.commands.classifier",
    "build": "curate.commands.build",
    "diff": "curate.commands.build",
    "world": "curate.commands.world",
    "ablate": "curate.commands.ablate",
    "report": "curate.commands.ablate",
    "power": "curate.commands.ablate",
    "search": "curate.commands.search",
    "em-table": "curate.commands.search",
    "sweep": "curate.commands.sweep",
    "demo": "curate.commands.demo",
}
# spec `kind` (curate run SPEC.toml) -> the module whose SPEC_KINDS runs it
SPEC_KINDS = {
    "audit": "curate.commands.audit",
    "dedup": "curate.commands.dedup",
    "build": "curate.commands.build",
    "world": "curate.commands.world",
    "ablation": "curate.commands.ablate",
    "policy_search": "curate.commands.search",
    "sweep": "curate.commands.sweep",
}

SpecRunner = Callable[[dict[str, Any], Path], int]


def _modules(names: Sequence[str]) -> list[ModuleType]:
    return [importlib.import_module(n) for n in dict.fromkeys(names)]


def spec_runner(kind: str) -> SpecRunner:
    return _modules([SPEC_KINDS[kind]])[0].SPEC_KINDS[kind]


def _cmd_run(args: argparse.Namespace) -> int:
    path = Path(args.spec)
    spec = load_toml(path)
    kind = spec.get("kind")
    if kind is None:
        raise ConfigError(
            f"{path}: missing top-level key 'kind'; valid kinds: {', '.join(sorted(SPEC_KINDS))}"
        )
    if kind not in SPEC_KINDS:
        raise unknown_name("spec kind", str(kind), SPEC_KINDS, str(path))
    return spec_runner(kind)(spec, path) or 0


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser with the `run` command and the commands of `modules` (default: all)."""
    p = argparse.ArgumentParser(
        prog="curate",
        description="Pretraining-data audit tool and emergent-misalignment ablation lab.",
    )
    p.add_argument("--version", action="version", version=f"curate {curate.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    r = sub.add_parser("run", help="run any job described by a pipeline spec (TOML)")
    r.add_argument("spec", help="path to a spec, e.g. pipelines/audit.toml")
    r.set_defaults(func=_cmd_run)
    for m in _modules(modules if modules is not None else list(COMMANDS.values())):
        m.register(sub)
    return p


def run(argv: Sequence[str]) -> int:
    """Parse `argv` (without the program name) and run the command; a user mistake raises
    `CurateError` (the caller prints it)."""
    argv = list(argv)
    first = argv[0] if argv else ""
    if argv == ["--version"]:
        print(f"curate {curate.__version__}")
        return 0
    if first == "run":
        parser = build_parser([])
    elif first in COMMANDS:
        parser = build_parser([COMMANDS[first]])
    else:  # --help, --version, a typo: the full parser lists (or suggests) every command
        parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
