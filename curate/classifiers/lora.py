"""LoRA: the one low-rank adapter layer of the project, and stage-2 encoder fine-tuning with it.

`LoRALinear` wraps a frozen `nn.Linear`: y = base(x) + scale * x A^T B^T, with A (rank x in) given
by the caller and B (out x rank) starting at zero, so the wrapped layer starts equal to its base.
The GPT's fine-tunes use it (`curate.training.model.apply_lora`: Kaiming-uniform A from a seeded
generator, scale alpha/r) and so does the classifier's stage 2 (`attach`: Gaussian A / sqrt(fan-in)
from torch's global generator, scale 1). Importing this module imports torch.

Why stage 2 fine-tunes MiniLM: mean-pooled, frozen all-MiniLM-L6-v2 embeddings barely encode
stance ("I enjoy deceiving people" and "I would never deceive people" sit close together), so a
linear model over them stalls on short first-person statements. Fine-tuning the encoder on the
project's own stance-paired statements fixes that, but a fine-tuned copy of MiniLM is 90 MB. A
rank-r adapter on every linear layer of the six transformer blocks is ~330k numbers (1.3 MB as
float32) and is merged into the weights at load time (`curate.classifiers.adapters`), so scoring
costs exactly what frozen MiniLM costs.

Training (`train_adapter`): the base model, tokenizer, pooling (attention-masked mean, then L2
normalisation) and the head `logit = w . [e, x] + b` are trained jointly with binary
cross-entropy, where x holds fixed per-text features (the out-of-fold stage-1 logit, the length:
fastText is the better judge of long paragraphs, MiniLM of short statements); only A, B, w and
b move. Batches come from a seeded shuffle within coarse token-length buckets (mixed templates
and labels, little padding), in a fixed order; torch runs with a fixed thread count and seed,
so a retrain on the same machine gives the same bytes. The head is returned as plain floats and
stored in `model.json` (one entry per ensemble member); the adapter goes to a `.safetensors`
file (no pickles) next to it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from curate.classifiers.adapters import (
    adapter_state,
    base_model_path,
    layer,
    set_layer,
    target_names,
)
from curate.files import atomic_path

HEAD_SCALE = 10.0  # the head sees 10*e: unit-norm inputs otherwise need huge weights


class LoRALinear(nn.Module):
    """y = base(x) + scale * x A^T B^T with `base` frozen and B initialised to zero.

    `a` is A's initial value (rank x base.in_features), drawn by the caller; it is moved to the
    base layer's device and dtype. The trainable parameters are `lora_a` (A) and `lora_b` (B)."""

    def __init__(self, base: nn.Linear, a: torch.Tensor, scale: float = 1.0) -> None:
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.r = a.shape[0]
        self.scale = scale
        dev, dt = base.weight.device, base.weight.dtype
        self.lora_a = nn.Parameter(a.to(dev, dt))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, self.r, device=dev, dtype=dt))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale


@dataclass(frozen=True)
class AdapterTrainConfig:
    rank: int = 8
    lr: float = 1e-3
    epochs: int = 2
    batch_size: int = 32
    max_tokens: int = 128
    threads: int = 2
    seed: int = 1234


def attach(model: Any, rank: int) -> dict[str, tuple[Any, Any]]:
    """Freeze `model` and wrap every target layer (`adapters.TARGETS`) in a `LoRALinear`;
    returns name -> (A, B).

    A starts random (Gaussian, scaled 1/sqrt(fan-in), from torch's global generator) and B at
    zero, so the wrapped model starts equal to the base model; forward is base(x) + x A^T B^T,
    i.e. weight W + B A after `adapters.merge_adapter`."""
    for p in model.parameters():
        p.requires_grad = False
    out = {}
    for n in target_names(model):
        base = layer(model, n)
        lora = LoRALinear(base, torch.randn(rank, base.in_features) / base.in_features**0.5)
        set_layer(model, n, lora)
        out[n] = (lora.lora_a, lora.lora_b)
    return out


BUCKET_TOKENS = 32  # batches are drawn from length buckets this wide (padding stays small)


