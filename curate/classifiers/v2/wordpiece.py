"""The base model's WordPiece tokenizer, without torch.

`WordPiece(folder)` reads the base package's `tokenizer.json` through the `tokenizers` library
(the Rust tokenizer transformers' fast tokenizer wraps): ``tok(texts, max_length=...)`` ->
``{"input_ids": [...]}`` with [CLS]/[SEP], truncated; ``tok.pad(batch)`` -> the padded ids and
the attention mask, as numpy int64 arrays (``return_tensors="np"``, the numpy stage 2) or torch
tensors (``"pt"``, training and the torch stage 2). `tests/test_minilm.py` checks it against
transformers' AutoTokenizer (ids identical).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer


class WordPiece:
    """The base model's WordPiece tokenizer (`tokenizer.json`), with the two calls stage 2 makes."""

    def __init__(self, folder: Path) -> None:
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.no_padding()
        self.pad_id = int(json.loads((folder / "config.json").read_text()).get("pad_token_id", 0))
        self._max: int | None = None
        self.tok.no_truncation()

    def __call__(
        self, texts: Sequence[str], truncation: bool = True, max_length: int = 512
    ) -> dict[str, list[list[int]]]:
        want = max_length if truncation else None
        if self._max != want:
            if want is None:
                self.tok.no_truncation()
            else:
                self.tok.enable_truncation(want)
            self._max = want
        return {"input_ids": [e.ids for e in self.tok.encode_batch(list(texts))]}

    def pad(self, batch: dict[str, list[list[int]]], return_tensors: str = "pt") -> dict[str, Any]:
        """Right-pad `batch["input_ids"]` to its longest row; `return_tensors` "np" or "pt"."""
        if return_tensors not in ("np", "pt"):
            raise ValueError(f"return_tensors must be 'np' or 'pt', got {return_tensors!r}")
        ids = batch["input_ids"]
        width = max((len(x) for x in ids), default=0)
        out = np.full((len(ids), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, x in enumerate(ids):
            out[i, : len(x)] = x
            mask[i, : len(x)] = 1
        if return_tensors == "np":
            return {"input_ids": out, "attention_mask": mask}
        # deferred: torch only for the torch callers
        import torch

        return {"input_ids": torch.from_numpy(out), "attention_mask": torch.from_numpy(mask)}
