"""The `curate` command line.

Subcommands live in `curate.commands.*` modules (see `curate.commands.MODULES`); each registers its
own parsers. A `CurateError` (a user mistake) prints one clear message and exits 2; anything else
is a bug and keeps its traceback. `curate run SPEC.toml` dispatches on the spec's `kind`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import curate
from curate.commands import MODULES
from curate.config import load_toml
from curate.errors import ConfigError, CurateError, unknown_name


def _modules() -> list[Any]:
    mods = []
    for name in MODULES:
        try:
            mods.append(importlib.import_module(name))
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
    return mods


def spec_kinds() -> dict[str, Callable[[dict[str, Any], Path], int]]:
    kinds: dict[str, Callable[[dict[str, Any], Path], int]] = {}
    for m in _modules():
        kinds.update(getattr(m, "SPEC_KINDS", {}))
    return kinds


def _cmd_run(args: argparse.Namespace) -> int:
    path = Path(args.spec)
    spec = load_toml(path)
    kind = spec.get("kind")
    kinds = spec_kinds()
    if kind is None:
        raise ConfigError(
            f"{path}: missing top-level key 'kind'; valid kinds: {', '.join(sorted(kinds))}"
        )
    if kind not in kinds:
        raise unknown_name("spec kind", str(kind), kinds, str(path))
    return kinds[kind](spec, path) or 0


def build_parser() -> argparse.ArgumentParser:
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
    for m in _modules():
        m.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CurateError as e:
        print(f"curate: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("curate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
