"""Stage 2's forward pass in numpy float32: the CPU inference path, without torch.

Why: an audit task that routes even one document to stage 2 used to import torch (1.3-1.5 CPU
seconds on the benchmark machine), about half of what the classifier cost a 20k-document audit
(`bench/classifier_speed.py`). Inference needs none of torch: the network is a few matrix
products, so the default CPU path (`precision = "fp32"`) runs here, on the same float32
weights: `NumpyStage2.load` rebuilds them from `stage2.npz` exactly as
`curate.classifiers.v2.export.load_stage2` does (int8 codes + base codes + scales, through the
torch-free `export.stage2_arrays`), with the base weights read by `safetensors.numpy`.

The numerics are BertModel's (`curate.classifiers.v2.minilm.Bert`, itself checked against
transformers): word + position + token-type-0 embeddings and LayerNorm; per block, self-attention
with an additive key mask (the dtype's minimum where padded), softmax, output projection +
residual + LayerNorm, exact (erf) GELU feed-forward (`gelu`: erf to 1.5e-7) + residual + LayerNorm; then masked mean (or
[CLS]) pooling and the linear head. `tests/test_classifier_v2.py` pins it to the torch model
(logits equal to 1e-4 on fixed windows, batch sizes 1 and 32). Matrix products go through
numpy's BLAS: its thread count follows `OPENBLAS_NUM_THREADS` / `OMP_NUM_THREADS` (an audit
worker wants 1). torch keeps the bf16, int8 and CUDA paths (`curate.classifiers.v2.encoder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from curate.classifiers.v2.bertconfig import kept_name, read_config
from curate.classifiers.v2.encoder import EncoderConfig, length_batches
from curate.classifiers.v2.export import WORD_EMB, stage2_arrays


def base_arrays(folder: Path, layers: Sequence[int]) -> dict[str, np.ndarray]:
    """The base weights as stage 2's state-dict names (`encoder.` + BertModel's, the blocks of
    `layers` renumbered 0..n-1), float32 numpy; the head is not a base weight."""
    # deferred: safetensors only when stage 2 loads
    from safetensors.numpy import load_file

    return {
        "encoder." + name: np.asarray(v, dtype=np.float32)
        for k, v in load_file(str(folder / "model.safetensors")).items()
        if (name := kept_name(k, layers))
    }


# erf by Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7, below float32's resolution of erf near 1):
# erf(z) = 1 - t (a1 + a2 t + ... + a5 t^4) exp(-z^2), t = 1 / (1 + p z), z >= 0. In GELU form, with
# z = |u| / sqrt(2): gelu(u) = u (1 + erf(u / sqrt 2)) / 2 = max(u, 0) - |u| q / 2, q = 1 - erf(z).
_AS_P = np.float32(0.3275911 / np.sqrt(2.0))
_AS_A = tuple(
    np.float32(0.5 * c) for c in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
)
_CHUNK = 16384  # elements per pass: the ~20 elementwise passes stay in cache


def gelu(u: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, u * Phi(u), in float32 (within 4e-7 of the float64 erf form,
    `tests/test_npencoder.py`); computed in cache-sized chunks so its ~20 elementwise passes
    do not each stream the whole block through memory."""
    flat = np.ascontiguousarray(u, dtype=np.float32).reshape(-1)
    res = np.empty_like(flat)
    a4, a3, a2, a1, a0 = _AS_A[::-1]
    for i in range(0, flat.size, _CHUNK):
        x = flat[i : i + _CHUNK]
        a = np.abs(x)
        t = a * _AS_P
        t += 1.0
        np.reciprocal(t, out=t)
        q = a4 * t
        for c in (a3, a2, a1, a0):
            q += c
            q *= t
        e = x * x
        e *= np.float32(-0.5)
        np.exp(e, out=e)
        q *= e
        q *= a
        r = res[i : i + _CHUNK]
        np.maximum(x, 0.0, out=r)
        r -= q
    return res.reshape(u.shape)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(-1, keepdims=True)
    return xc / np.sqrt(var + eps) * w + b


@dataclass(frozen=True)
class _Block:
    qkv_w: np.ndarray  # (hidden, 3 * hidden): query, key, value side by side, transposed
    qkv_b: np.ndarray
    attn_out_w: np.ndarray
    attn_out_b: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    inter_w: np.ndarray
    inter_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


