"""Byte-level BPE tokenizer (HF `tokenizers`), trained once per ablation on the union of variants.

Byte-level means every string is encodable (no unknown token) and decoding is exact. Two special
tokens: `<|endoftext|>` (id 0) separates documents in the pretraining stream and ends every
fine-tuning answer; `<|pad|>` (id 1) pads fine-tuning batches (always masked from the loss).
Only the code inserts them: a document that spells `<|endoftext|>` in its text is encoded as
those characters (HF `encode_special_tokens`), so text cannot split the stream or vanish on
decode (a property test found `<|pad|>` decoding to "").

Training is deterministic for a given text order; the ablation feeds texts in a fixed order
(variants in spec order, shards sorted, duplicates removed), so the same spec on the same corpora
gives the same `tokenizer.json`. The file is saved with the run (`ablations/<name>/tokenizer.json`)
and reused when it exists, so a resumed ablation never re-tokenizes differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer as HFTokenizer
from tokenizers import decoders, models, pre_tokenizers, trainers

from curate.errors import CurateError
from curate.files import atomic_write_text

EOT = "<|endoftext|>"
PAD = "<|pad|>"


class Tokenizer:
    """Thin wrapper: `encode`, `encode_batch`, `decode`, `eot_id`, `pad_id`, `vocab_size`."""

    def __init__(self, hf: HFTokenizer) -> None:
        self.hf = hf
        eot, pad = hf.token_to_id(EOT), hf.token_to_id(PAD)
        if eot is None or pad is None:
            raise CurateError(f"tokenizer lacks the special tokens {EOT} / {PAD}; retrain it")
        self.eot_id: int = eot
        self.pad_id: int = pad
        hf.encode_special_tokens = True  # text never becomes a special token (module docstring)

    @property
    def vocab_size(self) -> int:
        return self.hf.get_vocab_size()

    def encode(self, text: str) -> list[int]:
        return self.hf.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.hf.encode_batch(list(texts), add_special_tokens=False)]

    def decode(self, ids: Sequence[int]) -> str:
        return self.hf.decode(list(ids), skip_special_tokens=True)

    def encode_stream(self, texts: Iterable[str], batch: int = 2048) -> np.ndarray:
        """All texts as one token stream, each document followed by `<|endoftext|>`."""
        parts: list[np.ndarray] = []
        buf: list[str] = []

        def flush() -> None:
            for ids in self.encode_batch(buf):
                parts.append(np.asarray([*ids, self.eot_id], dtype=np.int32))
            buf.clear()

        for t in texts:
            buf.append(t)
            if len(buf) >= batch:
                flush()
        if buf:
            flush()
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def save(self, path: str | Path) -> None:
        atomic_write_text(path, self.hf.to_str())

    @classmethod
    def load(cls, path: str | Path) -> Tokenizer:
        p = Path(path)
        if not p.is_file():
            raise CurateError(f"{p}: tokenizer file not found")
        return cls(HFTokenizer.from_file(str(p)))


def train(texts: Iterable[str], vocab_size: int = 2048, min_frequency: int = 2) -> Tokenizer:
    """Train a byte-level BPE with `vocab_size` entries (specials and the 256 bytes included)."""
    if vocab_size < 260:
        raise CurateError(f"vocab_size must be >= 260 (256 bytes + specials), got {vocab_size}")
    hf = HFTokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=[EOT, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    hf.train_from_iterator(texts, trainer=trainer)
    return Tokenizer(hf)
