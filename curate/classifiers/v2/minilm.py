"""MiniLM (a BERT encoder) and its tokenizer in plain torch + `tokenizers`, without transformers.

Why: importing transformers' BERT costs seconds of CPU, paid by every audit task that routes
even one document to stage 2; on a 20k-document task that alone was most of the audit's
classifier budget (`bench/classifier_speed.py` reports the load as `warmup_cpu_s`). The network is small and standard, so it is written out here once:

- `Bert`: embeddings (word + absolute position + token type 0, LayerNorm), `n` transformer
  blocks (self-attention with an additive padding mask, output projection + residual +
  LayerNorm, GELU feed-forward + residual + LayerNorm), and the unused pooler (kept so the
  state-dict names are exactly BertModel's: the base weights and every saved stage 2 load
  as they are). Dropout as BERT's (hidden and attention probabilities), active in training.
- the tokenizer lives in `curate.classifiers.v2.wordpiece` (no torch: the numpy stage 2 of
  `curate.classifiers.v2.npencoder` uses it too).

`tests/test_minilm.py` checks both against transformers' BertModel and AutoTokenizer (outputs
equal to 1e-5, ids identical) on the base weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from curate.classifiers.v2.bertconfig import kept_name, read_config


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, p_drop: float) -> None:
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.p_drop = p_drop

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, s, h = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, s, self.heads, h // self.heads).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        p = self.p_drop if self.training else 0.0
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        return ctx.transpose(1, 2).reshape(b, s, h)


class _AddNorm(nn.Module):
    """dense -> dropout -> LayerNorm(x + residual): BERT's `*Output` blocks."""

    def __init__(self, d_in: int, hidden: int, eps: float, p_drop: float) -> None:
        super().__init__()
        self.dense = nn.Linear(d_in, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(p_drop)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class _Attention(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        h = cfg["hidden_size"]
        self.self = _SelfAttention(
            h, cfg["num_attention_heads"], cfg["attention_probs_dropout_prob"]
        )
        self.output = _AddNorm(h, h, cfg["layer_norm_eps"], cfg["hidden_dropout_prob"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, mask), x)


class _Intermediate(nn.Module):
    def __init__(self, hidden: int, inner: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(x))  # BERT's "gelu": the exact (erf) form


class _Layer(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        h, inner = cfg["hidden_size"], cfg["intermediate_size"]
        self.attention = _Attention(cfg)
        self.intermediate = _Intermediate(h, inner)
        self.output = _AddNorm(inner, h, cfg["layer_norm_eps"], cfg["hidden_dropout_prob"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class _Embeddings(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        h = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(
            cfg["vocab_size"], h, padding_idx=cfg.get("pad_token_id", 0)
        )
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device)
        x = self.word_embeddings(ids) + self.position_embeddings(pos)[None]
        x = x + self.token_type_embeddings.weight[0]
        return self.dropout(self.LayerNorm(x))


class _Encoder(nn.Module):
    def __init__(self, cfg: dict[str, Any], n_layers: int) -> None:
        super().__init__()
        self.layer = nn.ModuleList([_Layer(cfg) for _ in range(n_layers)])


class _Pooler(nn.Module):
    """BertModel's pooler: never used here (stage 2 mean-pools), kept for the weight names."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)


class Bert(nn.Module):
    """A BERT encoder with BertModel's parameter names; `forward` returns the last hidden state."""

    def __init__(self, cfg: dict[str, Any], n_layers: int | None = None) -> None:
        super().__init__()
        self.config = cfg
        self.embeddings = _Embeddings(cfg)
        self.encoder = _Encoder(cfg, n_layers if n_layers is not None else cfg["num_hidden_layers"])
        self.pooler = _Pooler(cfg["hidden_size"])

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.embeddings(input_ids)
        # additive mask over keys: 0 where attended, the dtype's minimum where padded (as BERT)
        keep = attention_mask[:, None, None, :].to(x.dtype)
        mask = (1.0 - keep) * torch.finfo(x.dtype).min
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return x


def load_pretrained(folder: Path, layers: Sequence[int]) -> Bert:
    """The base weights of `folder` (model.safetensors), keeping the blocks in `layers`."""
    # deferred: safetensors' torch API, only when weights load
    from safetensors.torch import load_file

    cfg = read_config(folder)
    model = Bert(cfg, len(layers))
    raw = load_file(str(folder / "model.safetensors"))
    state = {name: v.float() for k, v in raw.items() if (name := kept_name(k, layers))}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(
            f"{folder}: base weights do not fit (missing {missing[:3]}, unexpected {unexpected[:3]})"
        )
    return model


def init_weights(model: nn.Module, std: float = 0.02) -> None:
    """BERT's initialisation (normal(0, std) weights, zero biases, unit LayerNorm)."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=std)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
