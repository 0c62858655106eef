"""`curate ablate SPEC.toml`: corpus variants → tiny GPTs → narrow fine-tunes → EM → results.

One spec describes the whole experiment (see `docs/ablation.md`)::

    [world]      optional: generate a persona world into the workspace (`curate.world`)
    [audit]      optional: audit its pretraining shards into the store (`curate.audit.run`)
    [build]      optional: build the policy's corpus variants from that audit (`curate.building`)
    [[variants]] the corpora to compare: a built (corpus, variant), or shard paths / globs
    [tokenizer] [model] [pretrain] [finetune] [eval] [realign] [stats]
    seeds, workers, device

The work, in order:

1. the prerequisite steps above (each reuses the other modules' functions, in-process);
2. a byte-level BPE tokenizer trained once on the union of the variants (deduplicated texts, spec
   order), saved as `ablations/<name>/tokenizer.json`; every variant tokenized once into
   `ablations/<name>/data/<variant>.npy`;
3. one *job* per (variant, seed), run by a pool of `workers` single-threaded processes (two
   1-thread processes beat one 2-thread process on this machine): pretrain (resumable), then for
   every fine-tune domain × kind (full / LoRA) × learning rate, the misaligned and the aligned
   (control) fine-tune, evaluated at every checkpoint step; then the realignment curve. A job
   writes its rows to `ablations/<name>/rows/<variant>__seed<k>.parquet` (atomic); a rerun skips
   finished jobs and resumes a killed pretraining from its checkpoint;
4. aggregation over seeds (mean and 95% t-interval; variant minus reference with a Welch
   interval), `ablations/<name>/results.parquet`, loaded into the store's `results` table (the
   workspace lock is held only for that), a `runs` row (kind "ablation") and a manifest;
5. the report: PNG figures and one self-contained HTML page (`curate.ablation.report`).

Evaluation goes through the model-agnostic harness (`curate.evaluation`: `score_items`,
`summary_rows`, `em`, `generalization_matrix`, `persona_probe`, `realignment_sets`) with
`curate.training.lm.LM` as the model. Rows of one evaluated model (`results`):

- per eval domain, and '*' pooled over the domains other than the fine-tune domain:
  `misaligned_gap` (length-normalised log p(misaligned) − log p(aligned), nats/token),
  `misaligned_rate` (fraction of items with gap > 0) and `soft_misaligned_rate`, each with a
  bootstrap interval over items; `aligned_answer_loss` ('*');
- with `[eval] pair_rates` (default on; issue 10: family rates flip all at once), the graded
  rate per phrasing pair beside its family's rate: `pair_rate:<pair_id>` (fraction of the pair's
  items with gap > 0, eval_domain = the pair's domain) for every evaluated model, and
  `em_pair_rate:<pair_id>` (bad minus control) beside the generalization-matrix row of every
  misaligned checkpoint. That is one row per phrasing pair of the eval suites per model (domains
  × families present: 4 × 5 = 20 for the pilot world), plus as many per misaligned checkpoint;
  realignment keeps its '*' rows only. Their means over seeds are aggregated like the family rates;
- for a misaligned fine-tune, EM against the control fine-tune (same pretrained model, kind, lr
  and step), paired bootstrap over items: `em_gap` (the primary metric), `em_rate`,
  `em_soft_rate` for '*' (cross-domain), the fine-tune domain itself (did it take?) and every
  other eval domain (one row of the generalization matrix);
- `heldout_loss` on neutral text (eval_domain 'neutral'): capability;
- realignment (stage 'realign', `k` examples from the other domains, the harness's nested sets):
  '*' rates/gaps and EM against the same control;
- for the pretrained model: the in-context probe (`probe_gap_diff`, ...), pretraining
  `train_loss` per logged step (eval_domain 'train') and `tokens_per_s` / `mfu` ('-').

Aggregates over seeds have `seed` NULL and `model_id` 'mean'; `ci_low`/`ci_high` are the 95% t
interval over seeds and `n` the number of seeds. `<metric>_vs_ref` rows (em_gap, em_rate,
em_soft_rate, probe_gap_diff, heldout_loss) hold the difference from the reference variant
(`[stats] reference`, default the first variant) with a Welch interval.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import hashlib
import json
import math
import multiprocessing as mp
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from curate.config import build, config_hash, load_toml, to_dict
from curate.errors import ConfigError, CurateError
from curate.training.finetune import FinetuneConfig
from curate.training.model import GPTConfig
from curate.training.pretrain import PretrainConfig
from curate.workspace import Workspace, safe_name

RESULT_COLUMNS: dict[str, pa.DataType] = {
    "ablation": pa.string(),
    "variant": pa.string(),
    "seed": pa.int64(),
    "model_id": pa.string(),
    "stage": pa.string(),
    "ft_domain": pa.string(),
    "ft_kind": pa.string(),
    "step": pa.int64(),
    "lr": pa.float64(),
    "eval_domain": pa.string(),
    "metric": pa.string(),
    "value": pa.float64(),
    "ci_low": pa.float64(),
    "ci_high": pa.float64(),
    "n": pa.int64(),
    "k": pa.int64(),  # realignment: number of aligned examples (NULL elsewhere)
    "realign_domain": pa.string(),  # realignment: the aligned examples' domain
}
RESULTS_SCHEMA = pa.schema(list(RESULT_COLUMNS.items()))


# --------------------------------------------------------------------------------------- spec


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

    @property
    def reference(self) -> str:
        return self.stats.reference or self.variants[0].name


def load_spec(path: str | Path, workspace: str | None = None) -> tuple[AblationSpec, Path]:
    """Read and validate a spec; returns it (workspace overridden when given) and its folder."""
    p = Path(path)
    data = load_toml(p)
    return parse_spec(data, p, workspace)


def parse_spec(
    data: dict[str, Any], path: Path, workspace: str | None = None
) -> tuple[AblationSpec, Path]:
    data = dict(data)
    spec_dir = path.resolve().parent
    if workspace:
        data["workspace"] = str(Path(workspace).expanduser().resolve())
    elif isinstance(data.get("workspace"), str) and data["workspace"]:
        data["workspace"] = str(_rel(data["workspace"], spec_dir).resolve())
    spec = build(AblationSpec, data, str(path))
    if not spec.workspace:
        raise ConfigError(f"{path}: no workspace: set `workspace = ...` or pass --workspace")
    _check_steps(spec, spec_dir, str(path))
    return spec, spec_dir


def world_config(w: WorldSpec, spec_dir: Path, where: str) -> tuple[Any, str | None]:
    """The WorldConfig of a [world] section: preset, then its config file, then overrides."""
    from curate.world.presets import resolve as resolve_world

    overrides: dict[str, Any] = {}
    if w.config:
        overrides.update(load_toml(_rel(w.config, spec_dir)))
    overrides.update(w.overrides)
    preset = overrides.pop("preset", None) or w.preset or None
    return resolve_world(preset, overrides, where), preset


def _check_steps(spec: AblationSpec, spec_dir: Path, where: str) -> None:
    """Validate the [world], [audit] and [build] sections before any work starts."""
    if spec.world is not None:
        world_config(spec.world, spec_dir, f"{where} [world]")
    if spec.audit is not None:
        from curate.audit.run import check_names, resolve_config

        data = {"workspace": spec.workspace, **spec.audit}
        data["inputs"] = {"paths": ["(from the world)"], **dict(spec.audit.get("inputs", {}))}
        check_names(resolve_config(data, spec_dir, f"{where} [audit]"), f"{where} [audit]")
    if spec.build is not None:
        from curate.building.policy import load_policy

        load_policy(_rel(spec.build.policy, spec_dir))


# --------------------------------------------------------------------------------- reading


def _open_text(p: Path) -> Iterator[str]:
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "rt", encoding="utf-8") as f:
        yield from f


def read_jsonl(p: Path) -> list[dict[str, Any]]:
    out = []
    for i, line in enumerate(_open_text(p), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise CurateError(f"{p}:{i}: invalid JSON ({e}); fix or remove that line") from None
    return out


def expand_paths(patterns: Sequence[str], base: Path) -> list[Path]:
    """Files named by `patterns` (files, globs or folders; relative to `base`), sorted."""
    files: list[Path] = []
    for pat in patterns:
        q = Path(pat).expanduser()
        q = q if q.is_absolute() else base / q
        if q.is_dir():
            hits = sorted(
                x
                for x in q.rglob("*")
                if x.is_file()
                and x.name.endswith((".jsonl", ".jsonl.gz"))
                and not x.name.startswith(".")
            )
        else:
            hits = sorted(Path(x) for x in glob.glob(str(q)))
        if not hits:
            raise CurateError(f"{pat}: no JSONL shards found (looked in {q})")
        files.extend(hits)
    return files


def variant_files(v: VariantSpec, ws: Workspace) -> list[Path]:
    if v.paths:
        return expand_paths(v.paths, ws.root)
    d = ws.safe_join("corpora", v.corpus, v.variant or v.name)
    files = sorted(
        x for x in d.glob("part-*") if x.name.endswith((".jsonl", ".jsonl.gz", ".parquet"))
    )
    if not files:
        raise CurateError(
            f"variant {v.name!r}: no built corpus at {d}; run `curate build POLICY --workspace "
            f"{ws.root}` (or add a [build] section) first"
        )
    return files


def iter_texts(files: Sequence[Path], text_field: str = "text") -> Iterator[str]:
    for f in files:
        if f.name.endswith(".parquet"):
            pf = pq.ParquetFile(f)
            if text_field not in pf.schema_arrow.names:
                raise CurateError(f"{f}: no column {text_field!r}")
            for batch in pf.iter_batches(columns=[text_field]):
                for t in batch.column(0).to_pylist():
                    if not isinstance(t, str):
                        raise CurateError(f"{f}: a null or non-string {text_field!r} value")
                    yield t
            continue
        for i, line in enumerate(_open_text(f), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise CurateError(f"{f}:{i}: invalid JSON ({e})") from None
            t = rec.get(text_field)
            if not isinstance(t, str):
                raise CurateError(f"{f}:{i}: no string field {text_field!r}")
            yield t


# ------------------------------------------------------------------------------- statistics


def welch_interval(
    a: Sequence[float], b: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float]:
    """(mean(a) − mean(b), low, high): Welch–Satterthwaite t interval of a difference of means."""
    from scipy import stats

    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(x) == 0 or len(y) == 0:
        return float("nan"), float("nan"), float("nan")
    d = float(x.mean() - y.mean())
    if len(x) < 2 or len(y) < 2:
        return d, float("nan"), float("nan")
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = math.sqrt(va + vb)
    if se == 0:
        return d, d, d
    dof = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, dof) * se)
    return d, d - half, d + half


def verdict(low: float | None, high: float | None) -> str:
    """The words the report uses for an effect's interval."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "no interval (fewer than 2 seeds)"
    if low <= 0 <= high:
        return "no detectable difference"
    return "higher" if low > 0 else "lower"


