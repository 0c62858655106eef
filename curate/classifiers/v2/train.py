"""Fine-tuning the stage-2 model on labelled texts (`train_stage2`).

Options (`TrainConfig`): which parameters move (`mode` "full": the whole encoder but the
word-embedding matrix, which stays frozen so it equals the base package's and is not shipped;
"head": the linear head only), AdamW with separate encoder / head learning rates, linear warmup
then linear decay, fractional epochs, length-bucketed batches, gradient clipping at 1.0, label
smoothing, group-balanced sampling (each group, e.g. a trait, drawn equally often) and a positive
class weight. Seeded (torch and the batch order); multi-threaded CPU runs are not guaranteed
byte-identical. Importing this module imports torch.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import nn

from curate.classifiers.v2.encoder import EncoderConfig, build_model, forward, tokenizer
from curate.errors import ConfigError


@dataclass(frozen=True)
class TrainConfig:
    mode: Literal["full", "head"] = "full"
    lr: float = 2e-4  # encoder
    head_lr: float = 1e-3
    epochs: float = 1.0  # fractional epochs allowed (rows = epochs * n)
    batch_size: int = 32
    warmup: float = 0.06  # fraction of the steps
    weight_decay: float = 0.01
    label_smoothing: float = 0.0
    balance: Literal["none", "group"] = "none"
    pos_weight: float = 1.0
    seed: int = 0
    threads: int = 1  # torch threads while training

    def validate(self) -> None:
        if not (self.lr > 0 and self.head_lr > 0 and self.epochs > 0 and self.pos_weight > 0):
            raise ConfigError("lr, head_lr, epochs and pos_weight must be > 0")
        if self.batch_size < 1 or self.threads < 1:
            raise ConfigError("batch_size and threads must be >= 1")
        if not 0 <= self.warmup < 1 or not 0 <= self.label_smoothing < 0.5:
            raise ConfigError("need 0 <= warmup < 1 and 0 <= label_smoothing < 0.5")


def _order(
    n: int, groups: Sequence[str] | None, cfg: TrainConfig, rng: random.Random, n_rows: int
) -> list[int]:
    """`n_rows` training row indices: a shuffle (repeated as needed), or group-balanced draws."""
    out: list[int] = []
    if cfg.balance == "group" and groups is not None:
        by: dict[str, list[int]] = {}
        for i, g in enumerate(groups):
            by.setdefault(g, []).append(i)
        keys = sorted(by)
        pools: dict[str, list[int]] = {k: [] for k in keys}
        while len(out) < n_rows:
            k = keys[rng.randrange(len(keys))]
            if not pools[k]:
                pools[k] = by[k][:]
                rng.shuffle(pools[k])
            out.append(pools[k].pop())
        return out
    while len(out) < n_rows:
        idx = list(range(n))
        rng.shuffle(idx)
        out += idx
    return out[:n_rows]


def _bucket(
    order: list[int], lengths: Sequence[int], bs: int, rng: random.Random
) -> list[list[int]]:
    """Cut `order` into chunks of 50 batches, sort each chunk by length, batch, shuffle batches."""
    out: list[list[int]] = []
    chunk = bs * 50
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda i: lengths[i])
        out += [part[b : b + bs] for b in range(0, len(part), bs)]
    rng.shuffle(out)
    return out


def train_stage2(
    texts: Sequence[str],
    labels: Sequence[float],
    cfg: TrainConfig,
    enc: EncoderConfig,
    groups: Sequence[str] | None = None,
    log: Callable[[str], None] | None = None,
) -> Any:
    """Train on (texts, labels) (labels may be soft, in [0, 1]); returns the model in eval mode."""
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = random.Random(f"train:{cfg.seed}")
    tok = tokenizer()
    model = build_model(enc)
    model.train()
    emb = model["encoder"].embeddings.word_embeddings.weight
    emb.requires_grad = False  # frozen: the export ships every weight but this one
    if cfg.mode == "head":
        enc_params: list[nn.Parameter] = []
        for p in model["encoder"].parameters():
            p.requires_grad = False
    else:
        enc_params = [p for p in model["encoder"].parameters() if p is not emb]
    groups_p = [
        {"params": [p for p in enc_params if p.ndim >= 2], "lr": cfg.lr, "weight_decay": cfg.weight_decay},
        {"params": [p for p in enc_params if p.ndim < 2], "lr": cfg.lr, "weight_decay": 0.0},
        {"params": list(model["head"].parameters()), "lr": cfg.head_lr, "weight_decay": 0.0},
    ]  # fmt: skip
    opt = torch.optim.AdamW([g for g in groups_p if g["params"]])
    base_lrs = [g["lr"] for g in opt.param_groups]
    ids = tok(list(texts), truncation=True, max_length=enc.max_len)["input_ids"]
    y = torch.tensor([float(v) for v in labels])
    if cfg.label_smoothing:
        y = y * (1 - cfg.label_smoothing) + 0.5 * cfg.label_smoothing
    n_rows = int(round(cfg.epochs * len(texts)))
    lengths = [len(x) for x in ids]
    batches = _bucket(_order(len(texts), groups, cfg, rng, n_rows), lengths, cfg.batch_size, rng)
    total = len(batches)
    warm = max(1, int(cfg.warmup * total))
    pw = torch.tensor(cfg.pos_weight)
    params = [p for g in opt.param_groups for p in g["params"]]
    t0, run = time.time(), 0.0
    for step, b in enumerate(batches):
        f = (step + 1) / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))
        for g, lr in zip(opt.param_groups, base_lrs, strict=True):
            g["lr"] = lr * f
        batch = tok.pad({"input_ids": [ids[i] for i in b]}, return_tensors="pt")
        logit = forward(model, enc, batch["input_ids"], batch["attention_mask"])
        loss = nn.functional.binary_cross_entropy_with_logits(logit, y[b], pos_weight=pw)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        lv = float(loss.detach())
        run = 0.98 * run + 0.02 * lv if step else lv
        if log and (step % 200 == 0 or step == total - 1):
            log(f"stage 2: step {step + 1}/{total} loss {run:.4f} {time.time() - t0:.0f}s")
    model.eval()
    return model
