"""MinHash signatures from text (REFERENCE VERSION: correct but slow; the dedup issue replaces the
body with a vectorized kernel and keeps this interface).

Interface used by the audit's MinHash step::

    cfg = MinHashConfig(num_perm=128, ngram=5, seed=1)
    sig = MinHasher(cfg).signatures(texts)   # np.ndarray, shape (len(texts), num_perm), uint32

Shingles are word n-grams of `curate.text.normalize(text)`; a document shorter than one shingle
uses its whole normalized text as one shingle; an empty document gets the all-max signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from curate.errors import ConfigError
from curate.text import normalize


@dataclass(frozen=True)
class MinHashConfig:
    num_perm: int = 128
    ngram: int = 5
    seed: int = 1

    def validate(self) -> None:
        if not 16 <= self.num_perm <= 1024:
            raise ConfigError(f"num_perm must be in [16, 1024], got {self.num_perm}")
        if self.ngram < 1:
            raise ConfigError(f"ngram must be >= 1, got {self.ngram}")


class MinHasher:
    def __init__(self, cfg: MinHashConfig) -> None:
        self.cfg = cfg

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        from datasketch import MinHash

        out = np.empty((len(texts), self.cfg.num_perm), dtype=np.uint32)
        n = self.cfg.ngram
        for i, t in enumerate(texts):
            words = normalize(t).split()
            if not words:
                out[i] = np.iinfo(np.uint32).max
                continue
            shingles = (
                [" ".join(words[j : j + n]) for j in range(len(words) - n + 1)]
                if len(words) >= n
                else [" ".join(words)]
            )
            m = MinHash(num_perm=self.cfg.num_perm, seed=self.cfg.seed)
            m.update_batch([s.encode() for s in shingles])
            out[i] = m.hashvalues.astype(np.uint32)
        return out
