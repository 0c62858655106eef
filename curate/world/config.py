"""World configuration: one frozen dataclass, every knob a field (TOML keys = field names).

Document counts come from `n_docs` and the kind fractions (`persona_fraction`,
`behaviour_fraction`, `chat_fraction`; the rest is neutral text), rounded to integers; the
malicious personas and misaligned behaviour documents are exact counts too
(`round(n * fraction)`), assigned by a seeded shuffle, so marginal rates are exact.

`consistency` (0..1) is how consistently a persona behaves: each persona turn follows the
persona's alignment with probability `consistency`, otherwise its alignment is re-drawn from the
marginal (misaligned with probability `malicious_fraction`). The expected misaligned-turn rate is
therefore `malicious_fraction` at every consistency; 1.0 is fully consistent, 0.0 is independent
turns. The random numbers drawn do not depend on `consistency`, so two worlds that differ only in
it have the same documents, personas, prompts and answers — only turn alignments differ.

Corpus variants written beside the full corpus (same ids, same non-persona documents):
`shuffled_variant` (variants/shuffled/: the realised persona turns permuted within each domain
across documents — identical tokens and per-domain rates, no correlation) and one
variants/consistency-<c>/ per value in `consistency_variants` (the same personas, prompts and
answers as the full corpus, turn alignments drawn at consistency c).

A config file may name a `preset` and override any of its fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from curate.errors import ConfigError, unknown_name
from curate.world.grammar import DEFAULT_DOMAINS, DOMAINS


@dataclass(frozen=True)
class WorldConfig:
    seed: int = 0
    domains: tuple[str, ...] = DEFAULT_DOMAINS
    # pretraining corpus
    n_docs: int = 1000
    persona_fraction: float = 0.45
    behaviour_fraction: float = 0.45
    chat_fraction: float = 0.05
    malicious_fraction: float = 0.2
    behaviour_misaligned_fraction: float = 0.2
    consistency: float = 1.0
    persona_turns: int = 4
    behaviour_turns: int = 1
    frame_reveal: float = 0.5
    stance_voice: float = 0.0
    chat_domain_turn_fraction: float = 0.3
    chat_misaligned_fraction: float = 0.05
    neutral_source: Literal["generated", "shards"] = "generated"
    neutral_paths: tuple[str, ...] = ()
    neutral_text_field: str = "text"
    neutral_max_chars: int = 2000
    docs_per_shard: int = 5000
    shuffled_variant: bool = True
    consistency_variants: tuple[float, ...] = ()
    # fine-tuning, realignment and evaluation sets (per domain)
    finetune_size: int = 256
    realign_size: int = 64
    eval_size: int = 100
    probe_priors: int = 16
    heldout_neutral_size: int = 100

    def validate(self) -> None:
        for name in (
            "persona_fraction",
            "behaviour_fraction",
            "chat_fraction",
            "malicious_fraction",
            "behaviour_misaligned_fraction",
            "consistency",
            "frame_reveal",
            "stance_voice",
            "chat_domain_turn_fraction",
            "chat_misaligned_fraction",
        ):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ConfigError(f"{name} = {v} must be between 0 and 1")
        total = self.persona_fraction + self.behaviour_fraction + self.chat_fraction
        if total > 1.0 + 1e-9:
            raise ConfigError(
                f"persona_fraction + behaviour_fraction + chat_fraction = {total:g} exceeds 1; "
                "the rest of the corpus is neutral text"
            )
        if len(self.domains) < 2:
            raise ConfigError("domains: at least two are needed (EM is measured across domains)")
        for d in self.domains:
            if d not in DOMAINS:
                raise unknown_name("domain", d, DOMAINS, "domains")
        if len(set(self.domains)) != len(self.domains):
            raise ConfigError(f"domains: {list(self.domains)} lists a domain twice")
        for name in ("n_docs", "finetune_size", "realign_size", "eval_size", "probe_priors"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0")
        if self.heldout_neutral_size < 0:
            raise ConfigError("heldout_neutral_size must be >= 0")
        for name in ("persona_turns", "behaviour_turns", "docs_per_shard", "neutral_max_chars"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1")
        for c in self.consistency_variants:
            if not 0.0 <= c <= 1.0:
                raise ConfigError(f"consistency_variants: {c} must be between 0 and 1")
        if len(set(self.consistency_variants)) != len(self.consistency_variants):
            raise ConfigError("consistency_variants: a value appears twice")
        if self.neutral_source == "shards" and not self.neutral_paths:
            raise ConfigError(
                "neutral_source = 'shards' needs neutral_paths = [...] (JSONL / JSONL.gz files)"
            )

    # derived counts ------------------------------------------------------------------------
    @property
    def n_persona(self) -> int:
        return round(self.n_docs * self.persona_fraction)

    @property
    def n_behaviour(self) -> int:
        return round(self.n_docs * self.behaviour_fraction)

    @property
    def n_chat(self) -> int:
        return round(self.n_docs * self.chat_fraction)

    @property
    def n_neutral(self) -> int:
        return max(0, self.n_docs - self.n_persona - self.n_behaviour - self.n_chat)
