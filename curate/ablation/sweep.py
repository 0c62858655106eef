"""Sweeps: one ablation spec, a grid of values for some of its keys, one pool for all the jobs.

`curate sweep SPEC.toml` (or `curate run SPEC.toml` with ``kind = "sweep"``). The spec is an
ordinary ablation spec (docs/ablation.md) with ``kind = "sweep"`` and a `[sweep]` section::

    [sweep]
    x = "world.overrides.stance_voice"    # the plot's x axis (default: the first axis)
    a = "full"                            # the contrast a − b (default: the first two variants)
    b = "shuffled"
    tags = { "world.overrides.stance_voice" = "sv", "model.d_model" = "d" }   # optional
    [sweep.axes]                          # dotted keys of the ablation spec -> values
    "world.overrides.stance_voice" = [0.0, 0.25, 0.5]
    "model.d_model" = [128, 256]

`expand` makes one ablation per grid point (the product of the axes, in the order given): the
base spec with the point's values set, named ``<sweep>-<tag><value>-...`` (e.g.
``stance-sv0.25-d256``). When a `world.*` key varies, each distinct world gets its own folder,
``<[world] out>-<world tags>`` (e.g. ``world-sv0.25``), shared by the points that differ only in
other keys; ``{world}`` in variant `paths` and in `finetune.data` / `eval.data` is replaced by the
point's world folder (so ``paths = ["{world}/variants/shuffled/pretrain"]`` follows the world).
A `[build]` step cannot be combined with a varying world (corpora are named by the policy, one
per workspace). Every point is validated before any work.

`run_sweep` runs the points as ordinary ablations with ALL their (variant, seed) jobs on one pool
of `workers` processes (`curate.ablation.run.run_ablations`): each point's rows land in `results`
under its own ablation name, with its own report. Then the sweep's table (per point: the EM gap
of a and of b at the headline cell with 95% t intervals over seeds, a − b paired by seed and
Welch, held-out loss, parameters, tokens/s and MFU), a PNG plot (EM gaps and a − b against `x`,
one line per combination of the other axes) and a small HTML page linking the points' reports,
in ``ablations/<sweep>/`` (`curate.ablation.report.sweep`).
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.ablation.data import say
from curate.ablation.report.sweep import (
    fmt_value,
    markdown_table,
    sweep_table,
    write_sweep_report,
)
from curate.ablation.results import ablation_dir
from curate.ablation.run import run_ablations
from curate.ablation.spec import AblationSpec, parse_spec, require_workspace, resolve_workspace
from curate.config import build, load_toml
from curate.errors import ConfigError
from curate.files import atomic_write_text, hold_lock
from curate.workspace import Workspace, safe_name

# top-level keys an axis may not set (they belong to the sweep, not to a point)
_FIXED = ("name", "kind", "workspace", "workers", "progress", "sweep")


@dataclass(frozen=True)
class SweepSection:
    axes: dict[str, list[Any]]
    x: str = ""
    a: str = ""
    b: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        if not self.axes:
            raise ConfigError("sweep.axes: at least one axis (a dotted key = [values])")
        for k, vals in self.axes.items():
            parts = k.split(".")
            if parts[0] in _FIXED or not all(parts):
                raise ConfigError(f"sweep.axes: {k!r} cannot vary (one value for the whole sweep)")
            if parts[0] == "variants":
                raise ConfigError(f"sweep.axes: {k!r}: variants cannot vary; list them once")
            if not vals or len({json.dumps(v) for v in vals}) != len(vals):
                raise ConfigError(f"sweep.axes.{k}: a non-empty list of distinct values")
        for k in (self.x, *self.tags):
            if k and k not in self.axes:
                raise ConfigError(f"sweep: {k!r} is not an axis; axes: {', '.join(self.axes)}")

    @property
    def x_axis(self) -> str:
        return self.x or next(iter(self.axes))

    def tag(self, key: str) -> str:
        return self.tags.get(key) or key.split(".")[-1]


@dataclass(frozen=True)
class Point:
    """One grid point: its axis values and its ablation."""

    values: dict[str, Any]
    spec: AblationSpec
    spec_dir: Path

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class SweepSpec:
    name: str
    workspace: str
    workers: int
    progress: bool
    section: SweepSection
    points: tuple[Point, ...]
    a: str
    b: str


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    """Set dotted `key` in nested tables `data` (tables created as needed)."""
    *parents, last = key.split(".")
    d = data
    for i, p in enumerate(parents):
        nxt = d.setdefault(p, {})
        if not isinstance(nxt, dict):
            raise ConfigError(f"sweep.axes: {key!r}: {'.'.join(parents[: i + 1])} is not a table")
        d = nxt
    d[last] = value


def _sub_world(v: Any, world: str) -> Any:
    return v.replace("{world}", world) if isinstance(v, str) else v


def point_dict(
    base: dict[str, Any], sec: SweepSection, name: str, values: dict[str, Any]
) -> dict[str, Any]:
    """The ablation spec data of one point (see the module docstring)."""
    d = copy.deepcopy(base)
    for k, v in values.items():
        _set(d, k, v)
    tags = "-".join(f"{sec.tag(k)}{fmt_value(v)}" for k, v in values.items())
    d["name"] = f"{name}-{tags}"
    d["kind"] = "ablation"
    world_tags = "-".join(
        f"{sec.tag(k)}{fmt_value(v)}" for k, v in values.items() if k.startswith("world.")
    )
    world = str((d.get("world") or {}).get("out", "world"))
    if world_tags:
        if "build" in d:
            raise ConfigError(
                "sweep: a [build] step cannot be combined with a varying world (corpora are "
                "named by the policy, one per workspace); use variant paths with {world}"
            )
        world = f"{world}-{world_tags}"
        d["world"] = {**d["world"], "out": world}
    d["variants"] = [
        {**v, "paths": [_sub_world(p, world) for p in v.get("paths", [])]} if "paths" in v else v
        for v in d.get("variants", [])
    ]
    for sec_name in ("finetune", "eval"):
        if isinstance(d.get(sec_name), dict) and "data" in d[sec_name]:
            d[sec_name] = {**d[sec_name], "data": _sub_world(d[sec_name]["data"], world)}
    return d


def load_sweep_spec(path: str | Path, workspace: str | None = None) -> SweepSpec:
    p = Path(path)
    return parse_sweep_spec(load_toml(p), p, workspace)


def parse_sweep_spec(data: dict[str, Any], path: Path, workspace: str | None = None) -> SweepSpec:
    """Expand and validate every point (each as an ablation spec) before any work."""
    data, _ = resolve_workspace(data, path, workspace)
    if data.get("kind", "sweep") != "sweep":
        raise ConfigError(f"{path}: kind must be 'sweep', got {data.get('kind')!r}")
    if "sweep" not in data:
        raise ConfigError(f"{path}: a sweep needs a [sweep] section with [sweep.axes]")
    sec = build(SweepSection, data["sweep"], f"{path} [sweep]")
    name = data.get("name")
    if not isinstance(name, str) or safe_name(name) != name or not name:
        raise ConfigError(f"{path}: name {name!r}: use letters, digits, '.', '_', '-'")
    require_workspace(str(data.get("workspace") or ""), path)
    base = {k: v for k, v in data.items() if k not in ("sweep", "kind")}
    points = []
    for combo in itertools.product(*sec.axes.values()):
        values = dict(zip(sec.axes, combo, strict=True))
        pd = point_dict(base, sec, name, values)
        if safe_name(pd["name"]) != pd["name"]:
            raise ConfigError(f"{path}: point name {pd['name']!r}: set [sweep] tags")
        spec, spec_dir = parse_spec(pd, path)
        points.append(Point(values, spec, spec_dir))
    first = points[0].spec
    names = [v.name for v in first.variants]
    a = sec.a or first.reference
    b = sec.b or next((n for n in names if n != a), a)
    for v in (a, b):
        if v not in names:
            raise ConfigError(f"{path} [sweep]: {v!r} is not a variant; valid: {', '.join(names)}")
    if a == b:
        raise ConfigError(f"{path} [sweep]: the contrast needs two variants (a = b = {a!r})")
    return SweepSpec(name, first.workspace, first.workers, first.progress, sec, tuple(points), a, b)


def run_sweep(sweep: SweepSpec, report: bool = True) -> dict[str, Any]:
    """Every point's ablation on one pool, then the sweep's table, plot and page."""
    t0 = time.perf_counter()
    ws = Workspace.at(sweep.workspace)
    root = ablation_dir(ws, sweep.name)
    root.mkdir(parents=True, exist_ok=True)
    busy = f"{root}: sweep {sweep.name!r} is busy ({{holder}}); wait for it to finish"
    with hold_lock(root / ".lock", f"pid {os.getpid()}: curate sweep {sweep.name}", busy):
        say(
            f"sweep {sweep.name}: {len(sweep.points)} point(s) x "
            f"{len(sweep.points[0].spec.variants)} variant(s) x seeds, {sweep.workers} worker(s)"
        )
        run_ablations(
            [(p.spec, p.spec_dir) for p in sweep.points], sweep.workers, report, sweep.progress
        )
        table = sweep_table(ws, sweep)
        md = markdown_table(table, sweep)
        atomic_write_text(root / "table.md", md + "\n")
        summary = {
            "sweep": sweep.name,
            "axes": sweep.section.axes,
            "x": sweep.section.x_axis,
            "contrast": [sweep.a, sweep.b],
            "points": [p.name for p in sweep.points],
            "table": table,
            "wall_s": time.perf_counter() - t0,
        }
        atomic_write_text(root / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
        if report:
            summary["report"] = str(write_sweep_report(ws, sweep, table))
    say(f"sweep {sweep.name} done in {summary['wall_s']:.0f} s; table: {root / 'table.md'}")
    summary["markdown"] = md
    return summary
