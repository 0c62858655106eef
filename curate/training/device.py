"""Device and precision policy, FLOP counting and MFU.

One spec runs everywhere: `device = "auto"` picks CUDA when present, else CPU. On CUDA the forward
pass runs under bf16 autocast, TF32 matmuls are allowed, SDPA may use its flash / memory-efficient
kernels and AdamW uses its fused implementation; on CPU everything is fp32 (bf16 on CPU is slower
and would make CPU results differ from the pilot).

MFU (model FLOPs utilisation) = achieved model FLOPs per second / peak FLOPs per second. Model
FLOPs per token are the usual 6·(N + d·V) (N = non-embedding parameters, d·V the tied output projection)
plus the attention term 12·L·d·T (PaLM appendix B), counted for forward + backward. The peak is
`peak_flops` when given; on CUDA a table of known bf16 dense peaks; on CPU the *measured* fp32
matmul throughput of this process (a short timed matmul), so CPU MFU means "fraction of what this
core's matmul achieves", not a datasheet number. Both the trainer and the benchmark's reference
loop use the same peak, so their MFU ratio equals their tokens/s ratio.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from curate.errors import CurateError

# Dense bf16 tensor-core peaks (FLOP/s) by substring of torch.cuda.get_device_name().
_CUDA_BF16_PEAK = {
    "H200": 989e12,
    "H100": 989e12,
    "A100": 312e12,
    "L40S": 362e12,
    "L4": 121e12,
    "A10": 125e12,
    "4090": 165e12,
    "3090": 71e12,
    "V100": 125e12,
    "T4": 65e12,
}


@dataclass(frozen=True)
class DevicePolicy:
    """Where and in which precision to run."""

    device: torch.device
    autocast_dtype: torch.dtype | None  # None = no autocast (fp32)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    def autocast(self) -> contextlib.AbstractContextManager[None]:
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.autocast_dtype)

    def describe(self) -> str:
        prec = "fp32" if self.autocast_dtype is None else str(self.autocast_dtype).split(".")[-1]
        return f"{self.device.type}/{prec}"


def resolve(device: str = "auto", precision: str = "auto") -> DevicePolicy:
    """`device`: auto | cpu | cuda[:N]; `precision`: auto | fp32 | bf16."""
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise CurateError(f"device {device!r} requested but CUDA is not available; use 'cpu'")
    dev = torch.device(device)
    if precision == "auto":
        precision = "bf16" if dev.type == "cuda" else "fp32"
    if precision not in ("fp32", "bf16"):
        raise CurateError(f"unknown precision {precision!r}; valid: auto, fp32, bf16")
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cuda.enable_flash_sdp(True)
        torch.backends.cuda.enable_mem_efficient_sdp(True)
    return DevicePolicy(dev, torch.bfloat16 if precision == "bf16" else None)


def flops_per_token(
    n_params_nonembed: int, n_layer: int, d_model: int, ctx: int, vocab: int
) -> float:
    """Training FLOPs (forward + backward) per token: 6·(N + d·V) + 12·L·d·T."""
    return 6.0 * (n_params_nonembed + d_model * vocab) + 12.0 * n_layer * d_model * ctx


@functools.lru_cache(maxsize=4)
def measured_cpu_peak(n: int = 512, repeats: int = 8) -> float:
    """Achieved fp32 matmul FLOP/s of this process on CPU (best of `repeats`)."""
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n**3 / best


def peak_flops(policy: DevicePolicy, override: float = 0.0) -> float:
    if override > 0:
        return override
    if policy.is_cuda:
        name = torch.cuda.get_device_name(policy.device)
        for key, v in _CUDA_BF16_PEAK.items():
            if key in name:
                return v if policy.autocast_dtype is not None else v / 2
        return 100e12
    return measured_cpu_peak()


class Throughput:
    """Tokens/s and MFU over a window of steps (synchronises CUDA before reading the clock)."""

    def __init__(self, policy: DevicePolicy, flops_tok: float, peak: float) -> None:
        self.policy = policy
        self.flops_tok = flops_tok
        self.peak = peak
        self.tokens = 0
        self.seconds = 0.0
        self._t0: float | None = None

    def _sync(self) -> None:
        if self.policy.is_cuda:
            torch.cuda.synchronize(self.policy.device)

    @contextlib.contextmanager
    def measure(self, tokens: int) -> Iterator[None]:
        self._sync()
        t0 = time.perf_counter()
        yield
        self._sync()
        self.seconds += time.perf_counter() - t0
        self.tokens += tokens

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    @property
    def mfu(self) -> float:
        return self.tokens_per_s * self.flops_tok / self.peak if self.peak > 0 else 0.0
