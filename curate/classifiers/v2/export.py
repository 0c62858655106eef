"""Saving and loading the stage-2 weights: `stage2.safetensors`, no pickles.

The file holds every tensor of the model except the word-embedding matrix, which is frozen in
training and loaded from the base package (whose `model.safetensors` sha256 the model.json
records). With `dtype = "int8"` every 2-d weight with more than one row is stored as symmetric
per-row int8 (`<name>`) with float32 scales (`<name>.__scale`), other tensors as float16; with
"fp16" everything is float16. Loading dequantizes to float32; on CPU `quantize_int8` then applies
torch's dynamic int8 quantization to every Linear layer (about half the CPU time of float32, at
<= 0.002 AUROC: the research's measurement).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Literal

from curate.classifiers.v2.encoder import EncoderConfig, build_model
from curate.errors import CurateError
from curate.files import atomic_path

WORD_EMB = "encoder.embeddings.word_embeddings.weight"
SCALE = ".__scale"


def save_stage2(model: Any, path: str | Path, dtype: Literal["int8", "fp16"] = "int8") -> None:
    """Write the model's weights (less the word embeddings) to `path` (temp name, then rename)."""
    # deferred: torch and safetensors are only needed when stage 2 is saved
    import torch
    from safetensors.torch import save_file  # deferred: see above

    state = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    state.pop(WORD_EMB, None)
    out: dict[str, Any] = {}
    for k, v in sorted(state.items()):
        if dtype == "int8" and v.ndim == 2 and v.shape[0] > 1:
            scale = v.abs().amax(dim=1).clamp(min=1e-12) / 127.0
            out[k] = torch.round(v / scale[:, None]).clamp(-127, 127).to(torch.int8)
            out[k + SCALE] = scale.float()
        else:
            out[k] = v.half()
    with atomic_path(path) as tmp:
        save_file(out, str(tmp))


def load_stage2(path: str | Path, cfg: EncoderConfig) -> Any:
    """The float32 model rebuilt from `path` (word embeddings from the base package). The caller
    has checked the file's sha256 (`curate.classifiers.v2.model.verify_folder`)."""
    # deferred: safetensors is only needed when stage 2 loads
    from safetensors.torch import load_file

    model = build_model(cfg, load_base=True)
    try:
        raw = load_file(str(path))
    except Exception as e:  # safetensors raises its own error types on a damaged file
        raise CurateError(f"{path}: unreadable stage-2 weights ({e}); restore the file") from None
    state = {}
    for k, v in raw.items():
        if k.endswith(SCALE):
            continue
        state[k] = v.float() * raw[k + SCALE][:, None] if k + SCALE in raw else v.float()
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if m != WORD_EMB]:
        raise CurateError(
            f"{path}: the weights do not fit the encoder in model.json (missing "
            f"{list(missing)[:3]}, unexpected {list(unexpected)[:3]}); retrain the classifier"
        )
    model.eval()
    return model


def quantize_int8(model: Any) -> Any:
    """torch dynamic int8 quantization of every Linear (int8 weights, activations per batch)."""
    # deferred: torch takes seconds to import
    import torch

    with warnings.catch_warnings():  # torch 2.13 warns that quantized tensors are deprecated
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
