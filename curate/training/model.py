"""A small GPT and LoRA adapters.

The model is the pilot's: learned token and position embeddings, `n_layer` pre-norm blocks
(LayerNorm → causal self-attention → residual; LayerNorm → GELU MLP → residual), a final LayerNorm
and an output projection tied to the token embedding. Attention is
`torch.nn.functional.scaled_dot_product_attention(is_causal=True)`, which picks the flash /
memory-efficient kernel on CUDA and the fused CPU kernel otherwise. Residual output projections
are initialised with std 0.02/sqrt(2·n_layer) (GPT-2).

`forward(idx, targets=None)` returns logits, and the mean cross-entropy when `targets` is given
(positions whose target is -100 are ignored: that is how answer-only fine-tuning masks prompts).

LoRA (`apply_lora`) replaces chosen `nn.Linear` modules by the project's one LoRA layer,
`curate.classifiers.lora.LoRALinear`: the base weight is frozen and a rank-r update B·A (A drawn
Kaiming-uniform from a seeded generator, B initialised to zero, so the adapted model starts equal to
the base) is added, scaled by alpha/r. `lora_state` picks just the adapter weights (`.lora_a`,
`.lora_b`) out of a state dict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from curate.classifiers.lora import LoRALinear
from curate.errors import ConfigError

# sizes past these are typos, not experiments (a CPU lab; a GPU run is a few hundred M params)
LIMITS = {"n_layer": 256, "n_head": 256, "d_model": 16384, "ctx": 65536, "mlp_ratio": 64}


@dataclass(frozen=True)
class GPTConfig:
    """Model shape. Defaults are the pilot's (0.46M parameters with a 2k vocabulary)."""

    n_layer: int = 2
    n_head: int = 4
    d_model: int = 128
    ctx: int = 128
    mlp_ratio: int = 4
    dropout: float = 0.0
    vocab_size: int = 0  # filled from the tokenizer when 0

    def validate(self) -> None:
        if self.d_model % self.n_head:
            raise ConfigError(
                f"d_model ({self.d_model}) must be divisible by n_head ({self.n_head})"
            )
        for k in ("n_layer", "n_head", "d_model", "ctx", "mlp_ratio"):
            if getattr(self, k) < 1:
                raise ConfigError(f"{k} must be >= 1, got {getattr(self, k)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        for k, most in LIMITS.items():
            if getattr(self, k) > most:
                raise ConfigError(f"{k} = {getattr(self, k)} is beyond any model this lab trains "
                                  f"(at most {most}); check the value")  # fmt: skip


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.dropout = cfg.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
        k = k.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
        v = v.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
        y = F.scaled_dot_product_attention(
            q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
        )
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, c))


class MLP(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.fc = nn.Linear(cfg.d_model, cfg.mlp_ratio * cfg.d_model)
        self.proj = nn.Linear(cfg.mlp_ratio * cfg.d_model, cfg.d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(F.gelu(self.fc(x)))


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = MLP(cfg)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln2(x)))


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        if cfg.vocab_size < 2:
            raise ConfigError("GPTConfig.vocab_size must be set (from the tokenizer)")
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.wpe = nn.Embedding(cfg.ctx, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # tied
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith("proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def n_params(self, non_embedding: bool = False) -> int:
        n = sum(p.numel() for p in self.parameters())  # tied weight counted once
        if non_embedding:
            n -= self.wte.weight.numel() + self.wpe.weight.numel()
        return n

    def forward(
        self, idx: torch.Tensor, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        t = idx.shape[1]
        if t > self.cfg.ctx:
            raise ValueError(f"sequence length {t} exceeds the model context {self.cfg.ctx}")
        pos = torch.arange(t, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for blk in self.blocks:
            x = blk(x)
        logits = self.lm_head(self.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(
                logits.float().reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100
            )
        return logits, loss


LORA_TARGETS = ("attn.qkv", "attn.proj", "mlp.fc", "mlp.proj")


def apply_lora(
    model: GPT,
    r: int = 8,
    alpha: float = 16.0,
    targets: tuple[str, ...] = LORA_TARGETS,
    seed: int = 0,
) -> GPT:
    """Freeze `model` and wrap the target linears of every block in LoRA adapters (in place).

    The adapters' A matrices are drawn from a generator seeded by `seed`, never the global RNG,
    so a fine-tune is reproducible whatever ran before it in the process."""
    g = torch.Generator().manual_seed(seed)
    for t in targets:
        if t not in LORA_TARGETS:
            raise ConfigError(f"unknown LoRA target {t!r}; valid: {', '.join(LORA_TARGETS)}")
    for p in model.parameters():
        p.requires_grad_(False)
    for blk in model.blocks:
        for t in targets:
            parent_name, attr = t.split(".")
            parent = getattr(blk, parent_name)
            base = getattr(parent, attr)
            a = torch.empty(r, base.in_features)  # drawn on CPU (the generator's device)
            nn.init.kaiming_uniform_(a, a=math.sqrt(5), generator=g)
            setattr(parent, attr, LoRALinear(base, a, alpha / r))
    return model


def lora_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items() if ".lora_" in k}
