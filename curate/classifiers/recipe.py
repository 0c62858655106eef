"""The classifier recipe: one TOML file per classifier folder (`classifiers/<name>/recipe.toml`).

A recipe fixes everything that determines the trained artifact: where the seed data is written and
how it is generated (seed, examples per genre, split fractions), the windowing rule, the fastText
hyperparameters, the stage-2 embedding classifier, the calibration method and the cascade threshold,
and where the evaluation's external data lives. It is loaded through `curate.config.build`, so a
misspelled key fails before any work. Paths in a recipe are relative to the repository root (the
folder that holds `classifiers/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from curate.classifiers.seed_data import all_genres
from curate.config import build, load_toml
from curate.errors import ConfigError, unknown_name


@dataclass(frozen=True)
class LabelsConfig:
    positive: str = "malicious"
    negative: str = "benign"


@dataclass(frozen=True)
class WorldConfig:
    """Optional persona-world documents (curate.world) added to the training passages."""

    include: bool = False
    preset: str = "small"
    n_docs: int = 2000


@dataclass(frozen=True)
class DataConfig:
    out: str = "data/classifier/malicious_character_v1"
    default_n: int = 1500  # passages per genre unless listed in n_per_genre
    n_per_genre: dict[str, int] = field(default_factory=dict)
    test_frac: float = 0.2
    calib_frac: float = 0.15
    calib_singles: int = 1200
    calib_pages: int = 400
    test_singles: int = 1600
    test_pages: int = 600
    world: WorldConfig = field(default_factory=WorldConfig)

    def validate(self) -> None:
        if not 0 < self.test_frac + self.calib_frac < 0.8:
            raise ConfigError("test_frac + calib_frac must be in (0, 0.8)")
        for g in self.n_per_genre:
            if g not in all_genres():
                raise unknown_name("genre", g, all_genres(), "n_per_genre")


@dataclass(frozen=True)
class WindowConfig:
    max_chars: int = 600  # windows are paragraphs, split at sentence ends when longer
    min_chars: int = 80  # shorter paragraphs are merged into the next one

    def validate(self) -> None:
        if self.max_chars < 50 or self.min_chars < 0 or self.min_chars >= self.max_chars:
            raise ConfigError("need max_chars >= 50 and 0 <= min_chars < max_chars")


@dataclass(frozen=True)
class Stage1Config:
    lr: float = 0.5
    epoch: int = 10
    dim: int = 32
    word_ngrams: int = 2
    minn: int = 0
    maxn: int = 0
    bucket: int = 200_000
    min_count: int = 1
    quantize: bool = True
    cutoff: int = 100_000
    dsub: int = 2
    qnorm: bool = True


@dataclass(frozen=True)
class Stage2Config:
    embedder: str = "all-MiniLM-L6-v2"
    # "frozen": logistic regression over frozen MiniLM features; "lora": low-rank adapters on
    # MiniLM trained jointly with a linear head over [e, other features] (curate.classifiers.lora)
    encoder: Literal["frozen", "lora"] = "frozen"
    lora_rank: int = 8
    lora_lr: float = 1e-3
    lora_epochs: int = 2
    lora_batch_size: int = 32
    lora_max_tokens: int = 128
    train_threads: int = 2  # torch threads while training the adapter (fixed: same bytes)
    n_per_genre: int = 250  # training passages embedded per non-statement genre
    n_per_statement_genre: int = 1500  # ... per statement genre (stance needs volume)
    C: float = 10.0  # inverse L2 strength of the logistic regression (encoder = "frozen" only)
    features: tuple[str, ...] = ("emb", "neg_emb", "neg", "s1", "len", "s1_len")
    statement_weight: float = 1.0  # sample weight of statements in the fit ("frozen" only)
    oof_folds: int = 3  # folds for out-of-fold stage-1 logits (the "s1" feature)
    max_windows: int = 2  # stage 2 re-scores at most this many windows per document
    batch_size: int = 64
    # "lora" only: train this many (adapter, head) members, member k with seed + k on its own
    # per-genre sample; stage 2's logit is the mean of theirs (k MiniLM passes per window)
    members: int = 1
    # "lora" only: short-document specialists -- this many more (adapter, head) members, each
    # trained on every train statement (the statement genres) with the embedding as its only
    # feature (seeds continue after the members'). A document shorter than the recipe's
    # cascade_short_chars gets the mean of (the members' mean, the specialists' mean) as its
    # stage-2 logit, with a calibrator of its own; 0 = off
    short_members: int = 0

    def validate(self) -> None:
        valid = ("emb", "neg_emb", "neg", "s1", "len", "s1_len")
        bad = [f for f in self.features if f not in valid]
        if bad or "emb" not in self.features:
            raise ConfigError(
                f"features must include 'emb' and come from {', '.join(valid)}; got {bad}"
            )
        if self.oof_folds < 2:
            raise ConfigError("oof_folds must be >= 2")
        if self.encoder == "lora" and (self.features[0] != "emb" or "neg_emb" in self.features):
            raise ConfigError(
                "encoder = 'lora' trains its head on the embedding plus fixed per-text features: "
                "features must start with 'emb' and cannot hold 'neg_emb' "
                f"(got {list(self.features)})"
            )
        if min(self.lora_rank, self.lora_epochs, self.lora_batch_size, self.train_threads) < 1:
            raise ConfigError("lora_rank, lora_epochs, lora_batch_size, train_threads must be >= 1")
        if not 1 <= self.members <= 8 or (self.encoder == "frozen" and self.members != 1):
            raise ConfigError(
                f"members must be in 1..8, and 1 with encoder = 'frozen' (got {self.members})"
            )
        if not 0 <= self.short_members <= 8 or (self.short_members and self.encoder != "lora"):
            raise ConfigError(
                f"short_members must be in 0..8, and 0 unless encoder = 'lora' "
                f"(got {self.short_members})"
            )
        if not self.lora_lr > 0 or self.lora_max_tokens < 8:
            raise ConfigError("need lora_lr > 0 and lora_max_tokens >= 8")


@dataclass(frozen=True)
class EvalConfig:
    persona_dir: str = "../shared/data/persona_statements"
    real_text_dir: str = "../shared/data/real_text/dolma_fixtures"  # unlabeled web text
    real_text_max_docs: int = 500
    timing_docs: int = 300  # documents timed for cost per document


@dataclass(frozen=True)
class Recipe:
    name: str
    seed: int = 1234
    calibration: Literal["platt", "isotonic"] = "platt"
    cascade_threshold: float = 0.5
    # documents shorter than this (characters) always go to stage 2 in the cascade: fastText is
    # weakest on one-sentence texts, and stage 2 is cheapest on them (0 = off)
    cascade_short_chars: int = 0
    labels: LabelsConfig = field(default_factory=LabelsConfig)
    data: DataConfig = field(default_factory=DataConfig)
    window: WindowConfig = field(default_factory=WindowConfig)
    stage1: Stage1Config = field(default_factory=Stage1Config)
    stage2: Stage2Config = field(default_factory=Stage2Config)
    eval: EvalConfig = field(default_factory=EvalConfig)

    def validate(self) -> None:
        if not 0.0 <= self.cascade_threshold <= 1.0:
            raise ConfigError("cascade_threshold must be in [0, 1]")
        if self.cascade_short_chars < 0:
            raise ConfigError("cascade_short_chars must be >= 0 (0 turns the rule off)")
        if self.stage2.short_members and not self.cascade_short_chars:
            raise ConfigError(
                f"stage2.short_members = {self.stage2.short_members} needs cascade_short_chars "
                "> 0: the specialists score the documents shorter than it"
            )


def recipe_file(folder: str | Path) -> Path:
    """`<folder>/recipe.toml` (or `folder` itself when it is the file); a ConfigError when there
    is none."""
    folder = Path(folder)
    path = folder / "recipe.toml" if folder.is_dir() else folder
    if not path.is_file():
        raise ConfigError(
            f"{path}: no recipe.toml here; pass a classifier folder such as "
            "classifiers/malicious_character_v2"
        )
    return path


def recipe_root(path: Path) -> Path:
    """The tree a recipe sits in (`<root>/classifiers/<name>/recipe.toml`): its paths are
    relative to it. Not `curate.paths.checkout_root()`: a classifier folder copied into another
    tree (a test, a retraining elsewhere) writes and reads there."""
    return path.resolve().parent.parent.parent


def load_recipe(folder: str | Path) -> tuple[Recipe, Path]:
    """Load `<folder>/recipe.toml`; returns the recipe and the repo root its paths are relative to
    (`recipe_root`)."""
    path = recipe_file(folder)
    return build(Recipe, load_toml(path), str(path)), recipe_root(path)
