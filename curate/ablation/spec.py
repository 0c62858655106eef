"""The ablation spec: its sections as frozen dataclasses, parsed and validated before any work.

`load_spec(path)` / `parse_spec(data, path)` build an `AblationSpec` (unknown keys name
themselves, see `curate.config.build`) and check the optional [world], [audit] and [build]
sections with those modules' own validators, so a mistake anywhere fails before anything is
written. Paths: `workspace`, `[build] policy` and `[world] config` are relative to the spec file;
`--workspace` (relative to the current directory) overrides `workspace` (`resolve_workspace`, which
the policy search uses too).

`[power]` (`PowerSpec`) pre-registers one paired comparison: validation refuses fewer `seeds`
than its power calculation needs (`check_power`; `curate.ablation.power` records it).

Two hashes of a spec key its files: `spec_key` (everything that changes a job's rows; a rerun
under the same name with another key is refused) and `pretrain_key` (everything that determines
the tokenizer and the pretrained models; `pretrained_from` reuses another ablation's models only
when its key is the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from curate.audit.run import check_names, resolve_config
from curate.building.policy import load_policy
from curate.config import build, config_hash, load_toml, to_dict
from curate.errors import ConfigError
from curate.evaluation.stats import PowerAnalysis, power_analysis
from curate.training.model import GPTConfig
from curate.training.pretrain import PretrainConfig
from curate.workspace import Workspace, safe_name
from curate.world.presets import resolve as resolve_world


@dataclass(frozen=True)
class WorldSpec:
    """Generate a persona world (`curate.world`) into `out` (relative to the workspace)."""

    preset: str = ""
    config: str = ""  # a world TOML (relative to the spec file); overrides the preset
    overrides: dict[str, Any] = field(default_factory=dict)
    out: str = "world"


@dataclass(frozen=True)
class BuildSpec:
    """Build the corpus variants of `policy` (relative to the spec file) from the last audit."""

    policy: str


@dataclass(frozen=True)
class VariantSpec:
    """A corpus to pretrain on: a built (corpus, variant) of the workspace, or shard paths."""

    name: str
    corpus: str = ""
    variant: str = ""
    paths: tuple[str, ...] = ()  # files / globs / dirs, relative to the workspace
    text_field: str = "text"

    def validate(self) -> None:
        if bool(self.paths) == bool(self.corpus):
            raise ConfigError(
                f"variant {self.name!r}: give exactly one of `corpus = ...` (a built corpus "
                "variant) or `paths = [...]` (shards)"
            )
        if safe_name(self.name) != self.name:
            raise ConfigError(f"variant name {self.name!r}: use letters, digits, '.', '_', '-'")


@dataclass(frozen=True)
class TokenizerSpec:
    vocab_size: int = 2048
    min_frequency: int = 2
    max_docs: int = 200_000


@dataclass(frozen=True)
class FinetuneSpec:
    """Narrow fine-tunes: every domain × kind × lr, misaligned and aligned, checkpoints by step."""

    data: str = ""  # a world folder (default: [world].out) with finetune/<domain>/*.jsonl
    domains: tuple[str, ...] = ()  # default: every domain of the world
    kinds: tuple[Literal["full", "lora"], ...] = ("full",)
    lrs: tuple[float, ...] = (3e-4,)
    checkpoints: tuple[int, ...] = (10,)
    n_examples: int = 0  # 0 = all
    batch_size: int = 16
    warmup_steps: int = 0
    grad_clip: float = 1.0
    lora_r: int = 8
    lora_alpha: float = 16.0

    def validate(self) -> None:
        if not self.lrs or not self.checkpoints or not self.kinds:
            raise ConfigError("finetune: lrs, checkpoints and kinds must not be empty")
        if min(self.checkpoints) < 1:
            raise ConfigError("finetune.checkpoints: steps must be >= 1")


@dataclass(frozen=True)
class EvalSpec:
    data: str = ""  # a world folder (default: [world].out) with eval/<domain>.jsonl
    max_items: int = 0  # per domain; 0 = all
    heldout_windows: int = 128
    incontext: bool = True
    pair_rates: bool = True  # graded rates per phrasing pair (`pair_rate:`, `em_pair_rate:`)


@dataclass(frozen=True)
class RealignSpec:
    """After the misaligned fine-tune, k aligned examples from another domain; k from 0 up."""

    ks: tuple[int, ...] = ()  # empty = no realignment curve
    steps: int = 10
    lr: float = 3e-4
    batch_size: int = 16
    kind: Literal["full", "lora"] = "full"
    domains: tuple[str, ...] = ()  # fine-tune domains to realign (default: the first)
    from_step: int = 0  # the misaligned checkpoint realigned (default: the last)


@dataclass(frozen=True)
class StatsSpec:
    """Intervals are 95% throughout (bootstrap over items in the harness, t over seeds here)."""

    reference: str = ""  # default: the first variant
    headline_step: int = 0  # the fine-tune checkpoint the report leads with (0 = the last)


@dataclass(frozen=True)
class PowerSpec:
    """Pre-registered power (`[power]`): the paired-by-seed comparison a − b of the headline EM
    gap, the per-seed differences (`diffs`, copied from an earlier run) or their `mean` and `sd`
    the design assumes, and the two-sided `alpha` and `power` wanted. The run refuses to start
    with fewer seeds than that needs (`curate.evaluation.stats.power_analysis`). Without `a`
    and `b` (the default) there is no pre-registration."""

    a: str = ""
    b: str = ""
    diffs: tuple[float, ...] = ()
    mean: float | None = None
    sd: float | None = None
    alpha: float = 0.05
    power: float = 0.8
    source: str = ""  # where the assumed differences come from (shown in the report)

    @property
    def active(self) -> bool:
        return bool(self.a or self.b or self.diffs or self.mean is not None or self.sd is not None)

    def validate(self) -> None:
        if not self.active:
            return
        if not self.a or not self.b:
            raise ConfigError("power: `a` and `b` (the variants compared, a − b) are required")
        if self.a == self.b:
            raise ConfigError(f"power: a and b must be two different variants, got {self.a!r}")
        if bool(self.diffs) == (self.mean is not None or self.sd is not None):
            raise ConfigError(
                "power: give either `diffs` (per-seed paired differences of an earlier run) or "
                "`mean` and `sd`"
            )
        if not self.diffs and (self.mean is None or self.sd is None or self.sd < 0):
            raise ConfigError("power: `mean` and `sd` (>= 0) are both needed without `diffs`")
        if self.diffs and len(self.diffs) < 2:
            raise ConfigError("power.diffs: at least 2 per-seed differences (an sd is needed)")
        if not 0 < self.alpha < 0.5 or not 0 < self.power < 1:
            raise ConfigError("power: alpha must be in (0, 0.5) and power in (0, 1)")

    def analysis(self, n: int | None = None) -> PowerAnalysis:
        """The power calculation, with the power at `n` seeds when given."""
        if self.diffs:
            return power_analysis(self.diffs, alpha=self.alpha, power=self.power, n=n)
        return power_analysis(mean=self.mean, sd=self.sd, alpha=self.alpha, power=self.power, n=n)


def check_power(p: PowerSpec, seeds: tuple[int, ...], names: list[str]) -> None:
    """The pre-registration: both variants exist and `seeds` are at least the required n."""
    for v in (p.a, p.b):
        if v not in names:
            raise ConfigError(f"power: {v!r} is not a variant; valid: {', '.join(names)}")
    pa = p.analysis(len(seeds))
    src = f"; from {p.source}" if p.source else ""
    if pa.n_required is None:
        raise ConfigError(
            f"power: an assumed difference of mean {pa.mean:+.4f}{src} is not detectable with "
            f"{p.power:.0%} power at any seed count up to 100000; check `diffs`"
        )
    if len(seeds) < pa.n_required:
        at = f" (power {pa.power_at_n:.2f})" if pa.power_at_n is not None else ""
        raise ConfigError(
            f"power: detecting {p.a} − {p.b} = {pa.mean:+.4f} (sd {pa.sd:.4f}, d = "
            f"{pa.effect_size:.2f}{src}) with {p.power:.0%} power at two-sided alpha "
            f"{p.alpha:g} (paired t test) needs {pa.n_required} seeds; `seeds` has "
            f"{len(seeds)}{at}. List at least {pa.n_required} seeds, "
            f"e.g. seeds = {list(range(pa.n_required))}: the seed count is fixed before the run"
        )


@dataclass(frozen=True)
class AblationSpec:
    name: str
    variants: tuple[VariantSpec, ...]
    kind: Literal["ablation"] = "ablation"
    workspace: str = ""  # relative to the spec file; --workspace (relative to the cwd) overrides it
    seeds: tuple[int, ...] = (0, 1, 2)
    workers: int = 1
    device: str = "auto"
    precision: str = "auto"
    progress: bool = True
    pretrained_from: str = ""  # reuse another ablation's tokenizer and pretrained models
    world: WorldSpec | None = None
    audit: dict[str, Any] | None = None
    build: BuildSpec | None = None
    tokenizer: TokenizerSpec = field(default_factory=TokenizerSpec)
    model: GPTConfig = field(default_factory=GPTConfig)
    pretrain: PretrainConfig = field(default_factory=PretrainConfig)
    finetune: FinetuneSpec = field(default_factory=FinetuneSpec)
    eval: EvalSpec = field(default_factory=EvalSpec)
    realign: RealignSpec = field(default_factory=RealignSpec)
    stats: StatsSpec = field(default_factory=StatsSpec)
    power: PowerSpec = field(default_factory=PowerSpec)

    def validate(self) -> None:
        if safe_name(self.name) != self.name:
            raise ConfigError(f"name {self.name!r}: use letters, digits, '.', '_', '-'")
        if not self.variants:
            raise ConfigError("at least one [[variants]] table is needed")
        names = [v.name for v in self.variants]
        if len(set(names)) != len(names):
            raise ConfigError(f"variants: duplicate names in {names}")
        if self.stats.reference and self.stats.reference not in names:
            raise ConfigError(
                f"stats.reference {self.stats.reference!r} is not a variant; valid: {', '.join(names)}"
            )
        if not self.seeds or len(set(self.seeds)) != len(self.seeds):
            raise ConfigError(f"seeds must be a non-empty list of distinct integers: {self.seeds}")
        if self.workers < 1:
            raise ConfigError(f"workers must be >= 1, got {self.workers}")
        if self.model.vocab_size not in (0, self.tokenizer.vocab_size):
            raise ConfigError("model.vocab_size: leave it out (it comes from [tokenizer])")
        rs = self.realign
        if rs.ks:
            if rs.kind not in self.finetune.kinds:
                raise ConfigError(f"realign.kind {rs.kind!r} must be one of finetune.kinds")
            if rs.from_step and rs.from_step not in self.finetune.checkpoints:
                raise ConfigError(
                    f"realign.from_step {rs.from_step} must be one of finetune.checkpoints "
                    f"{list(self.finetune.checkpoints)}"
                )
            if min(rs.ks) < 0 or rs.steps < 1:
                raise ConfigError("realign: ks must be >= 0 and steps >= 1")
        hs = self.stats.headline_step
        if hs and hs not in self.finetune.checkpoints:
            raise ConfigError(f"stats.headline_step {hs} must be one of finetune.checkpoints")
        if self.power.active:
            check_power(self.power, self.seeds, names)

    @property
    def reference(self) -> str:
        return self.stats.reference or self.variants[0].name

    @property
    def realign_step(self) -> int:
        """The misaligned checkpoint the realignment curve starts from (default: the last)."""
        return self.realign.from_step or max(self.finetune.checkpoints)


def rel(p: str, base: Path) -> Path:
    """`p` (with ~ expanded) when absolute, else relative to `base`."""
    q = Path(p).expanduser()
    return q if q.is_absolute() else base / q


def resolve_workspace(
    data: dict[str, Any], path: Path, workspace: str | None
) -> tuple[dict[str, Any], Path]:
    """A copy of spec `data` with an absolute `workspace` (`--workspace` relative to the current
    directory when given, else the spec's own relative to the spec file), and the spec's folder."""
    data = dict(data)
    spec_dir = path.resolve().parent
    if workspace:
        data["workspace"] = str(Path(workspace).expanduser().resolve())
    elif isinstance(data.get("workspace"), str) and data["workspace"]:
        data["workspace"] = str(rel(data["workspace"], spec_dir).resolve())
    return data, spec_dir


def require_workspace(workspace: str, path: Path) -> None:
    if not workspace:
        raise ConfigError(f"{path}: no workspace: set `workspace = ...` or pass --workspace")


def load_spec(path: str | Path, workspace: str | None = None) -> tuple[AblationSpec, Path]:
    """Read and validate a spec; returns it (workspace overridden when given) and its folder."""
    p = Path(path)
    data = load_toml(p)
    return parse_spec(data, p, workspace)


def parse_spec(
    data: dict[str, Any], path: Path, workspace: str | None = None
) -> tuple[AblationSpec, Path]:
    data, spec_dir = resolve_workspace(data, path, workspace)
    spec = build(AblationSpec, data, str(path))
    require_workspace(spec.workspace, path)
    _check_steps(spec, spec_dir, str(path))
    return spec, spec_dir


def world_config(w: WorldSpec, spec_dir: Path, where: str) -> tuple[Any, str | None]:
    """The WorldConfig of a [world] section: preset, then its config file, then overrides."""
    overrides: dict[str, Any] = {}
    if w.config:
        overrides.update(load_toml(rel(w.config, spec_dir)))
    overrides.update(w.overrides)
    preset = overrides.pop("preset", None) or w.preset or None
    return resolve_world(preset, overrides, where), preset


def audit_data(audit: dict[str, Any], workspace: str, paths: list[str]) -> dict[str, Any]:
    """An [audit] section as `curate.audit.run` spec data: `workspace` unless the section sets
    one, `inputs.paths` = `paths` unless it sets them."""
    data = {"workspace": workspace, **audit}
    data["inputs"] = {"paths": paths, **dict(audit.get("inputs", {}))}
    return data


def _check_steps(spec: AblationSpec, spec_dir: Path, where: str) -> None:
    """Validate the [world], [audit] and [build] sections before any work starts."""
    if spec.world is not None:
        world_config(spec.world, spec_dir, f"{where} [world]")
        Workspace(Path(spec.workspace)).output_path(spec.world.out, f"{where} [world] out")
    if spec.audit is not None:
        data = audit_data(spec.audit, spec.workspace, ["(from the world)"])
        check_names(resolve_config(data, spec_dir, f"{where} [audit]"), f"{where} [audit]")
    if spec.build is not None:
        load_policy(rel(spec.build.policy, spec_dir))


_PRETRAIN_SECTIONS = (
    "variants",
    "world",
    "audit",
    "build",
    "tokenizer",
    "model",
    "pretrain",
    "device",
    "precision",
)


def pretrain_key(spec: AblationSpec) -> str:
    """Hash of everything that determines the tokenizer and the pretrained models."""
    d = to_dict(spec)
    return config_hash({k: d[k] for k in _PRETRAIN_SECTIONS})


def spec_key(spec: AblationSpec) -> str:
    """Hash of everything that changes a job's rows (what a rerun under the same name must keep)."""
    d = to_dict(spec)
    # none of these changes a job's rows (jobs are keyed by variant and seed, so adding seeds
    # extends an ablation; adding a variant changes the shared tokenizer and is refused)
    for k in ("workspace", "workers", "progress", "stats", "seeds", "power"):
        d.pop(k, None)
    if not d.get("pretrained_from"):  # keys of ablations made before the option stay valid
        d.pop("pretrained_from", None)
    if not d["eval"].get("pair_rates"):  # likewise: older ablations wrote no pair rows
        d["eval"].pop("pair_rates", None)
    return config_hash(d)
