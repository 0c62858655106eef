"""Saving and loading the stage-2 weights: `stage2.npz`, no pickles.

The file holds every tensor of the model except the word-embedding matrix, which is frozen in
training and loaded from the base package (whose `model.safetensors` sha256 the model.json
records). With `dtype = "int8"` every 2-d weight with more than one row is quantized to
symmetric per-row int8 codes with float32 scales (`<name>.__scale`), other tensors are float16;
with "fp16" everything is float16. The int8 codes are stored as their difference from the codes
the *base* weights get with the same scales (`<name>.__res`): fine-tuning moves weights little,
so the differences are small integers and the zlib-compressed file is half the size of the
codes themselves (5.7 -> 2.9 MB for the shipped model), and the codes come back exactly.
Loading dequantizes to float32; on CPU `quantize_int8` then applies torch's dynamic int8
quantization to every Linear layer (about half the CPU time of float32, at <= 0.002 AUROC: the
research's measurement).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np

from curate.classifiers.v2.encoder import EncoderConfig, build_model
from curate.errors import CurateError
from curate.files import atomic_path

WORD_EMB = "encoder.embeddings.word_embeddings.weight"
SCALE = ".__scale"
RESIDUAL = ".__res"
STAGE2_FILE = "stage2.npz"


def _base_codes(base: Any, scale: Any) -> Any:
    """int8 codes of the base weight matrix `base` with per-row `scale` (numpy, float32)."""
    return np.clip(np.rint(base / scale[:, None]), -127, 127).astype(np.int16)


def save_stage2(
    model: Any, path: str | Path, cfg: EncoderConfig, dtype: Literal["int8", "fp16"] = "int8"
) -> None:
    """Write the model's weights (less the word embeddings) to `path` (temp name, then rename)."""
    # deferred: torch is only needed when stage 2 is saved
    import torch

    base = {k: v.float().numpy() for k, v in build_model(cfg, load_base=True).state_dict().items()}
    state = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    state.pop(WORD_EMB, None)
    out: dict[str, Any] = {}
    for k, v in sorted(state.items()):
        if dtype == "int8" and v.ndim == 2 and v.shape[0] > 1:
            scale = v.abs().amax(dim=1).clamp(min=1e-12) / 127.0
            codes = torch.round(v / scale[:, None]).clamp(-127, 127).to(torch.int8).numpy()
            out.update(_encode(k, codes, scale.float().numpy(), base.get(k)))
        else:
            out[k] = v.half().numpy()
    _write(out, path)


def _encode(name: str, codes: Any, scale: Any, base: Any) -> dict[str, Any]:
    """The stored arrays of one int8 matrix: residual codes against the base when they fit in
    int8, the codes themselves otherwise."""
    out = {name + SCALE: scale.astype(np.float32)}
    if base is not None and base.shape == codes.shape:
        res = codes.astype(np.int16) - _base_codes(base, out[name + SCALE])
        if np.abs(res).max() <= 127:
            out[name + RESIDUAL] = res.astype(np.int8)
            return out
    out[name] = codes.astype(np.int8)
    return out


def _write(arrays: dict[str, Any], path: str | Path) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)


def _read(path: Path) -> dict[str, Any]:
    """The stored arrays of a stage-2 file."""
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def stage2_arrays(path: Path, base: dict[str, Any]) -> dict[str, Any]:
    """Every stored tensor of a stage-2 file as float32 numpy (int8 codes dequantized; residual
    codes added to the codes of the `base` weight of the same name), torch-free: the numpy
    stage 2 (`curate.classifiers.v2.npencoder`) and `load_stage2` both rebuild from this."""
    try:
        raw = _read(Path(path))
    except Exception as e:  # zipfile and numpy raise their own error types
        raise CurateError(f"{path}: unreadable stage-2 weights ({e}); restore the file") from None
    state = {}
    for k, v in raw.items():
        if k.endswith(SCALE):
            continue
        if k.endswith(RESIDUAL):
            k = k[: -len(RESIDUAL)]
            if k not in base or k + SCALE not in raw:
                raise CurateError(f"{path}: residual {k} has no base weight or scale; restore it")
            v = v.astype(np.int16) + _base_codes(base[k], raw[k + SCALE])
        w = np.asarray(v, dtype=np.float32)
        state[k] = w * raw[k + SCALE][:, None] if k + SCALE in raw else w
    return state


def load_stage2(path: str | Path, cfg: EncoderConfig) -> Any:
    """The float32 torch model rebuilt from `path` (word embeddings from the base package). The
    caller has checked the file's sha256 (`curate.classifiers.v2.cascade.verify_folder`)."""
    # deferred: torch is only needed when stage 2 loads
    import torch

    model = build_model(cfg, load_base=True)
    base = {k: v.float().numpy() for k, v in model.state_dict().items()}
    state = {k: torch.from_numpy(v) for k, v in stage2_arrays(Path(path), base).items()}
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