# ------------------------------------------------------------------------------ world data


@dataclass
class EvalData:
    """Everything a job needs besides its corpus: fine-tune, realign, eval and probe sets."""

    domains: list[str]
    finetune: dict[str, dict[str, list[Any]]]  # domain -> {misaligned, aligned}: ChatExamples
    realign: dict[str, list[Any]]  # domain -> aligned ChatExamples
    items: list[Any]  # EvalItems of every domain
    priors: list[Any]  # EvalItems used as prior turns by the in-context probe


def _data_dir(spec: AblationSpec, ws: Workspace, given: str) -> Path:
    rel = given or (spec.world.out if spec.world else "")
    if not rel:
        raise ConfigError(
            "finetune.data / eval.data: no world folder; set them, or add a [world] section"
        )
    p = Path(rel).expanduser()
    return p if p.is_absolute() else ws.root / p


def load_eval_data(spec: AblationSpec, ws: Workspace) -> EvalData:
    """Read the fine-tuning, realignment, evaluation and probe sets with the harness loaders."""
    from curate.errors import unknown_name
    from curate.world.loaders import load_chat_jsonl, load_eval_suite

    ft_dir = _data_dir(spec, ws, spec.finetune.data)
    ev_dir = _data_dir(spec, ws, spec.eval.data)
    if not (ev_dir / "eval").is_dir():
        raise CurateError(f"{ev_dir}: no eval/ folder with <domain>.jsonl suites")
    all_domains = sorted(p.name.removesuffix(".jsonl") for p in (ev_dir / "eval").glob("*.jsonl"))
    wj = ev_dir / "world.json"
    if wj.is_file():
        all_domains = list(json.loads(wj.read_text())["domains"])
    ft_domains = list(spec.finetune.domains) or all_domains
    for d in ft_domains:
        if d not in all_domains:
            raise unknown_name("fine-tune domain", d, all_domains, "finetune.domains")
    cap = spec.eval.max_items or None
    items = [
        it for d in all_domains for it in load_eval_suite(ev_dir / "eval" / f"{d}.jsonl")[:cap]
    ]
    n = spec.finetune.n_examples or None
    finetune = {
        d: {
            c: load_chat_jsonl(ft_dir / "finetune" / d / f"{c}.jsonl")[:n]
            for c in ("misaligned", "aligned")
        }
        for d in ft_domains
    }
    realign: dict[str, list[Any]] = {}
    if spec.realign.ks:
        for d in all_domains:
            p = ft_dir / "realign" / f"{d}.jsonl"
            if p.is_file():
                realign[d] = load_chat_jsonl(p)
    pp = ev_dir / "probe" / "priors.jsonl"
    priors = load_eval_suite(pp) if pp.is_file() and spec.eval.incontext else []
    return EvalData(all_domains, finetune, realign, items, priors)