class NumpyStage2:
    """The stage-2 network in numpy float32 (see the module doc)."""

    def __init__(self, state: dict[str, np.ndarray], cfg: EncoderConfig, bert: dict[str, Any]):
        self.cfg = cfg
        self.heads = int(bert["num_attention_heads"])
        self.eps = float(bert["layer_norm_eps"])
        p = "encoder.embeddings."
        self.word = state[p + "word_embeddings.weight"]
        self.pos = state[p + "position_embeddings.weight"]
        self.type0 = state[p + "token_type_embeddings.weight"][0]
        self.ln0 = (state[p + "LayerNorm.weight"], state[p + "LayerNorm.bias"])
        self.blocks = []
        for i in range(len(cfg.layers)):
            b = f"encoder.encoder.layer.{i}."
            a = b + "attention."

            def t(name: str) -> np.ndarray:
                return np.ascontiguousarray(state[name].T)

            self.blocks.append(
                _Block(
                    qkv_w=np.ascontiguousarray(
                        np.concatenate(
                            [state[f"{a}self.{n}.weight"] for n in ("query", "key", "value")]
                        ).T
                    ),
                    qkv_b=np.concatenate(
                        [state[f"{a}self.{n}.bias"] for n in ("query", "key", "value")]
                    ),
                    attn_out_w=t(a + "output.dense.weight"),
                    attn_out_b=state[a + "output.dense.bias"],
                    ln1=(state[a + "output.LayerNorm.weight"], state[a + "output.LayerNorm.bias"]),
                    inter_w=t(b + "intermediate.dense.weight"),
                    inter_b=state[b + "intermediate.dense.bias"],
                    out_w=t(b + "output.dense.weight"),
                    out_b=state[b + "output.dense.bias"],
                    ln2=(state[b + "output.LayerNorm.weight"], state[b + "output.LayerNorm.bias"]),
                )
            )
        self.head_w = state["head.weight"].reshape(-1)
        self.head_b = float(state["head.bias"].reshape(-1)[0])

    @classmethod
    def load(cls, path: str | Path, cfg: EncoderConfig, base_folder: Path) -> NumpyStage2:
        """From a stage-2 file (its sha256 checked by the caller) and the base model folder."""
        base = base_arrays(base_folder, cfg.layers)
        state = stage2_arrays(Path(path), base)
        state[WORD_EMB] = base[WORD_EMB]
        return cls(state, cfg, read_config(base_folder))

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One logit per row of the padded `ids` (int) with its 0/1 attention `mask`."""
        n, s = ids.shape
        h = self.word.shape[1]
        d = h // self.heads
        x = self.word[ids] + self.pos[:s][None] + self.type0
        x = _layer_norm(x, *self.ln0, self.eps).reshape(n * s, h)
        bias = ((1.0 - mask.astype(np.float32)) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(d))
        for blk in self.blocks:
            qkv = (x @ blk.qkv_w + blk.qkv_b).reshape(n, s, 3, self.heads, d)
            # contiguous (n, heads, s, d) stacks: numpy hands each head's product to BLAS
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3))
            k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            att = q @ k
            att *= scale
            att += bias
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n * s, h)
            a = _layer_norm(ctx @ blk.attn_out_w + blk.attn_out_b + x, *blk.ln1, self.eps)
            u = gelu(a @ blk.inter_w + blk.inter_b)
            x = _layer_norm(u @ blk.out_w + blk.out_b + a, *blk.ln2, self.eps)
        x = x.reshape(n, s, h)
        if self.cfg.pooling == "cls":
            pooled = x[:, 0]
        else:
            m = mask.astype(np.float32)[:, :, None]
            pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1.0)
        return pooled @ self.head_w + self.head_b

    def logits(self, tok: Any, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Logits of `texts` (each truncated to `max_len` tokens), batched by token length,
        in input order (as `curate.classifiers.v2.encoder.predict_logits`)."""
        out = np.zeros(len(texts), dtype=np.float64)
        if not texts:
            return out
        ids = tok(list(texts), truncation=True, max_length=self.cfg.max_len)["input_ids"]
        for b in length_batches([len(x) for x in ids], batch_size):
            batch = tok.pad({"input_ids": [ids[i] for i in b]}, return_tensors="np")
            out[b] = self.forward(batch["input_ids"], batch["attention_mask"])
        return out
