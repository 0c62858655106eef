"""Policy search (issue 10.5): which data policy brings EM down to the shuffled-consistency level?

`curate search SPEC.toml` (or `curate run SPEC.toml` with ``kind = "policy_search"``) sweeps a
grid of data policies (`curate.ablation.grid`) over a persona world and measures each with the
ablation's own code:

    for every world malicious fraction f (one world per fraction):
        world (curate.world)  ->  audit (curate.audit.run; MinHash when a policy deduplicates)
        -> near-duplicate clusters (curate.dedup, only when needed)
        -> one build of every grid policy (curate.building, a generated `Policy`)
        -> one ablation `<name>-mf<f>`: the controls `full` and `shuffled` (the world's
           shuffled-consistency variant) plus every policy, x seeds
    the jobs of every fraction's ablation on one pool (curate.ablation.run.run_ablations)
    -> per policy: EM gap (mean over seeds, t interval), held-out loss (capability), tokens
       removed (corpus_stats), the Welch difference from `shuffled` (curate.ablation.selection)
    -> the selection rule (`select`), a results table (curate.ablation.tables), the plot "EM gap
       vs tokens removed, one point per policy", an HTML page (curate.ablation.report.search),
       and `results` rows under ablation `<name>`.

This module holds the spec (`SearchSpec`: the grid, the selection, the world, audit and dedup
settings, and the ablation sections it passes through) and the driver (`run_search`). Nothing
here trains or evaluates by itself. Built variants whose part files are byte-identical to an
earlier one's (e.g. a dedup mode in a world without duplicates) are trained once and reported
under both names (`corpus_aliases`). State (audit and dedup run ids per fraction, aliases) lives
in ``ablations/<name>/state.json`` so a rerun reuses them, builds skip unchanged variants and
ablations skip finished jobs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate import store
from curate.ablation.data import ensure_world
from curate.ablation.grid import (
    GridPolicy,
    GridSpec,
    SelectionSpec,
    ablation_name,
    corpus_name,
    expand_grid,
    frac_tag,
    fraction_variants,
    policy_dict,
)
from curate.ablation.report.search import write_search_report
from curate.ablation.results import ablation_dir, write_rows
from curate.ablation.run import run_ablations
from curate.ablation.selection import collect, select
from curate.ablation.spec import (
    WorldSpec,
    audit_data,
    parse_spec,
    require_workspace,
    resolve_workspace,
)
from curate.ablation.spec import world_config as ablation_world_config
from curate.ablation.tables import describe, markdown_table, result_rows
from curate.audit.run import check_names, resolve_config, run_audit
from curate.building import build_corpora
from curate.building.policy import parse_policy
from curate.config import build, config_hash, load_toml, to_dict
from curate.dedup.clusters import dedup_config, run_dedup
from curate.errors import ConfigError
from curate.files import atomic_write_text
from curate.workspace import Workspace, safe_name

# the sections an ablation spec takes that the search passes through unchanged
ABLATION_KEYS = ("tokenizer", "model", "pretrain", "finetune", "eval", "realign")


# --------------------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class SearchWorldSpec:
    """The world of every fraction: a preset (+ a world TOML, + overrides)."""

    preset: str = ""
    config: str = ""  # relative to the spec file
    overrides: dict[str, Any] = field(default_factory=dict)
    # relative to the workspace, inside it; `{name}` is the search's name, `{f}` the fraction
    out: str = "worlds/{name}/mf{f}"


@dataclass(frozen=True)
class SearchSpec:
    name: str
    kind: str = "policy_search"
    workspace: str = ""
    seeds: tuple[int, ...] = (0, 1, 2)
    workers: int = 1
    device: str = "auto"
    precision: str = "auto"
    progress: bool = True
    world: SearchWorldSpec = field(default_factory=SearchWorldSpec)
    audit: dict[str, Any] = field(default_factory=dict)  # curate.audit.run spec keys
    dedup: dict[str, Any] = field(default_factory=dict)  # curate.dedup config keys
    grid: GridSpec = field(default_factory=GridSpec)
    selection: SelectionSpec = field(default_factory=SelectionSpec)
    tokenizer: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    pretrain: dict[str, Any] = field(default_factory=dict)
    finetune: dict[str, Any] = field(default_factory=dict)
    eval: dict[str, Any] = field(default_factory=dict)
    realign: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        if safe_name(self.name) != self.name:
            raise ConfigError(f"name {self.name!r}: use letters, digits, '.', '_', '-'")
        if self.kind != "policy_search":
            raise ConfigError(f"kind must be 'policy_search', got {self.kind!r}")
        if len(self.seeds) < 2:
            raise ConfigError("seeds: at least 2 (intervals over seeds; 3 is the floor)")


def load_search_spec(path: str | Path, workspace: str | None = None) -> tuple[SearchSpec, Path]:
    p = Path(path)
    return parse_search_spec(load_toml(p), p, workspace)


def parse_search_spec(
    data: dict[str, Any], path: Path, workspace: str | None = None
) -> tuple[SearchSpec, Path]:
    """Build and validate a search spec, including the ablation sections it passes on."""
    data, spec_dir = resolve_workspace(data, path, workspace)
    spec = build(SearchSpec, data, str(path))
    require_workspace(spec.workspace, path)
    # the world, audit, dedup and ablation sections are checked by their own modules, now
    fracs = fractions(spec, spec_dir)
    for f in fracs:
        Workspace(Path(spec.workspace)).output_path(world_out(spec, f), f"{path} [world] out")
    if needs_minhash(spec):
        dedup_config(spec.dedup, f"{path} [dedup]")
    probe = ablation_dict(spec, fracs[0], Path("/nonexistent-world"), [])
    parse_spec(probe, path)
    audit_config(spec, Path("/nonexistent-world"), f"{path} [audit]")
    return spec, spec_dir


def world_config(spec: SearchSpec, spec_dir: Path, fraction: float | None) -> Any:
    """The WorldConfig of one fraction (None: the world's own malicious fraction)."""
    ov = dict(spec.world.overrides)
    if fraction is not None:
        ov["malicious_fraction"] = fraction
    w = WorldSpec(preset=spec.world.preset, config=spec.world.config, overrides=ov)
    cfg, _ = ablation_world_config(w, spec_dir, f"{spec.name} [world]")
    return cfg


def fractions(spec: SearchSpec, spec_dir: Path) -> list[float]:
    if spec.grid.malicious_fractions:
        return list(spec.grid.malicious_fractions)
    return [float(world_config(spec, spec_dir, None).malicious_fraction)]


def ablation_dict(
    spec: SearchSpec,
    fraction: float,
    world_dir: Path,
    points: Sequence[GridPolicy],
    aliases: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ablation spec (a dict for `curate.ablation.spec.parse_spec`) of one fraction; policies
    in `aliases` (built corpus byte-identical to another variant's) are not trained again."""
    aliases = aliases or {}
    tag = frac_tag(fraction)
    corpus = corpus_name(spec.name, fraction)
    variants = [
        {"name": f"{tag}-full", "corpus": corpus},
        {
            "name": f"{tag}-shuffled",
            "paths": [str(world_dir / "variants" / "shuffled" / "pretrain")],
        },
    ] + [
        {"name": p.name, "corpus": corpus}
        for p in points
        if p.fraction == fraction and p.name not in aliases
    ]
    d: dict[str, Any] = {
        "kind": "ablation",
        "name": ablation_name(spec.name, fraction),
        "workspace": spec.workspace,
        "seeds": list(spec.seeds),
        "workers": spec.workers,
        "device": spec.device,
        "precision": spec.precision,
        "progress": spec.progress,
        "variants": variants,
        "stats": {"reference": f"{tag}-full"},
    }
    for k in ABLATION_KEYS:
        sec = dict(getattr(spec, k))
        if sec:
            d[k] = sec
    d.setdefault("finetune", {}).setdefault("data", str(world_dir))
    d.setdefault("eval", {}).setdefault("data", str(world_dir))
    if spec.selection.step:
        d.setdefault("stats", {})["headline_step"] = spec.selection.step
    return d


def needs_minhash(spec: SearchSpec) -> bool:
    return any(d != "none" for d in spec.grid.dedup)


def audit_config(spec: SearchSpec, world_dir: Path, where: str) -> Any:
    data = audit_data(
        {"progress": spec.progress, **spec.audit}, spec.workspace, [str(world_dir / "pretrain")]
    )
    steps = dict(data.get("steps", {}))
    if needs_minhash(spec) and "num_perm" not in spec.dedup:
        steps["minhash"] = {**dict(steps.get("minhash", {})), "enabled": True}
    data["steps"] = steps
    cfg = resolve_config(data, Path(spec.workspace), where)
    check_names(cfg, where)
    return cfg


# ---------------------------------------------------------------------------------- running


def _say(msg: str) -> None:
    print(f"[search] {msg}", flush=True)


def _load_state(root: Path) -> dict[str, Any]:
    p = root / "state.json"
    return json.loads(p.read_text()) if p.is_file() else {}


def _save_state(root: Path, state: dict[str, Any]) -> None:
    atomic_write_text(root / "state.json", json.dumps(state, indent=2, sort_keys=True) + "\n")


def _run_done(ws: Workspace, run_id: str | None) -> bool:
    if not run_id or not ws.db_path.is_file():
        return False
    con = store.connect_readonly(ws)
    try:
        r = con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchall()
    finally:
        con.close()
    return bool(r) and r[0][0] == "done"


def world_out(spec: SearchSpec, fraction: float) -> str:
    """The fraction's world folder, relative to the workspace."""
    return spec.world.out.replace("{name}", spec.name).replace("{f}", f"{fraction:g}")


def _world(spec: SearchSpec, spec_dir: Path, ws: Workspace, fraction: float, st: dict) -> Path:
    """The fraction's world folder, generated unless a current one is there (then `st`, the
    fraction's state, is cleared: its audit and dedup runs were of another world)."""
    world_dir = ws.output_path(world_out(spec, fraction), f"{spec.name} [world] out")
    wcfg = world_config(spec, spec_dir, fraction)
    tag = frac_tag(fraction)
    reused = f"{tag}: reusing world {world_dir}"
    if ensure_world(
        wcfg, world_dir, spec.progress, reused, f"{tag}: generating world into {world_dir}", _say
    ):
        st.clear()
    return world_dir


def prepare_fraction(
    spec: SearchSpec,
    spec_dir: Path,
    ws: Workspace,
    fraction: float,
    state: dict[str, Any],
    save: Callable[[], None] = lambda: None,
) -> Path:
    """World, audit and (when needed) dedup of one fraction; returns the world folder."""
    tag = frac_tag(fraction)
    st = state.setdefault(tag, {})
    world_dir = _world(spec, spec_dir, ws, fraction, st)
    acfg = audit_config(spec, world_dir, f"{spec.name} [audit]")
    akey = config_hash(to_dict(acfg))
    if st.get("audit_key") == akey and _run_done(ws, st.get("audit_run")):
        _say(f"{tag}: reusing audit {st['audit_run']}")
    else:
        res = run_audit(acfg, f"{spec.name} [audit]", log=_say)
        st.update(audit_run=res.run_id, audit_key=akey)
        st.pop("dedup_run", None)
        save()
    if needs_minhash(spec):
        dkey = config_hash({"dedup": spec.dedup, "audit": st["audit_run"]})
        if st.get("dedup_key") == dkey and _run_done(ws, st.get("dedup_run")):
            _say(f"{tag}: reusing dedup {st['dedup_run']}")
        else:
            out = run_dedup(
                ws,
                dedup_config(spec.dedup, f"{spec.name} [dedup]"),
                run=st["audit_run"],
                progress=spec.progress,
            )
            st.update(dedup_run=out["run_id"], dedup_key=dkey)
    return world_dir


def corpus_aliases(ws: Workspace, corpus: str, names: Sequence[str]) -> dict[str, str]:
    """{variant: earlier variant} for built variants whose part files are byte-identical to an
    earlier one's in `names` order (e.g. a dedup mode in a world without duplicates): the same
    corpus trains the same models, so it is trained once and reported under both names."""
    seen: dict[tuple, str] = {}
    out: dict[str, str] = {}
    for n in names:
        m = ws.safe_join("corpora", corpus, n, "manifest.json")
        if not m.is_file():
            continue
        parts = json.loads(m.read_text()).get("parts") or []
        key = tuple((p.get("records"), p.get("sha256")) for p in parts)
        if not key or any(k[1] is None for k in key):
            continue
        if key in seen:
            out[n] = seen[key]
        else:
            seen[key] = n
    return out


def _prepare_fraction(
    spec: SearchSpec,
    spec_dir: Path,
    ws: Workspace,
    f: float,
    points: Sequence[GridPolicy],
    state: dict[str, Any],
) -> tuple[Any, Path]:
    """One fraction: world, audit, dedup, the build of every policy; its ablation's spec."""
    root = ablation_dir(ws, spec.name)
    tag = frac_tag(f)
    world_dir = prepare_fraction(spec, spec_dir, ws, f, state, lambda: _save_state(root, state))
    _save_state(root, state)
    pol = parse_policy(policy_dict(spec.name, f, points, spec.grid), f"{spec.name} policy")
    build_corpora(ws, pol, run=state[tag]["audit_run"], progress=spec.progress, log=_say)
    names = [n for n in fraction_variants(f, points) if n != f"{tag}-shuffled"]
    aliases = corpus_aliases(ws, corpus_name(spec.name, f), names)
    state[tag]["aliases"] = aliases
    _save_state(root, state)
    for a, b in aliases.items():
        _say(f"{a}: the same corpus as {b} (byte-identical parts): trained once, as {b}")
    return parse_spec(ablation_dict(spec, f, world_dir, points, aliases), root / "spec.toml")


def run_search(spec: SearchSpec, spec_dir: Path, report: bool = True) -> dict[str, Any]:
    """The whole search; returns the selection and paths (see the module docstring)."""
    t0 = time.perf_counter()
    ws = Workspace.at(spec.workspace)
    root = ablation_dir(ws, spec.name)
    root.mkdir(parents=True, exist_ok=True)
    fracs = fractions(spec, spec_dir)
    points = expand_grid(spec.grid, fracs)
    _say(f"{len(points)} polic(ies) over {len(fracs)} world(s), {len(spec.seeds)} seed(s)")
    state = _load_state(root)
    walls: dict[str, float] = {}
    ablations = []
    for f in fracs:
        tf = time.perf_counter()
        ablations.append(_prepare_fraction(spec, spec_dir, ws, f, points, state))
        walls[frac_tag(f)] = time.perf_counter() - tf
    tj = time.perf_counter()
    run_ablations(ablations, spec.workers, report, spec.progress)
    jobs_wall = time.perf_counter() - tj
    aliases = {k: v.get("aliases", {}) for k, v in state.items()}
    table = collect(ws, spec.name, spec.selection, fracs, points, aliases)
    sel = select(table, spec.selection.capability_tolerance)
    _store_rows(ws, spec.name, result_rows(spec.name, table, sel), root)
    wall = time.perf_counter() - t0
    summary = {
        "search": spec.name,
        "wall_s": wall,
        "prepare_wall_s_per_fraction": walls,  # world, audit, dedup, build
        "jobs_wall_s": jobs_wall,  # every fraction's jobs on one pool, then aggregation
        "selection": sel,
        "table": table,
        "config": to_dict(spec),
    }
    atomic_write_text(root / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
    atomic_write_text(root / "table.md", markdown_table(table, sel) + "\n")
    if report:
        summary["report"] = str(write_search_report(ws, spec.name, table, sel))
    _say(f"done in {wall:.0f} s; {describe(sel)}")
    return summary


def _store_rows(ws: Workspace, name: str, rows: list[dict], root: Path) -> None:
    """The search's own rows as `results.parquet`, loaded into the store's `results` table."""
    path = root / "results.parquet"
    write_rows(rows, path)
    with ws.lock("curate search (load results)"), store.connect(ws) as con:
        store.load_parquet(con, "results", [path], {"ablation": name})
