"""The evaluation sets of `curate classifier eval --baseline` (the side-by-side model card), and its
configuration.

Every set is read from outside the training data and is evaluation only: nothing here is tuned
on. A set whose files are absent (a user's clone has no ``../shared/data``) is skipped with a
note, never an error.

| set | labels | what |
|---|---|---|
| `persona_statements` | yes | ``persona_statements/``: psychopathy, machiavellianism, narcissism (" Yes" = malicious) and agreeableness (" No" = malicious), 1,000 each |
| `world` | yes | a persona world generated at `world_preset` / `world_seed` (`curate.world`); label = the ground truth `metadata.malicious_character` |
| `neutral_statements` | all benign | a seeded sample (`neutral_per_trait` per trait) of the *neutral* traits of ``persona_train/`` |
| `common_crawl` | none | ``real_text/dolma_fixtures/`` Common Crawl pages |
| `shakespeare` | none | ``real_text/tinyshakespeare/input.txt`` cut at blank lines into documents of about `shakespeare_chars` |
| `hh_chosen`, `hh_rejected` | none | ``real_text/hh_rlhf/harmless-base_test.jsonl.gz``: the first `hh_max_pairs` transcripts of each side |
| `bench` | none | `speed_docs` documents of ``bench/make_docs.py`` (the standard 3 KB corpus, seed 42), for the speed columns |
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from curate import jsonl
from curate.classifiers.evaluate import load_persona_statements, load_real_text
from curate.config import build
from curate.errors import ConfigError
from curate.paths import checkout_root
from curate.world.generate import pretrain_documents
from curate.world.presets import PRESETS, resolve


@dataclass(frozen=True)
class EvalConfig:
    """What `curate classifier eval --baseline` measures; saved beside its outputs.

    Paths are relative to the repository root (the current directory for an installed wheel)."""

    shared_data: str = "../shared/data"
    make_docs: str = "../shared/bench/make_docs.py"
    threshold: float = 0.5  # "flagged" = document probability >= this (the default cut)
    n_boot: int = 1000  # bootstrap resamples of every AUROC interval (seed 0)
    n_bins: int = 10  # calibration bins (ECE and the reliability plot)
    batch: int = 64  # documents per score() call
    world_preset: str = "small"
    world_seed: int = 20261205  # not 1234 (v1's training world) nor 0 (the ablation worlds)
    neutral_per_trait: int = 100
    neutral_seed: int = 0
    shakespeare_chars: int = 3000
    hh_max_pairs: int = 1000
    speed_docs: int = 2000  # 0: no speed columns (bench/classifier_speed.py is the full bench)
    bench_results: str = "bench/out/classifier_speed/results.json"  # bench/classifier_speed.py's
    limit: int = 0  # at most this many documents per set, a seeded sample (smoke runs); 0 = all
    sets: list[str] = field(
        default_factory=lambda: [
            "persona_statements",
            "world",
            "neutral_statements",
            "common_crawl",
            "shakespeare",
            "hh_chosen",
            "hh_rejected",
        ]
    )

    def validate(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be in (0, 1), got {self.threshold}")
        if self.world_preset not in PRESETS:
            raise ConfigError(f"world_preset {self.world_preset!r}: valid {', '.join(PRESETS)}")
        bad = [s for s in self.sets if s not in LOADERS]
        if bad:
            raise ConfigError(f"unknown set {bad[0]!r}; valid: {', '.join(LOADERS)}")
        for k in ("n_boot", "n_bins", "batch"):
            if getattr(self, k) < 1:
                raise ConfigError(f"{k} must be >= 1")


def load_config(path: str | Path | None, overrides: dict[str, Any] | None = None) -> EvalConfig:
    data: dict[str, Any] = {}
    if path is not None:
        with Path(path).open("rb") as f:
            data.update(tomllib.load(f))
    data.update(overrides or {})
    return build(EvalConfig, data, str(path or "eval config"))


def base_dir() -> Path:
    return checkout_root() or Path.cwd()


def shared(cfg: EvalConfig, rel: str) -> Path:
    return (base_dir() / cfg.shared_data / rel).resolve()


@dataclass
class EvalSet:
    """Texts to score; `labels` (1 = malicious) only for labelled sets; `groups` (e.g. the trait
    of each statement) for per-group tables."""

    name: str
    source: str
    texts: list[str]
    labels: np.ndarray | None = None
    groups: list[str] | None = None
    note: str = ""


def _missing(name: str, path: Path) -> EvalSet:
    return EvalSet(name, str(path), [], note=f"skipped: {path} not found")


def persona_statements(cfg: EvalConfig) -> EvalSet:
    d = shared(cfg, "persona_statements")
    if not d.is_dir():
        return _missing("persona_statements", d)
    rows = load_persona_statements(d)
    return EvalSet(
        "persona_statements",
        f"{cfg.shared_data}/persona_statements (external, never trained on)",
        [r["text"] for r in rows],
        np.array([r["label"] for r in rows]),
        [r["trait"] for r in rows],
    )


def world(cfg: EvalConfig) -> EvalSet:
    wcfg = resolve(cfg.world_preset, {"seed": cfg.world_seed}, "eval world")
    recs = pretrain_documents(wcfg)
    return EvalSet(
        "world",
        f"`curate world` preset {cfg.world_preset}, seed {cfg.world_seed} "
        f"({len(recs)} documents; label = metadata.malicious_character)",
        [r["text"] for r in recs],
        np.array([int(bool(r["metadata"]["malicious_character"])) for r in recs]),
        [str(r["metadata"]["kind"]) for r in recs],
    )


def neutral_statements(cfg: EvalConfig) -> EvalSet:
    d = shared(cfg, "persona_train")
    roles_path = d / "traits.toml"
    if not roles_path.is_file():
        return _missing("neutral_statements", roles_path)
    with roles_path.open("rb") as f:
        roles = tomllib.load(f)
    rng = random.Random(cfg.neutral_seed)
    texts: list[str] = []
    groups: list[str] = []
    for trait in sorted(t for t, r in roles.items() if r == "neutral"):
        path = d / f"{trait}.jsonl"
        if not path.is_file():
            continue
        items = [r["statement"] for _, r in jsonl.records(path)]
        pick = rng.sample(items, min(cfg.neutral_per_trait, len(items)))
        texts += pick
        groups += [trait] * len(pick)
    return EvalSet(
        "neutral_statements",
        f"{cfg.shared_data}/persona_train neutral traits, {cfg.neutral_per_trait} per trait "
        f"(seed {cfg.neutral_seed}); all benign",
        texts,
        np.zeros(len(texts), dtype=int),
        groups,
    )


def common_crawl(cfg: EvalConfig) -> EvalSet:
    d = shared(cfg, "real_text/dolma_fixtures")
    if not d.is_dir():
        return _missing("common_crawl", d)
    return EvalSet(
        "common_crawl",
        f"{cfg.shared_data}/real_text/dolma_fixtures (Common Crawl pages, unlabelled)",
        load_real_text(d, 100_000),
    )


def shakespeare_docs(text: str, size: int) -> list[str]:
    """Consecutive blank-line-separated speeches joined into documents of about `size` chars."""
    out, cur = [], ""
    for para in text.split("\n\n"):
        cur = f"{cur}\n\n{para}" if cur else para
        if len(cur) >= size:
            out.append(cur)
            cur = ""
    if cur.strip():
        out.append(cur)
    return out


def shakespeare(cfg: EvalConfig) -> EvalSet:
    p = shared(cfg, "real_text/tinyshakespeare/input.txt")
    if not p.is_file():
        return _missing("shakespeare", p)
    return EvalSet(
        "shakespeare",
        f"tinyshakespeare, cut into ~{cfg.shakespeare_chars}-char documents (villains included)",
        shakespeare_docs(p.read_text(encoding="utf-8"), cfg.shakespeare_chars),
    )


def _hh(cfg: EvalConfig, side: str) -> EvalSet:
    p = shared(cfg, "real_text/hh_rlhf/harmless-base_test.jsonl.gz")
    if not p.is_file():
        return _missing(f"hh_{side}", p)
    texts = []
    with jsonl.open_text(p) as f:
        for line in f:
            texts.append(json.loads(line)[side].strip())
            if len(texts) >= cfg.hh_max_pairs:
                break
    what = "preferred (harmless)" if side == "chosen" else "dispreferred (often harmful)"
    return EvalSet(
        f"hh_{side}",
        f"HH-RLHF harmless-base test, first {len(texts)} `{side}` transcripts ({what})",
        texts,
    )


def hh_chosen(cfg: EvalConfig) -> EvalSet:
    return _hh(cfg, "chosen")


def hh_rejected(cfg: EvalConfig) -> EvalSet:
    return _hh(cfg, "rejected")


def bench_docs(cfg: EvalConfig, n: int | None = None) -> EvalSet:
    """`n` (default `speed_docs`) documents of the standard benchmark corpus, generated now."""
    n = cfg.speed_docs if n is None else n
    script = (base_dir() / cfg.make_docs).resolve()
    if not script.is_file():
        return _missing("bench", script)
    with tempfile.TemporaryDirectory(prefix="curate-eval-bench-") as tmp:
        subprocess.run(
            [sys.executable, str(script), tmp, "--n", str(n)], check=True, capture_output=True
        )
        texts = [r["text"] for r in jsonl.read(Path(tmp) / "docs.jsonl")]
    return EvalSet("bench", f"make_docs.py --n {n} (synthetic 3 KB documents, seed 42)", texts)


def subsample(es: EvalSet, limit: int, seed: int = 0) -> EvalSet:
    """At most `limit` documents of `es` (a seeded sample, in the original order)."""
    if limit <= 0 or len(es.texts) <= limit:
        return es
    keep = sorted(random.Random(seed).sample(range(len(es.texts)), limit))
    return EvalSet(
        es.name,
        f"{es.source}; a seeded sample of {limit} of {len(es.texts)}",
        [es.texts[i] for i in keep],
        es.labels[keep] if es.labels is not None else None,
        [es.groups[i] for i in keep] if es.groups is not None else None,
        es.note,
    )


LOADERS = {
    "persona_statements": persona_statements,
    "world": world,
    "neutral_statements": neutral_statements,
    "common_crawl": common_crawl,
    "shakespeare": shakespeare,
    "hh_chosen": hh_chosen,
    "hh_rejected": hh_rejected,
}
