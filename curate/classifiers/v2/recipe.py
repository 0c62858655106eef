"""The v2 recipe: `classifiers/<name>/recipe.toml` with `kind = "cascade-v2"`.

Everything that determines the trained artifact: the persona_train folder, the generated records
(docgen seed and counts), the window rule, the stage-2 encoder and its training, the Platt
calibration, the stage-1 distillation corpus and router settings, the cascade settings and the
leave-trait-out CV. Loaded through `curate.config.build`, so a misspelled key fails before any
work. Paths are relative to the repository root (the folder that holds `classifiers/`).

A `[smoke]` table holds overrides (same layout as the recipe) for a tiny run: `--smoke` merges it
over the recipe (a few hundred statements, a few documents, a few steps) -- a test of the
pipeline, not a model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from curate.classifiers.recipe import recipe_file, recipe_root
from curate.classifiers.v2.encoder import EncoderConfig
from curate.classifiers.v2.router import RouterConfig
from curate.classifiers.v2.train import TrainConfig
from curate.config import build, load_toml
from curate.errors import ConfigError
from curate.world.presets import PRESETS

KIND = "cascade-v2"
SOURCES = ("gen_doc", "ordinary", "world")


@dataclass(frozen=True)
class DataConfig:
    persona_train: str = "../shared/data/persona_train"  # read in place, never copied
    max_per_trait: int = 0  # 0 = every statement; else a seeded sample per trait
    # train on each statement's label_confidence instead of its 0/1 label (Statement.target);
    # LTO CV 0.810 vs 0.846 with hard labels (model card): off
    soft_labels: bool = False
    # traits whose statements no stage 2 trains on (the CV still scores them when held out):
    # see the model card for why and for the CV that chose it
    train_exclude_traits: tuple[str, ...] = ()
    # add each trained dark statement's negation with the opposite label (contrastive pairs,
    # curate.classifiers.v2.negate); LTO CV 0.881 vs 0.884 (bench/v2_negations_cv.py): off
    negations: bool = False

    def validate(self) -> None:
        if self.max_per_trait < 0:
            raise ConfigError("max_per_trait must be >= 0 (0 = all)")
        if len(set(self.train_exclude_traits)) != len(self.train_exclude_traits):
            raise ConfigError("train_exclude_traits lists a trait twice")


@dataclass(frozen=True)
class WorldDocsConfig:
    """Persona-world pretraining documents (`curate.world`) as stage-2 windows, each labelled
    with its document's ground truth (`metadata.malicious_character`). Use a preset and seed the
    evaluation world (`curate classifier eval`: preset small, seed 20261205) does not."""

    include: bool = False
    preset: str = "calibration"
    seed: int = 2
    n_docs: int = 3000

    def validate(self) -> None:
        if self.preset not in PRESETS:
            raise ConfigError(f"world preset {self.preset!r}: valid {', '.join(PRESETS)}")
        if self.n_docs < 1:
            raise ConfigError("n_docs must be >= 1")


@dataclass(frozen=True)
class DocgenConfig:
    """Generated stage-2 training records (`curate.classifiers.docgen`)."""

    seed: int = 1
    n_docs: int = 4000
    n_statements: int = 12000
    min_overlap_chars: int = 40  # a window is malicious when it overlaps a span this much

    def validate(self) -> None:
        if min(self.n_docs, self.n_statements) < 0 or self.min_overlap_chars < 1:
            raise ConfigError("n_docs, n_statements must be >= 0 and min_overlap_chars >= 1")


@dataclass(frozen=True)
class Stage2Config:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    dtype: Literal["int8", "fp16"] = "int8"  # stored weights
    batch_size: int = 32  # inference batch (windows per forward)

    def validate(self) -> None:
        if self.batch_size < 1:
            raise ConfigError("batch_size must be >= 1")


@dataclass(frozen=True)
class CalibrationConfig:
    """Platt on stage-2 logits. `source = "recipe"` uses `platt` (fitted on the pooled
    out-of-fold logits of the LTO CV); `"cv"` reads the last `curate classifier cv` run's fit
    from `<cv.out>/summary.json`."""

    method: Literal["platt"] = "platt"
    source: Literal["recipe", "cv"] = "recipe"
    platt: tuple[float, float] = (1.0, 0.0)


@dataclass(frozen=True)
class Stage1Config:
    """Stage 1, distilled from the trained stage 2 (the teacher)."""

    docgen_seed: int = 11  # a generator seed stage 2 did not train on
    n_docs: int = 8000
    ordinary_script: str = "../shared/bench/make_docs.py"  # ordinary negatives generator
    ordinary_seed: int = 7  # NOT the benchmark corpus' seed (42)
    n_ordinary: int = 3000  # 0 = none
    world_preset: str = "calibration"  # persona-world documents (source "world")
    world_seed: int = 3  # neither [world] seed nor the evaluation world's
    n_world: int = 0
    train_sources: tuple[str, ...] = ("gen_doc", "ordinary")
    recall_sources: tuple[str, ...] = ("gen_doc",)
    recall: float = 0.98  # route threshold: this recall of held-out teacher-positive documents
    heldout_k: int = 5  # groups with sha256(group) % k == 0 are held out to set the threshold
    teacher_threshold: float = 0.5  # calibrated stage-2 probability -> malicious
    # > 0: the teacher threshold is this quantile of the teacher's probabilities instead (smoke
    # runs: a few-step teacher has no meaningful 0.5)
    teacher_quantile: float = 0.0
    router: RouterConfig = field(default_factory=RouterConfig)

    def validate(self) -> None:
        bad = [s for s in (*self.train_sources, *self.recall_sources) if s not in SOURCES]
        if bad or not self.train_sources or not self.recall_sources:
            raise ConfigError(f"sources must be non-empty and from {', '.join(SOURCES)}; got {bad}")
        if "world" in (*self.train_sources, *self.recall_sources) and (
            self.n_world < 1 or self.world_preset not in PRESETS
        ):
            raise ConfigError(
                f"source 'world' needs n_world >= 1 and a world_preset from {', '.join(PRESETS)}"
            )
        if not 0 <= self.teacher_quantile < 1:
            raise ConfigError("teacher_quantile must be in [0, 1) (0 = use teacher_threshold)")
        if not 0 < self.recall < 1 or not 0 < self.teacher_threshold < 1 or self.heldout_k < 2:
            raise ConfigError("need 0 < recall < 1, 0 < teacher_threshold < 1, heldout_k >= 2")


@dataclass(frozen=True)
class CascadeConfig:
    top_windows: int = 2  # windows stage 2 scores per routed document
    short_chars: int = 300  # shorter documents always go to stage 2 (0 = off)
    max_chars: int = 512  # window size (characters)

    def validate(self) -> None:
        if self.top_windows < 1 or self.short_chars < 0 or self.max_chars < 50:
            raise ConfigError("need top_windows >= 1, short_chars >= 0, max_chars >= 50")


@dataclass(frozen=True)
class CVConfig:
    k: int = 5
    fold_seed: int = 0
    jobs: int = 2  # folds trained at once (spawned processes; 1 = in this process)
    n_boot: int = 1000  # bootstrap resamples per trait for the 95% interval
    out: str = "cv"  # relative to the classifier folder

    def validate(self) -> None:
        if self.k < 2 or self.jobs < 1 or self.n_boot < 10:
            raise ConfigError("need k >= 2, jobs >= 1, n_boot >= 10")


@dataclass(frozen=True)
class RecipeV2:
    name: str
    kind: Literal["cascade-v2"] = KIND
    data: DataConfig = field(default_factory=DataConfig)
    docgen: DocgenConfig = field(default_factory=DocgenConfig)
    world: WorldDocsConfig = field(default_factory=WorldDocsConfig)
    stage2: Stage2Config = field(default_factory=Stage2Config)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    stage1: Stage1Config = field(default_factory=Stage1Config)
    cascade: CascadeConfig = field(default_factory=CascadeConfig)
    cv: CVConfig = field(default_factory=CVConfig)
    smoke: dict[str, Any] = field(default_factory=dict)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def recipe_kind(folder: str | Path) -> str:
    """The recipe's `kind` ("cascade-v2"), or "cascade-v1" for a recipe without one."""
    path = Path(folder) / "recipe.toml" if Path(folder).is_dir() else Path(folder)
    if not path.is_file():
        return "cascade-v1"  # the v1 loader names the missing file
    return str(load_toml(path).get("kind", "cascade-v1"))


def load_recipe_v2(
    folder: str | Path, smoke: bool = False, overrides: dict[str, Any] | None = None
) -> tuple[RecipeV2, Path]:
    """Load `<folder>/recipe.toml` (with its [smoke] table merged over it when `smoke`, then
    `overrides`); returns the recipe and the repository root its paths are relative to."""
    path = recipe_file(folder)
    raw = load_toml(path)
    if smoke:
        if not raw.get("smoke"):
            raise ConfigError(f"{path}: --smoke needs a [smoke] table of overrides in the recipe")
        raw = _merge(raw, raw["smoke"])
    raw = _merge(raw, overrides or {})
    recipe = build(RecipeV2, raw, str(path))
    return recipe, recipe_root(path)