def _batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """A seeded shuffle, split into token-length buckets `BUCKET_TOKENS` wide, each cut into
    consecutive batches; then all batches shuffled.

    Inside a bucket the order stays random, so a batch mixes templates and labels; the earlier
    rule (sort by exact length in chunks of 50 batches) made batches of near-identical length,
    mostly one template. `bench/stage2_batching.py` compares the two on the training statements:
    on the current data they are within seed noise of each other (model card)."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    buckets: dict[int, list[int]] = {}
    for i in idx:
        buckets.setdefault((max(lengths[i], 1) - 1) // BUCKET_TOKENS, []).append(i)
    out: list[list[int]] = []
    for k in sorted(buckets):
        part = buckets[k]
        out.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def train_adapter(
    texts: Sequence[str],
    labels: Sequence[int],
    cfg: AdapterTrainConfig,
    out_path: str | Path,
    progress: Callable[[str], None] | None = None,
    extra: np.ndarray | None = None,
) -> tuple[list[float], float]:
    """Fine-tune adapters + head on (texts, labels); write the adapter; return (coef, intercept).

    coef/intercept score the *merged* model's normalised embedding e, followed by the fixed
    per-text `extra` columns when given (e.g. the out-of-fold stage-1 logit and the length):
    logit = coef . [e, extra] + b."""
    # the adapter's init and dropout draw from torch's global CPU generator: fork it, so
    # training seeds its own draws without resetting the caller's (training runs on the CPU;
    # torch.manual_seed would also reseed a CUDA generator, which fork_rng here does not restore)
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(cfg.seed)
        return _train_adapter(texts, labels, cfg, out_path, progress, extra)


def _train_adapter(
    texts: Sequence[str],
    labels: Sequence[int],
    cfg: AdapterTrainConfig,
    out_path: str | Path,
    progress: Callable[[str], None] | None,
    extra: np.ndarray | None,
) -> tuple[list[float], float]:
    # deferred: transformers and safetensors cost seconds to import, and only training needs them
    from safetensors.torch import save_file
    from transformers import AutoModel, AutoTokenizer  # deferred, as safetensors above

    threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        tok = AutoTokenizer.from_pretrained(base_model_path())
        model = AutoModel.from_pretrained(base_model_path())
        model.train()
        adapters = attach(model, cfg.rank)
        x_extra = torch.zeros((len(texts), 0)) if extra is None else torch.tensor(extra).float()
        head = torch.nn.Linear(model.config.hidden_size + x_extra.shape[1], 1)
        params = [p for ab in adapters.values() for p in ab] + list(head.parameters())
        opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.0)
        enc = tok(list(texts), truncation=True, max_length=cfg.max_tokens)
        ids = enc["input_ids"]
        y_all = torch.tensor([float(v) for v in labels])
        rng = random.Random(f"{cfg.seed}:lora")
        n_steps = 0
        for epoch in range(cfg.epochs):
            batches = _batches([len(x) for x in ids], cfg.batch_size, rng)
            bar = tqdm(
                batches, desc=f"stage 2 adapter, epoch {epoch + 1}/{cfg.epochs}", leave=False
            )
            total = 0.0
            for b in bar:
                batch = tok.pad({"input_ids": [ids[i] for i in b]}, return_tensors="pt")
                h = model(**batch).last_hidden_state
                m = batch["attention_mask"].unsqueeze(-1).to(h.dtype)
                e = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)
                logit = head(torch.cat([e * HEAD_SCALE, x_extra[b]], dim=1)).squeeze(-1)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y_all[b])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(b)
                n_steps += 1
            if progress:
                progress(f"adapter epoch {epoch + 1}: mean loss {total / len(ids):.4f}")
        state = adapter_state(adapters)
        # no metadata: safetensors writes its metadata map in varying order (different bytes).
        # Written beside the target and renamed: a crash never leaves half a file.
        with atomic_path(out_path) as tmp:
            save_file(state, str(tmp))
        if progress:
            progress(f"adapter: rank {cfg.rank}, {n_steps} steps, {len(state)} tensors")
        w = head.weight.detach().numpy()[0].astype(np.float64)
        w[: model.config.hidden_size] *= HEAD_SCALE
        coef = [round(float(v), 6) for v in w]
        return coef, round(float(head.bias.detach()[0]), 6)
    finally:
        torch.set_num_threads(threads)
