"""Pretraining loop: AdamW, linear warmup + cosine decay, gradient clipping, atomic checkpoints,
exact resume after a kill.

Data is one token stream (documents separated by `<|endoftext|>`); a batch is `batch_size` random
windows of `ctx + 1` tokens. The windows of step s are drawn from a generator seeded by
(seed, s), so the batch sequence does not depend on how many times the run was interrupted:
resuming from a checkpoint replays exactly the steps an uninterrupted run would take, and (on CPU)
ends with bit-identical weights (tested).

Files in `out_dir`:

- `ckpt.pt`    latest checkpoint (model, optimizer, step, RNG state, loss log), written every
               `ckpt_every` steps to a temp name and renamed: a kill never leaves a torn file;
- `final.pt`   model weights + config, written last: its presence means "done", and a rerun
               loads it instead of training;
- `loss.jsonl` one row per logged step (step, loss, lr), `stats.json` throughput (tokens/s, MFU).

Checkpoints load with `torch.load(weights_only=True)`: they hold only tensors and plain data.
"""

from __future__ import annotations

import json
import math
import pickle
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from curate import jsonl
from curate.errors import ConfigError, CurateError
from curate.files import atomic_path, atomic_write_text
from curate.training.device import DevicePolicy, Throughput, flops_per_token, peak_flops
from curate.training.model import GPT, GPTConfig


@dataclass(frozen=True)
class PretrainConfig:
    steps: int = 800
    batch_size: int = 32
    lr: float = 2e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 40
    weight_decay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.95
    grad_clip: float = 1.0
    ckpt_every: int = 200
    log_every: int = 10
    peak_flops: float = 0.0  # 0 = CUDA table / measured CPU matmul peak

    def validate(self) -> None:
        for k in ("steps", "batch_size", "ckpt_every", "log_every"):
            if getattr(self, k) < 1:
                raise ConfigError(f"{k} must be >= 1, got {getattr(self, k)}")
        if self.steps > 10**8 or self.batch_size > 10**6:
            raise ConfigError(
                f"steps = {self.steps}, batch_size = {self.batch_size}: beyond any run this lab "
                "makes (steps <= 1e8, batch_size <= 1e6); check the values"
            )
        if self.lr <= 0 or not 0 <= self.min_lr_ratio <= 1:
            raise ConfigError("lr must be > 0 and min_lr_ratio in [0, 1]")
        if self.warmup_steps < 0 or self.grad_clip < 0:
            raise ConfigError("warmup_steps and grad_clip must be >= 0")


def lr_at(step: int, cfg: PretrainConfig) -> float:
    """Learning rate for 0-based `step`: linear warmup, then cosine down to lr·min_lr_ratio."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + (cfg.lr - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))


def make_optimizer(
    model: torch.nn.Module, lr: float, weight_decay: float, betas: tuple[float, float], fused: bool
) -> torch.optim.AdamW:
    """AdamW; weight decay on matrices (dim >= 2) only, never on biases or LayerNorm."""
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    rest = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}]
    if rest:
        groups.append({"params": rest, "weight_decay": 0.0})
    return torch.optim.AdamW(groups, lr=lr, betas=betas, fused=fused or None)


def atomic_torch_save(obj: Any, path: Path) -> None:
    """`torch.save` to a temp file beside `path`, renamed over it when complete."""
    with atomic_path(path) as tmp:
        torch.save(obj, tmp)


def batch_at(
    stream: torch.Tensor, step: int, seed: int, batch_size: int, ctx: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The (inputs, targets) windows of `step`: a pure function of (seed, step)."""
    n = stream.numel() - ctx - 1
    if n <= 0:
        raise CurateError(
            f"the corpus has {stream.numel()} tokens, fewer than one context window ({ctx + 1})"
        )
    g = torch.Generator().manual_seed(seed * 1_000_003 + step)
    ix = torch.randint(n, (batch_size,), generator=g)
    offs = torch.arange(ctx + 1)
    w = stream[ix[:, None] + offs[None, :]].long()
    return w[:, :-1], w[:, 1:]


@dataclass
class PretrainResult:
    model: GPT
    losses: list[tuple[int, float, float]]  # (step, loss, lr)
    tokens_per_s: float
    mfu: float
    resumed_from: int
    finished: bool


