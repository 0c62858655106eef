"""Narrow fine-tunes: answer-only loss on chat examples, full fine-tune or LoRA.

An example is the text up to where the assistant's answer starts (`prefix`, rendered with the one
chat format, `curate.world.render.chat_prefix`) and the `answer` (`continuation(answer)`: exactly
the text an evaluation scores after that prefix). Its tokens are
`encode(prefix) + encode(answer) + <|endoftext|>`; only answer tokens (and the end token) carry
loss, the prefix positions get target -100. An example longer than the context keeps its answer
and loses the oldest prefix tokens.

Training: AdamW at a constant learning rate (optionally a linear warmup), gradient clipping,
batches drawn by epochs of a seeded permutation. `checkpoints` is a list of steps at which
`on_checkpoint(step, model)` is called (the model in eval mode; training resumes after it), so
one run yields the 10/25/50/100-step models of a sweep without re-training. `kind = "lora"` trains
rank-r adapters on a frozen copy; `kind = "full"` trains every weight of a copy. The caller's
model is never modified.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch

from curate.errors import ConfigError, CurateError
from curate.training.device import DevicePolicy
from curate.training.model import GPT, apply_lora
from curate.training.pretrain import make_optimizer
from curate.training.tokenizer import Tokenizer
from curate.world.render import chat_prefix, continuation


@dataclass(frozen=True)
class Example:
    prefix: str
    answer: str


@dataclass(frozen=True)
class FinetuneConfig:
    kind: Literal["full", "lora"] = "full"
    lr: float = 3e-4
    steps: int = 10
    batch_size: int = 16
    warmup_steps: int = 0
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    lora_r: int = 8
    lora_alpha: float = 16.0

    def validate(self) -> None:
        if self.lr <= 0 or self.steps < 1 or self.batch_size < 1 or self.lora_r < 1:
            raise ConfigError("lr must be > 0; steps, batch_size and lora_r must be >= 1")


def examples_from_chat(records: Sequence[dict[str, Any]], where: str = "") -> list[Example]:
    """Chat JSONL records (`{"messages": [...]}`) → examples for their *last* assistant turn."""
    out = []
    for i, r in enumerate(records):
        msgs = r.get("messages")
        if not isinstance(msgs, list) or not msgs or msgs[-1].get("role") != "assistant":
            raise CurateError(
                f"{where} record {i}: expected 'messages' ending with an assistant turn; "
                "fine-tuning sets are chat JSONL"
            )
        user = msgs[-2] if len(msgs) >= 2 else {"content": ""}
        prefix = chat_prefix(msgs[:-2], user.get("content", ""))
        out.append(Example(prefix, continuation(msgs[-1]["content"])))
    return out


def encode_examples(
    tok: Tokenizer, examples: Sequence[Example], ctx: int
) -> list[tuple[list[int], list[int]]]:
    """(input ids, targets) per example; targets are -100 on the prefix."""
    pre = tok.encode_batch([e.prefix for e in examples])
    ans = tok.encode_batch([e.answer for e in examples])
    out = []
    for p, a in zip(pre, ans, strict=True):
        a = [*a, tok.eot_id]
        full = (p + a)[-(ctx + 1) :]
        n_ans = min(len(a), len(full) - 1)
        x = full[:-1]
        y = [-100] * (len(full) - 1 - n_ans) + full[-n_ans:]
        out.append((x, y))
    return out


def collate(
    items: Sequence[tuple[list[int], list[int]]], pad_id: int
) -> tuple[torch.Tensor, torch.Tensor]:
    t = max(len(x) for x, _ in items)
    xs = torch.full((len(items), t), pad_id, dtype=torch.long)
    ys = torch.full((len(items), t), -100, dtype=torch.long)
    for i, (x, y) in enumerate(items):
        xs[i, : len(x)] = torch.tensor(x)
        ys[i, : len(y)] = torch.tensor(y)
    return xs, ys


def finetune(
    base: GPT,
    tok: Tokenizer,
    examples: Sequence[Example],
    cfg: FinetuneConfig,
    seed: int,
    policy: DevicePolicy,
    checkpoints: Sequence[int] = (),
    on_checkpoint: Callable[[int, GPT], None] | None = None,
) -> tuple[GPT, list[tuple[int, float]]]:
    """Fine-tune a copy of `base`; returns it (after `cfg.steps`) and the (step, loss) log."""
    if not examples:
        raise CurateError("fine-tuning set is empty")
    model = copy.deepcopy(base).to(policy.device)
    if cfg.kind == "lora":
        apply_lora(model, cfg.lora_r, cfg.lora_alpha, seed=seed)
    opt = make_optimizer(model, cfg.lr, cfg.weight_decay, (0.9, 0.95), fused=policy.is_cuda)
    data = encode_examples(tok, examples, base.cfg.ctx)
    g = torch.Generator().manual_seed(seed * 7_919 + 17)
    order: list[int] = []
    marks = sorted(set(checkpoints))
    log: list[tuple[int, float]] = []
    model.train()
    for step in range(cfg.steps):
        idx = []
        while len(idx) < cfg.batch_size:
            if not order:
                order = torch.randperm(len(data), generator=g).tolist()
            idx.append(order.pop())
            if len(idx) == len(data):
                break
        x, y = collate([data[i] for i in idx], tok.pad_id)
        x, y = x.to(policy.device), y.to(policy.device)
        lr = cfg.lr * min(1.0, (step + 1) / cfg.warmup_steps) if cfg.warmup_steps else cfg.lr
        for grp in opt.param_groups:
            grp["lr"] = lr
        with policy.autocast():
            _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[union-attr]
        if cfg.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(
                [p for p in model.parameters() if p.requires_grad], cfg.grad_clip
            )
        opt.step()
        log.append((step + 1, float(loss.item())))  # type: ignore[union-attr]
        if on_checkpoint and (step + 1) in marks:
            model.eval()
            on_checkpoint(step + 1, model)
            model.train()
    model.eval()
    return model, log
