"""Training throughput: curate's trainer vs a plain reference loop of the same model, same run.

The reference is the textbook loop: the same GPT shape written with manual attention
(q·kᵀ/√d, causal mask, softmax, ·v) instead of SDPA, fp32, no autocast, plain AdamW, no gradient
clipping, no schedule, no checkpoints. Both train on the same random token stream with the same
batch shape. Each is timed end to end (wall clock around the whole training call, so the trainer
pays for its checkpoints, logging and schedule), in alternating rounds, best round kept.

Prints tokens/s and MFU of each and the ratio trainer/reference (target >= 1.0). MFU uses the same
FLOPs-per-token count and the same peak for both (on CPU: this process's measured fp32 matmul
throughput), so the MFU ratio equals the tokens/s ratio.

    .venv/bin/python bench/train_throughput.py [--steps 60] [--rounds 3] [--device auto]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from curate.training.device import flops_per_token, peak_flops, resolve
from curate.training.model import GPT, GPTConfig
from curate.training.pretrain import PretrainConfig, pretrain


class RefBlock(nn.Module):
    def __init__(self, d: int, h: int) -> None:
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.h, c // self.h).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.h)
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class RefGPT(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.wpe = nn.Embedding(cfg.ctx, cfg.d_model)
        self.blocks = nn.ModuleList(RefBlock(cfg.d_model, cfg.n_head) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_model)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        for b in self.blocks:
            x = b(x)
        return self.ln_f(x) @ self.wte.weight.t()


def reference_loop(stream: torch.Tensor, cfg: GPTConfig, steps: int, batch: int, dev) -> float:
    torch.manual_seed(0)
    model = RefGPT(cfg).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    g = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    for _ in range(steps):
        ix = torch.randint(stream.numel() - cfg.ctx - 1, (batch,), generator=g)
        w = torch.stack([stream[i : i + cfg.ctx + 1] for i in ix.tolist()]).long().to(dev)
        logits = model(w[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), w[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return steps * batch * cfg.ctx / (time.perf_counter() - t0)


def trainer_run(stream: np.ndarray, cfg: GPTConfig, steps: int, batch: int, policy) -> float:
    pc = PretrainConfig(
        steps=steps, batch_size=batch, warmup_steps=5, ckpt_every=max(1, steps // 2)
    )
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        pretrain(stream, cfg, pc, seed=0, out_dir=d, policy=policy)
        if policy.is_cuda:
            torch.cuda.synchronize()
        return steps * batch * cfg.ctx / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=128)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    policy = resolve(a.device)
    cfg = GPTConfig(n_layer=a.n_layer, n_head=4, d_model=a.d_model, ctx=a.ctx, vocab_size=2048)
    stream_np = np.random.default_rng(0).integers(2, 2048, 400_000).astype(np.int32)
    stream_t = torch.from_numpy(stream_np)
    n_nonembed = GPT(cfg).n_params(non_embedding=True)
    fl = flops_per_token(n_nonembed, cfg.n_layer, cfg.d_model, cfg.ctx, cfg.vocab_size)
    peak = peak_flops(policy)
    ref_best = ours_best = 0.0
    for r in range(a.rounds):
        ref = reference_loop(stream_t, cfg, a.steps, a.batch, policy.device)
        ours = trainer_run(stream_np, cfg, a.steps, a.batch, policy)
        ref_best, ours_best = max(ref_best, ref), max(ours_best, ours)
        print(
            f"round {r}: reference {ref:,.0f} tok/s, trainer {ours:,.0f} tok/s ({ours / ref:.2f}x)"
        )
    print(f"device {policy.describe()}, model {cfg}, peak {peak:.3g} FLOP/s, {fl:.3g} FLOP/token")
    print(f"reference: {ref_best:,.0f} tokens/s, MFU {ref_best * fl / peak:.3f}")
    print(f"trainer:   {ours_best:,.0f} tokens/s, MFU {ours_best * fl / peak:.3f}")
    print(f"ratio trainer/reference (tokens/s and MFU): {ours_best / ref_best:.2f}x")


if __name__ == "__main__":
    main()
