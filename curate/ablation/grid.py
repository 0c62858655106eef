"""The policy search's grid: data policies as points, their names and their policy tables.

A grid (`[grid]`, `GridSpec`) is threshold x benign-persona upsampling x near-duplicate handling
(x world malicious fraction). A threshold is a number (drop ``score_column >= t``), ``"oracle"``
(drop the ground-truth malicious characters) or ``"none"`` (no filter). Upsampling ``u`` writes
every kept benign persona document ``u`` times. Dedup is one of the builder's modes (``none``,
``keep_one``, ``drop_flagged_clusters``, ``drop_flagged_then_keep_one``). The combination
"none / 1 / none" is the full corpus and is not repeated (`expand_grid`).

Names: a point is ``mf<f>-<threshold>-up<u>-<dedup>`` (`GridPolicy.name`); the corpus built for a
fraction and the ablation that measures it are both ``<search>-mf<f>``; its controls are the
variants ``mf<f>-full`` and ``mf<f>-shuffled``. `SelectionSpec` says which fine-tune cell the
selection rule judges and how much capability it may cost (`curate.ablation.selection`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from curate.errors import ConfigError, unknown_name
from curate.registry import DEFAULT_SCORE_COLUMN

DEDUP_MODES = ("none", "keep_one", "drop_flagged_clusters", "drop_flagged_then_keep_one")
DEDUP_TAGS = {
    "none": "nodedup",
    "keep_one": "keep1",
    "drop_flagged_clusters": "dropclus",
    "drop_flagged_then_keep_one": "dropclus-keep1",
}
BENIGN_PERSONAS = "meta.kind = 'persona' and meta.alignment = 'benign'"


@dataclass(frozen=True)
class GridSpec:
    """The policies: thresholds x upsampling x dedup handling (x malicious fractions)."""

    score_column: str = DEFAULT_SCORE_COLUMN
    thresholds: tuple[float | str, ...] = (0.5,)  # numbers, "oracle" or "none"
    upsample: tuple[int, ...] = (1,)  # repeats of kept benign persona documents
    upsample_where: str = BENIGN_PERSONAS
    dedup: tuple[str, ...] = ("none",)
    malicious_fractions: tuple[float, ...] = ()  # empty: the world's own
    token_column: str = "n_words"

    def validate(self) -> None:
        if not self.thresholds or not self.upsample or not self.dedup:
            raise ConfigError("grid: thresholds, upsample and dedup must not be empty")
        for t in self.thresholds:
            if isinstance(t, str) and t not in ("oracle", "none"):
                raise ConfigError(f"grid.thresholds: {t!r} is not a number, 'oracle' or 'none'")
        for u in self.upsample:
            if u < 1:
                raise ConfigError(f"grid.upsample: repeats must be >= 1, got {u}")
        for d in self.dedup:
            if d not in DEDUP_MODES:
                raise unknown_name("dedup mode", d, DEDUP_MODES, "grid.dedup")
        for f in self.malicious_fractions:
            if not 0 <= f <= 1:
                raise ConfigError(f"grid.malicious_fractions: {f} is not in [0, 1]")
        for name, seq in (
            ("thresholds", self.thresholds),
            ("upsample", self.upsample),
            ("dedup", self.dedup),
            ("malicious_fractions", self.malicious_fractions),
        ):
            if len(set(map(str, seq))) != len(seq):
                raise ConfigError(f"grid.{name}: duplicate values in {list(seq)}")


@dataclass(frozen=True)
class SelectionSpec:
    capability_tolerance: float = 0.02  # held-out loss within 2% of the full corpus
    step: int = 0  # fine-tune checkpoint judged (0: the ablation's headline / last)
    lr: float = 0.0  # fine-tune lr judged (0: the first)
    kind: str = ""  # fine-tune kind judged ("": the first)

    def validate(self) -> None:
        if not 0 <= self.capability_tolerance < 1:
            raise ConfigError("selection.capability_tolerance must be in [0, 1)")


@dataclass(frozen=True)
class GridPolicy:
    """One point of the grid (for one malicious fraction)."""

    fraction: float
    threshold: float | str
    upsample: int
    dedup: str

    @property
    def name(self) -> str:
        t = self.threshold
        tag = "nofilter" if t == "none" else "oracle" if t == "oracle" else f"t{t:g}"
        return f"{frac_tag(self.fraction)}-{tag}-up{self.upsample}-{DEDUP_TAGS[self.dedup]}"

    def variant(self, grid: GridSpec) -> dict[str, Any]:
        """The policy variant (a `curate.building.policy` table) of this grid point."""
        v: dict[str, Any] = {"name": self.name}
        if self.threshold == "oracle":
            v["drop"] = [{"oracle": True}]
        elif self.threshold != "none":
            v["drop"] = [f"{grid.score_column} >= {self.threshold!r}"]
        if self.dedup != "none":
            v["dedup"] = self.dedup
        if self.upsample > 1:
            v["upsample"] = [{"where": grid.upsample_where, "repeats": self.upsample}]
        return v


def frac_tag(f: float) -> str:
    return f"mf{f:g}"


def short_name(variant: str) -> str:
    """A search variant's name without its fraction tag ('mf0.2-t0.5-up1-nodedup' -> 't0.5-...')."""
    head, _, rest = variant.partition("-")
    return rest if head.startswith("mf") and rest else variant


def expand_grid(grid: GridSpec, fracs: Sequence[float]) -> list[GridPolicy]:
    """Every grid point, fraction-major, in the spec's order; the full corpus is not repeated."""
    out = []
    for f in fracs:
        for t in grid.thresholds:
            for u in grid.upsample:
                for d in grid.dedup:
                    if t == "none" and u == 1 and d == "none":
                        continue  # that is the `full` control
                    out.append(GridPolicy(float(f), t, int(u), d))
    return out


def policy_dict(search: str, fraction: float, points: Sequence[GridPolicy], grid: GridSpec) -> dict:
    """The `curate.building.policy` table of one fraction's build: `<mf>-full` plus every grid point."""
    return {
        "corpus": corpus_name(search, fraction),
        "description": f"policy search {search!r}, malicious fraction {fraction:g}",
        "format": "jsonl.gz",
        "token_column": grid.token_column,
        "variants": [{"name": f"{frac_tag(fraction)}-full"}]
        + [p.variant(grid) for p in points if p.fraction == fraction],
    }


def corpus_name(search: str, fraction: float) -> str:
    return f"{search}-{frac_tag(fraction)}"


def ablation_name(search: str, fraction: float) -> str:
    return f"{search}-{frac_tag(fraction)}"


def fraction_variants(fraction: float, points: Sequence[GridPolicy]) -> list[str]:
    """The variant names of one fraction's ablation table: the controls, then its policies."""
    tag = frac_tag(fraction)
    return [f"{tag}-full", f"{tag}-shuffled"] + [p.name for p in points if p.fraction == fraction]