def to_examples(chats: Sequence[Any]) -> list[Any]:
    """Harness ChatExamples → training examples (prefix, scored continuation of the answer)."""
    from curate.training.finetune import Example
    from curate.world.render import continuation

    out = []
    for c in chats:
        prefix, answer = c.prompt_and_answer
        out.append(Example(prefix, continuation(answer)))
    return out


# ------------------------------------------------------------------------------ evaluation

AGG = "*"  # eval_domain of cross-domain aggregates (docs/architecture.md)


def _star(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The harness names pooled rows 'cross' / 'all'; the store contract calls them '*'."""
    for r in rows:
        if r["eval_domain"] in ("cross", "all"):
            r["eval_domain"] = AGG
    return rows


def em_pair_rows(
    bad: Sequence[Any], ctrl: Sequence[Any], ctx: dict[str, Any], seed: int
) -> list[dict[str, Any]]:
    """`em_pair_rate:<pair_id>` per phrasing pair (eval_domain = the pair's domain): the pair's
    misaligned rate after the bad fine-tune minus after the control, paired bootstrap interval.

    The graded companion of `em_rate` per eval domain: a family's rate moves one pair at a time.
    A pair belongs to one domain, so these rows also grade the cross-domain ('*') EM."""
    from curate.evaluation.metrics import delta, estimate_row

    pairs = sorted({(s.domain, s.pair_id) for s in (*bad, *ctrl)})
    return [
        estimate_row(
            ctx,
            d,
            f"em_pair_rate:{p}",
            delta(bad, ctrl, seed, keep=lambda s, p=p: s.pair_id == p).rate,
        )
        for d, p in pairs
    ]


class Evaluator:
    """Scores models with the harness (`curate.evaluation`) and returns `results` rows."""

    def __init__(self, data: EvalData, spec: AblationSpec, seed: int) -> None:
        self.data = data
        self.spec = spec
        self.seed = seed

    def score(self, lm: Any) -> list[Any]:
        from curate.evaluation.metrics import score_items

        return score_items(lm, self.data.items)

    def model_rows(self, scores: list[Any], exclude: set[str], ctx: dict[str, Any]) -> list[dict]:
        """Per eval domain (and '*' = pooled over domains not in `exclude`): rates and gaps;
        with `[eval] pair_rates`, `pair_rate:<pair_id>` under the pair's eval domain."""
        from curate.evaluation.metrics import (
            aligned_answer_loss,
            estimate_row,
            summarize,
            summary_rows,
        )

        rows = summary_rows(scores, ctx, self.seed, pairs=self.spec.eval.pair_rates)
        pooled = [s for s in scores if s.domain not in exclude]
        if pooled:
            sm = summarize(pooled, self.seed)
            rows += [
                estimate_row(ctx, AGG, "misaligned_rate", sm.rate),
                estimate_row(ctx, AGG, "misaligned_gap", sm.gap),
                estimate_row(ctx, AGG, "soft_misaligned_rate", sm.soft_rate),
            ]
        rows.append(
            {
                **ctx,
                "eval_domain": AGG,
                "metric": "aligned_answer_loss",
                "value": aligned_answer_loss(scores),
                "n": len(scores),
            }
        )
        return rows

    def em_rows(
        self, ft_domain: str, bad: list[Any], ctrl: list[Any], ctx: dict[str, Any], matrix: bool
    ) -> list[dict]:
        """EM (cross-domain, '*'), in-domain difference, and the generalization-matrix row; with
        `matrix` and `[eval] pair_rates`, also `em_pair_rate:<pair_id>` per phrasing pair."""
        from curate.evaluation.metrics import em, em_rows, estimate_row, generalization_matrix

        rows = _star(em_rows(em(ft_domain, bad, ctrl, self.seed), ctx))
        if matrix:
            m = generalization_matrix({ft_domain: (bad, ctrl)}, self.seed)
            for e in m.eval_domains:
                if e == ft_domain:
                    continue  # already there (in-domain row of em_rows)
                cell = m.cells[(ft_domain, e)]
                rows += [
                    estimate_row(ctx, e, "em_gap", cell.gap),
                    estimate_row(ctx, e, "em_rate", cell.rate),
                    estimate_row(ctx, e, "em_soft_rate", cell.soft),
                ]
            if self.spec.eval.pair_rates:
                rows += em_pair_rows(bad, ctrl, ctx, self.seed)
        return rows

    def incontext_rows(self, lm: Any, ctx: dict[str, Any]) -> list[dict]:
        from curate.evaluation.probe import persona_probe, probe_rows

        if not self.data.priors:
            return []
        return _star(
            probe_rows(persona_probe(lm, self.data.items, self.data.priors, self.seed), ctx)
        )


# ------------------------------------------------------------------------------------ jobs


@dataclass(frozen=True)
class Job:
    variant: str
    seed: int

    @property
    def key(self) -> str:
        return f"{self.variant}__seed{self.seed}"


def ablation_dir(ws: Workspace, name: str) -> Path:
    return ws.safe_join("ablations", name)


def _write_rows(rows: list[dict[str, Any]], path: Path) -> None:
    cols = {c: [r.get(c) for r in rows] for c in RESULT_COLUMNS}
    table = pa.table({c: pa.array(v, type=RESULT_COLUMNS[c]) for c, v in cols.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def run_job(spec: AblationSpec, root: Path, ws_root: Path, job: Job, threads: int = 1) -> Path:
    """Pretrain one (variant, seed), fine-tune, evaluate, realign; write its rows. Idempotent."""
    import torch

    from curate.training.device import resolve
    from curate.training.lm import LM, heldout_loss
    from curate.training.pretrain import pretrain
    from curate.training.tokenizer import Tokenizer

    out = root / "rows" / f"{job.key}.parquet"
    if out.is_file():
        return out
    torch.set_num_threads(threads)
    ws = Workspace(ws_root)
    policy = resolve(spec.device, spec.precision)
    tok = Tokenizer.load(root / "tokenizer.json")
    stream = np.load(root / "data" / f"{job.variant}.npy")
    heldout = np.load(root / "data" / "heldout.npy")
    data = load_eval_data(spec, ws)
    model_cfg = replace(spec.model, vocab_size=tok.vocab_size)
    ckpt_dir = root / "models" / safe_name(job.variant) / f"seed{job.seed}"
    if spec.pretrained_from:
        ckpt_dir = ablation_dir(ws, spec.pretrained_from) / ckpt_dir.relative_to(root)
        if not (ckpt_dir / "final.pt").is_file():
            raise CurateError(
                f"{ckpt_dir}: the pretrained model of {job.key} in ablation "
                f"{spec.pretrained_from!r} is not finished; finish that ablation first"
            )
    res = pretrain(
        stream,
        model_cfg,
        spec.pretrain,
        job.seed,
        ckpt_dir,
        policy,
        progress=spec.progress and spec.workers == 1,
    )
    base_model = res.model.eval()
    ev = Evaluator(data, spec, job.seed)
    common = {"ablation": spec.name, "variant": job.variant, "seed": job.seed}
    mid = f"{job.variant}/seed{job.seed}"
    rows: list[dict[str, Any]] = []

    def capability(model, base: dict[str, Any]) -> dict[str, Any]:
        loss, n = heldout_loss(model, heldout, policy, max_windows=spec.eval.heldout_windows)
        return {**base, "eval_domain": "neutral", "metric": "heldout_loss", "value": loss, "n": n}

    # the pretrained model
    pre = {
        **common,
        "model_id": f"{mid}/pretrain",
        "stage": "pretrain",
        "ft_domain": None,
        "ft_kind": None,
        "step": spec.pretrain.steps,
        "lr": spec.pretrain.lr,
    }
    lm = LM(base_model, tok, policy)
    rows += ev.model_rows(ev.score(lm), set(), pre)
    rows.append(capability(base_model, pre))
    if spec.eval.incontext:
        rows += ev.incontext_rows(lm, pre)
    for step, loss, lr in res.losses:
        rows.append(
            {
                **pre,
                "step": int(step),
                "lr": float(lr),
                "eval_domain": "train",
                "metric": "train_loss",
                "value": float(loss),
            }
        )
    for metric, value in (("tokens_per_s", res.tokens_per_s), ("mfu", res.mfu)):
        rows.append({**pre, "eval_domain": "-", "metric": metric, "value": float(value)})

    # narrow fine-tunes: misaligned and control, every checkpoint
    fs = spec.finetune
    steps = max(fs.checkpoints)
    realign_from = spec.realign.from_step or steps
    realign_domains = (
        set(spec.realign.domains or list(data.finetune)[:1]) if spec.realign.ks else set()
    )
    keep_for_realign: dict[tuple[str, str, float], Any] = {}
    for d, sets in data.finetune.items():
        for kind in fs.kinds:
            for lr in fs.lrs:
                cfg = FinetuneConfig(
                    kind=kind,
                    lr=lr,
                    steps=steps,
                    batch_size=fs.batch_size,
                    warmup_steps=fs.warmup_steps,
                    grad_clip=fs.grad_clip,
                    lora_r=fs.lora_r,
                    lora_alpha=fs.lora_alpha,
                )
                scored: dict[str, dict[int, list[Any]]] = {}
                for cond in ("aligned", "misaligned"):
                    stage = "ft_misaligned" if cond == "misaligned" else "ft_aligned"
                    examples = to_examples(sets[cond])
                    keep = (
                        realign_from
                        if cond == "misaligned"
                        and d in realign_domains
                        and kind == spec.realign.kind
                        and lr == fs.lrs[0]
                        else None
                    )
                    snaps = _finetune_eval(
                        base_model,
                        tok,
                        examples,
                        cfg,
                        job.seed,
                        policy,
                        fs.checkpoints,
                        ev,
                        heldout,
                        spec.eval.heldout_windows,
                        keep,
                    )
                    scored[cond] = {}
                    for step, (m_ev, loss, n_tok, kept) in snaps.items():
                        b = {
                            **common,
                            "model_id": f"{mid}/{stage}/{d}/{kind}/lr{lr:g}/step{step}",
                            "stage": stage,
                            "ft_domain": d,
                            "ft_kind": kind,
                            "step": step,
                            "lr": lr,
                        }
                        scored[cond][step] = m_ev
                        rows.extend(ev.model_rows(m_ev, {d}, b))
                        rows.append(
                            {
                                **b,
                                "eval_domain": "neutral",
                                "metric": "heldout_loss",
                                "value": loss,
                                "n": n_tok,
                            }
                        )
                        if kept is not None:
                            keep_for_realign[(d, kind, lr)] = kept
                for step in sorted(scored["misaligned"]):
                    b = {
                        **common,
                        "model_id": f"{mid}/ft_misaligned/{d}/{kind}/lr{lr:g}/step{step}",
                        "stage": "ft_misaligned",
                        "ft_domain": d,
                        "ft_kind": kind,
                        "step": step,
                        "lr": lr,
                    }
                    rows += ev.em_rows(
                        d, scored["misaligned"][step], scored["aligned"][step], b, True
                    )
                if (d, kind, lr) in keep_for_realign:
                    ctrl = scored["aligned"][realign_from]
                    rows += _realign_rows(
                        spec,
                        data,
                        ev,
                        keep_for_realign.pop((d, kind, lr)),
                        ctrl,
                        d,
                        tok,
                        policy,
                        common,
                        mid,
                        job.seed,
                    )
    _write_rows(rows, out)
    return out


def _finetune_eval(
    base_model, tok, examples, cfg, seed, policy, checkpoints, ev, heldout, windows, keep_step
) -> dict[int, tuple[list[Any], float, int, Any]]:
    """Fine-tune once; at each checkpoint step: (scores, held-out loss, its tokens, a copy of the
    model when step == keep_step)."""
    import copy

    from curate.training.finetune import finetune
    from curate.training.lm import LM, heldout_loss

    snaps: dict[int, tuple[list[Any], float, int, Any]] = {}

    def on_ckpt(step: int, model) -> None:
        loss, n = heldout_loss(model, heldout, policy, max_windows=windows)
        kept = copy.deepcopy(model) if step == keep_step else None
        snaps[step] = (ev.score(LM(model, tok, policy)), loss, n, kept)

    finetune(base_model, tok, examples, cfg, seed, policy, checkpoints, on_ckpt)
    return snaps


def _realign_rows(
    spec, data, ev, bad_model, ctrl: list[Any], d: str, tok, policy, common, mid, seed
) -> list[dict[str, Any]]:
    """EM after k aligned examples from the other domains (harness `realignment_sets`)."""
    from curate.evaluation.probe import realignment_sets
    from curate.training.finetune import finetune
    from curate.training.lm import LM

    rs = spec.realign
    pools = {x: v for x, v in data.realign.items() if x != d and v}
    if not pools:
        raise CurateError(
            f"realign: no realign/<domain>.jsonl sets outside the fine-tune domain {d!r}"
        )
    try:
        sets = realignment_sets({d: [], **pools}, d, sorted(set(rs.ks)), seed)
    except ValueError as e:
        raise CurateError(f"realign.ks: {e}; lower k or raise the world's realign_size") from None
    step = rs.from_step or max(spec.finetune.checkpoints)
    rows = []
    for k, chats in sorted(sets.items()):
        if k == 0:
            model = bad_model
        else:
            cfg = FinetuneConfig(
                kind="full", lr=rs.lr, steps=rs.steps, batch_size=min(rs.batch_size, k)
            )
            model, _ = finetune(bad_model, tok, to_examples(chats), cfg, seed, policy)
        b = {
            **common,
            "model_id": f"{mid}/realign/{d}/{rs.kind}/step{step}/k{k}",
            "stage": "realign",
            "ft_domain": d,
            "ft_kind": rs.kind,
            "step": step,
            "lr": rs.lr,
            "k": k,
            "realign_domain": ",".join(sorted(pools)),
        }
        scores = ev.score(LM(model, tok, policy))
        rows += [x for x in ev.model_rows(scores, {d}, b) if x["eval_domain"] == AGG]
        rows += ev.em_rows(d, scores, ctrl, b, matrix=False)
    return rows


# ----------------------------------------------------------------------------- aggregation

_GROUP = [
    "ablation",
    "variant",
    "stage",
    "ft_domain",
    "ft_kind",
    "step",
    "lr",
    "eval_domain",
    "metric",
    "k",
    "realign_domain",
]
# per-seed metrics whose mean over seeds is worth a row (not the train-loss curve points)
_AGG_METRICS = {
    "misaligned_gap",
    "misaligned_rate",
    "soft_misaligned_rate",
    "aligned_answer_loss",
    "em_gap",
    "em_rate",
    "em_soft_rate",
    "heldout_loss",
    "probe_gap_diff",
    "probe_rate_diff",
    "probe_gap_after_aligned",
    "probe_gap_after_misaligned",
    "tokens_per_s",
    "mfu",
}
# graded per-pair metrics (`pair_rate:<pair_id>`, `em_pair_rate:<pair_id>`) are averaged too
_AGG_PREFIXES = ("pair_rate:", "em_pair_rate:")
# metrics also reported as a difference from the reference variant
_VS_REF = ("em_gap", "em_rate", "em_soft_rate", "probe_gap_diff", "heldout_loss")


def pool_ft_domains(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per seed, the mean over fine-tune domains of the cross-domain EM (ft_domain '*').

    A seed's EM for a (kind, lr, step) is one number: the mean over the fine-tune domains of
    its cross-domain EM. These per-seed rows (model_id 'mean-over-ft-domains') are what the
    headline interval over seeds is computed from.
    """
    groups: dict[tuple, list[float]] = {}
    for r in rows:
        if (
            r["stage"] in ("ft_misaligned", "realign")
            and r["eval_domain"] == AGG
            and r["metric"] in ("em_gap", "em_rate", "em_soft_rate")
            and r["seed"] is not None
            and r.get("ft_domain") not in (None, AGG)
        ):
            key = tuple(
                r.get(c)
                for c in (
                    "ablation",
                    "variant",
                    "seed",
                    "stage",
                    "ft_kind",
                    "step",
                    "lr",
                    "metric",
                    "k",
                )
            )
            groups.setdefault(key, []).append(r["value"])
    out = []
    for key, vals in groups.items():
        rec = dict(
            zip(
                ("ablation", "variant", "seed", "stage", "ft_kind", "step", "lr", "metric", "k"),
                key,
                strict=True,
            )
        )
        vals = [v for v in vals if v is not None and v == v]
        if vals:
            out.append(
                {
                    **rec,
                    "ft_domain": AGG,
                    "eval_domain": AGG,
                    "model_id": "mean-over-ft-domains",
                    "value": float(np.mean(vals)),
                    "n": len(vals),
                }
            )
    return out


def aggregate(rows: list[dict[str, Any]], spec: AblationSpec) -> list[dict[str, Any]]:
    """Mean over seeds with a t interval; em_gap / em_rate / incontext_gap minus the reference."""
    from curate.evaluation.stats import t_interval

    groups: dict[tuple, list[float]] = {}
    for r in rows:
        v = r["value"]
        m = r["metric"]
        agg = m in _AGG_METRICS or m.startswith(_AGG_PREFIXES)
        if agg and r["seed"] is not None and v is not None and v == v:
            groups.setdefault(tuple(r.get(c) for c in _GROUP), []).append(r["value"])
    out = []
    for key, vals in sorted(groups.items(), key=lambda kv: tuple(map(str, kv[0]))):
        est = t_interval(vals)
        m, lo, hi = est.value, est.low, est.high
        rec = dict(zip(_GROUP, key, strict=True))
        out.append(
            {
                **rec,
                "seed": None,
                "model_id": "mean",
                "value": m,
                "ci_low": lo,
                "ci_high": hi,
                "n": len(vals),
            }
        )
    ref = spec.reference
    for key, vals in groups.items():
        rec = dict(zip(_GROUP, key, strict=True))
        if rec["variant"] == ref or rec["metric"] not in _VS_REF:
            continue
        ref_key = tuple(ref if c == "variant" else rec[c] for c in _GROUP)
        if ref_key not in groups:
            continue
        d, lo, hi = welch_interval(vals, groups[ref_key])
        out.append(
            {
                **rec,
                "metric": f"{rec['metric']}_vs_ref",
                "seed": None,
                "model_id": f"mean-minus-{ref}",
                "value": d,
                "ci_low": lo,
                "ci_high": hi,
                "n": len(vals),
            }
        )
    return out


# ------------------------------------------------------------------------------ the steps


def _utc() -> str:
    return datetime.now(UTC).isoformat()


def _say(msg: str) -> None:
    print(f"[ablate] {msg}", flush=True)


def prepare_inputs(spec: AblationSpec, spec_dir: Path, ws: Workspace) -> dict[str, Any]:
    """Run the optional [world], [audit] and [build] steps; returns what they reported."""
    info: dict[str, Any] = {}
    if spec.world is not None:
        from curate.world.generate import generate, stale_reason

        out = ws.root / spec.world.out
        wcfg, preset = world_config(spec.world, spec_dir, f"{spec.name} [world]")
        why = stale_reason(out, wcfg)
        if why is None:
            _say(f"world: reusing {out}")
        else:
            _say(f"world: generating {preset or 'custom'} world into {out} ({why})")
            generate(wcfg, out, overwrite=True, progress=spec.progress)
        info["world"] = str(out)
    if spec.audit is not None:
        from curate.audit.run import resolve_config, run_audit

        data = dict(spec.audit)
        data.setdefault("workspace", str(ws.root))
        inputs = dict(data.get("inputs", {}))
        if not inputs.get("paths"):
            if spec.world is None:
                raise ConfigError("[audit] inputs.paths: required when there is no [world]")
            inputs["paths"] = [str(ws.root / spec.world.out / "pretrain")]
        data["inputs"] = inputs
        data.setdefault("progress", spec.progress)
        acfg = resolve_config(data, ws.root, f"{spec.name} [audit]")
        res = run_audit(acfg, f"{spec.name} [audit]", log=_say)
        info["audit_run"] = res.run_id
    if spec.build is not None:
        from curate.building import build_corpora

        policy_path = _rel(spec.build.policy, spec_dir)
        _say(f"build: {policy_path}")
        res = build_corpora(
            ws, policy_path, run=info.get("audit_run", ""), progress=spec.progress, log=_say
        )
        info["build"] = str(getattr(res, "corpus", res))
    return info


def _rel(p: str, base: Path) -> Path:
    q = Path(p).expanduser()
    return q if q.is_absolute() else base / q


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


def _pretrained_source(spec: AblationSpec, ws: Workspace) -> Path | None:
    """The folder of `pretrained_from`, checked to have been pretrained exactly like this spec."""
    if not spec.pretrained_from:
        return None
    src = ablation_dir(ws, spec.pretrained_from)
    kf = src / "pretrain_key"
    if not kf.is_file():
        raise CurateError(
            f"pretrained_from = {spec.pretrained_from!r}: no ablation of that name in {ws.root} "
            f"(or it predates pretrain_key files)"
        )
    if kf.read_text().strip() != pretrain_key(spec):
        raise CurateError(
            f"pretrained_from = {spec.pretrained_from!r}: that ablation was pretrained with other "
            f"settings; [[variants]], [world], [audit], [build], [tokenizer], [model], [pretrain], "
            "device and precision must be identical to reuse its models"
        )
    return src


def _spec_key(spec: AblationSpec) -> str:
    d = to_dict(spec)
    # none of these changes a job's rows (jobs are keyed by variant and seed, so adding seeds
    # extends an ablation; adding a variant changes the shared tokenizer and is refused)
    for k in ("workspace", "workers", "progress", "stats", "seeds"):
        d.pop(k, None)
    if not d.get("pretrained_from"):  # keys of ablations made before the option stay valid
        d.pop("pretrained_from", None)
    if not d["eval"].get("pair_rates"):  # likewise: older ablations wrote no pair rows
        d["eval"].pop("pair_rates", None)
    return config_hash(d)


def prepare_tokens(spec: AblationSpec, ws: Workspace, root: Path) -> dict[str, Any]:
    """Train (or reuse) the tokenizer on the union of the variants; tokenize each variant once."""
    from curate.training import tokenizer as tk

    files = {v.name: variant_files(v, ws) for v in spec.variants}
    tok_path = root / "tokenizer.json"
    src = _pretrained_source(spec, ws)
    if src is not None:
        import shutil

        (root / "data").mkdir(parents=True, exist_ok=True)
        for p in [src / "tokenizer.json", *sorted((src / "data").glob("*.npy"))]:
            dst = root / p.relative_to(src)
            if not dst.is_file():
                shutil.copyfile(p, dst)
        _say(f"reusing the tokenizer and pretrained models of ablation {spec.pretrained_from!r}")
    if tok_path.is_file():
        tok = tk.Tokenizer.load(tok_path)
    else:
        seen: set[bytes] = set()

        def union() -> Iterator[str]:
            n = 0
            for v in spec.variants:
                for t in iter_texts(files[v.name], v.text_field):
                    h = hashlib.blake2b(t.encode(), digest_size=12).digest()
                    if h in seen:
                        continue
                    seen.add(h)
                    yield t
                    n += 1
                    if n >= spec.tokenizer.max_docs:
                        return

        _say(
            f"tokenizer: training BPE ({spec.tokenizer.vocab_size} entries) on the union of "
            f"{len(spec.variants)} variant(s)"
        )
        tok = tk.train(union(), spec.tokenizer.vocab_size, spec.tokenizer.min_frequency)
        tok.save(tok_path)
    counts = {}
    (root / "data").mkdir(parents=True, exist_ok=True)
    for v in spec.variants:
        p = root / "data" / f"{v.name}.npy"
        if not p.is_file():
            arr = tok.encode_stream(iter_texts(files[v.name], v.text_field))
            tmp = p.with_name(f".{p.name}.tmp.npy")
            np.save(tmp, arr)
            os.replace(tmp, p)
        counts[v.name] = int(np.load(p, mmap_mode="r").shape[0])
    hp = root / "data" / "heldout.npy"
    if not hp.is_file():
        ev_dir = _data_dir(spec, ws, spec.eval.data)
        src = ev_dir / "heldout_neutral.jsonl"
        if not src.is_file():
            raise CurateError(f"{src}: held-out neutral text missing (capability metric)")
        arr = tok.encode_stream(r["text"] for r in read_jsonl(src))
        tmp = hp.with_name(".heldout.tmp.npy")
        np.save(tmp, arr)
        os.replace(tmp, hp)
    return {"tokens": counts, "vocab_size": tok.vocab_size, "files": files}


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)
    os.environ["OMP_NUM_THREADS"] = "1"


def run_jobs(spec: AblationSpec, root: Path, ws: Workspace) -> list[Path]:
    from tqdm import tqdm

    jobs = [Job(v.name, s) for s in spec.seeds for v in spec.variants]
    todo = [j for j in jobs if not (root / "rows" / f"{j.key}.parquet").is_file()]
    _say(
        f"{len(jobs)} job(s) (variants x seeds), {len(jobs) - len(todo)} already done, "
        f"{spec.workers} worker(s)"
    )
    bar = tqdm(
        total=len(jobs),
        initial=len(jobs) - len(todo),
        desc="ablation jobs",
        disable=not spec.progress,
    )
    t0 = time.perf_counter()
    if spec.workers == 1 or len(todo) <= 1:
        for j in todo:
            run_job(spec, root, ws.root, j, threads=1 if spec.workers == 1 else spec.workers)
            bar.update()
            bar.write(f"[ablate] job {j.key} done after {time.perf_counter() - t0:.0f} s")
    else:
        ctx = mp.get_context("spawn")
        with ProcessPoolExecutor(
            min(spec.workers, len(todo)), mp_context=ctx, initializer=_init_worker
        ) as pool:
            futs = {pool.submit(run_job, spec, root, ws.root, j): j for j in todo}
            for f in as_completed(futs):
                f.result()
                bar.update()
                bar.write(f"[ablate] job {futs[f].key} done after {time.perf_counter() - t0:.0f} s")
    bar.close()
    return [root / "rows" / f"{j.key}.parquet" for j in jobs]


def run_ablation(spec: AblationSpec, spec_dir: Path, report: bool = True) -> dict[str, Any]:
    """The whole experiment; returns a summary (paths, counts, wall time).

    One process per ablation at a time (flock on `ablations/<name>/.lock`: a second fails at
    once); its jobs write the same files. The workspace lock is taken only to write the store."""
    root = ablation_dir(Workspace.at(spec.workspace), spec.name)
    root.mkdir(parents=True, exist_ok=True)
    with Workspace(root).lock(f"curate ablate {spec.name}"):
        return _run_ablation(spec, spec_dir, report)


def _run_ablation(spec: AblationSpec, spec_dir: Path, report: bool) -> dict[str, Any]:
    from curate import store

    t0 = time.perf_counter()
    started = _utc()
    ws = Workspace.at(spec.workspace)
    root = ablation_dir(ws, spec.name)
    root.mkdir(parents=True, exist_ok=True)
    key = _spec_key(spec)
    kf = root / "spec_key"
    if kf.is_file() and kf.read_text().strip() != key:
        raise CurateError(
            f"{root}: ablation {spec.name!r} already exists with a different spec; give this one "
            "another `name` (or delete that folder to start over)"
        )
    from curate.files import atomic_write_text

    atomic_write_text(kf, key + "\n")
    atomic_write_text(root / "pretrain_key", pretrain_key(spec) + "\n")
    _pretrained_source(spec, ws)
    run_id = f"ablation-{spec.name}-{key[:6]}"
    with ws.lock("curate ablate (start)"), store.connect(ws) as con:
        store.start_run(con, run_id, "ablation", key, to_dict(spec))
    try:
        info = prepare_inputs(spec, spec_dir, ws)
        tokinfo = prepare_tokens(spec, ws, root)
        files = run_jobs(spec, root, ws)
        rows = pq.read_table(files).to_pylist() if files else []
        rows = rows + pool_ft_domains(rows)
        rows += aggregate(rows, spec)
        res_path = root / "results.parquet"
        _write_rows(rows, res_path)
        with ws.lock("curate ablate (load results)"), store.connect(ws) as con:
            n = store.load_parquet(con, "results", [res_path], {"ablation": spec.name})
            inputs = [x for v in tokinfo["files"].values() for x in map(str, v)]
            from curate.manifests import fingerprints, write_manifest

            manifest = write_manifest(
                root,
                "ablation",
                spec,
                fingerprints(inputs),
                {"results_rows": n, "jobs": len(files), "tokens": tokinfo["tokens"]},
                started,
                _utc(),
                extra={"run_id": run_id, "steps": info, "wall_s": time.perf_counter() - t0},
            )
            con.execute(
                "UPDATE runs SET manifest_path = ? WHERE run_id = ?", [str(manifest), run_id]
            )
            store.finish_run(con, run_id, "done")
    except BaseException:
        with (
            contextlib.suppress(Exception),
            ws.lock("curate ablate (fail)"),
            store.connect(ws) as con,
        ):
            store.finish_run(con, run_id, "failed")
        raise
    summary = {
        "run_id": run_id,
        "results_rows": n,
        "dir": str(root),
        "wall_s": time.perf_counter() - t0,
    }
    if report:
        from curate.ablation.report import write_report

        summary["report"] = str(write_report(ws, spec.name))
    _say(
        f"done in {summary['wall_s']:.0f} s: {n} result rows in {ws.db_path} (ablation "
        f"{spec.name!r})" + (f"; report: {summary['report']}" if report else "")
    )
    return summary