def load_checkpoint(path: Path) -> dict[str, Any]:
    """`torch.load(weights_only=True)`; a file holding anything else (a pickled callable, a
    foreign or torn file) is refused with a CurateError that names it, and nothing in it runs."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CurateError(
            f"{path}: not a checkpoint this tool wrote (refused by torch.load(weights_only=True): "
            f"{first}); delete it to retrain from scratch"
        ) from None


def load_final(out_dir: Path, policy: DevicePolicy) -> GPT:
    blob = load_checkpoint(out_dir / "final.pt")
    model = GPT(GPTConfig(**blob["config"]))
    model.load_state_dict(blob["model"])
    return model.to(policy.device)


def _load_finished(out: Path, cfg: PretrainConfig, policy: DevicePolicy) -> PretrainResult:
    """The result of a finished run: `final.pt`, its loss log and throughput."""
    model = load_final(out, policy)
    losses = [tuple(json.loads(x)) for x in (out / "loss.jsonl").read_text().splitlines()]
    stats = json.loads((out / "stats.json").read_text())
    return PretrainResult(
        model,
        losses,  # type: ignore[arg-type]
        stats["tokens_per_s"],
        stats["mfu"],
        cfg.steps,
        True,
    )


def _resume(
    model: GPT, opt: torch.optim.Optimizer, ckpt_path: Path
) -> tuple[int, list[tuple[int, float, float]]]:
    """Restore model, optimizer and RNG from `ckpt.pt` when there is one: (start step, losses)."""
    if not ckpt_path.is_file():
        return 0, []
    ck = load_checkpoint(ckpt_path)
    model.load_state_dict(ck["model"])
    opt.load_state_dict(ck["optimizer"])
    torch.set_rng_state(ck["rng"])
    return int(ck["step"]), [tuple(x) for x in ck["losses"]]


def _save_checkpoint(
    model: GPT, opt: torch.optim.Optimizer, step: int, losses: list, ckpt_path: Path
) -> None:
    atomic_torch_save(
        {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "step": step,
            "losses": [list(x) for x in losses],
            "rng": torch.get_rng_state(),
        },
        ckpt_path,
    )


def _train_step(
    model: GPT,
    opt: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    cfg: PretrainConfig,
    policy: DevicePolicy,
) -> torch.Tensor:
    """One optimizer step on a batch; returns the loss."""
    x, y = x.to(policy.device, non_blocking=True), y.to(policy.device, non_blocking=True)
    with policy.autocast():
        _, loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()  # type: ignore[union-attr]
    if cfg.grad_clip > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
    opt.step()
    return loss  # type: ignore[return-value]


def pretrain(
    stream: np.ndarray,
    model_cfg: GPTConfig,
    cfg: PretrainConfig,
    seed: int,
    out_dir: str | Path,
    policy: DevicePolicy,
    progress: bool = False,
    stop_after: int | None = None,
    on_log: Callable[[int, float], None] | None = None,
) -> PretrainResult:
    """Train (or resume, or load when finished) one model on `stream`.

    `stop_after` ends the call after that many steps *of this call* without writing `final.pt`
    (used to test resume; a real kill behaves the same from the last checkpoint).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "final.pt").is_file():
        return _load_finished(out, cfg, policy)
    torch.manual_seed(seed)
    model = GPT(model_cfg).to(policy.device)
    opt = make_optimizer(
        model, cfg.lr, cfg.weight_decay, (cfg.beta1, cfg.beta2), fused=policy.is_cuda
    )
    ckpt_path = out / "ckpt.pt"
    start, losses = _resume(model, opt, ckpt_path)
    data = torch.from_numpy(np.asarray(stream, dtype=np.int32))
    fl = flops_per_token(
        model.n_params(True),
        model_cfg.n_layer,
        model_cfg.d_model,
        model_cfg.ctx,
        model_cfg.vocab_size,
    )
    thr = Throughput(policy, fl, peak_flops(policy, cfg.peak_flops))
    model.train()
    bar = tqdm(
        total=cfg.steps,
        initial=start,
        desc=f"pretrain {out.name}",
        disable=not progress,
        leave=False,
        file=None,
    )
    t_start = time.perf_counter()
    for step in range(start, cfg.steps):
        lr = lr_at(step, cfg)
        for grp in opt.param_groups:
            grp["lr"] = lr
        x, y = batch_at(data, step, seed, cfg.batch_size, model_cfg.ctx)
        with thr.measure(x.numel()):
            loss = _train_step(model, opt, x, y, cfg, policy)
        if step % cfg.log_every == 0 or step == cfg.steps - 1:
            lv = float(loss.item())
            losses.append((step, lv, lr))
            if on_log:
                on_log(step, lv)
            bar.set_postfix(loss=f"{lv:.3f}", tok_s=f"{thr.tokens_per_s:.0f}")
        bar.update(1)
        done_here = step + 1 - start
        last = step + 1 == cfg.steps
        if (step + 1) % cfg.ckpt_every == 0 or last or (stop_after and done_here >= stop_after):
            _save_checkpoint(model, opt, step + 1, losses, ckpt_path)
        if stop_after and done_here >= stop_after and not last:
            bar.close()
            return PretrainResult(model, losses, thr.tokens_per_s, thr.mfu, start, False)
    bar.close()
    stats = {
        "tokens_per_s": thr.tokens_per_s,
        "mfu": thr.mfu,
        "peak_flops": thr.peak,
        "flops_per_token": fl,
        "device": policy.describe(),
        "resumed_from": start,
        "wall_s": time.perf_counter() - t_start,
        "n_params": model.n_params(),
        "config": asdict(model_cfg),
        "pretrain": asdict(cfg),
    }
    jsonl.write(out / "loss.jsonl", (list(x) for x in losses))
    atomic_write_text(out / "stats.json", json.dumps(stats, indent=2) + "\n")
    atomic_torch_save({"model": model.state_dict(), "config": asdict(model_cfg)}, out / "final.pt")
    return PretrainResult(model, losses, thr.tokens_per_s, thr.mfu, start, True)
