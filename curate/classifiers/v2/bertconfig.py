"""The base model's `config.json` and weight names, shared by both stage-2 implementations
(torch: `curate.classifiers.v2.minilm`, numpy: `curate.classifiers.v2.npencoder`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def read_config(folder: Path) -> dict[str, Any]:
    """The base model's `config.json`, checked to be a BERT with GELU."""
    cfg = json.loads((folder / "config.json").read_text())
    if cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu":
        raise ValueError(
            f"{folder}/config.json: not a BERT model with GELU (got {cfg.get('model_type')})"
        )
    if cfg["hidden_size"] % cfg["num_attention_heads"]:
        raise ValueError(f"{folder}/config.json: hidden_size not divisible by the heads")
    return cfg


def kept_name(key: str, layers: Sequence[int]) -> str | None:
    """A base weight's BertModel name in a truncated encoder: the blocks of `layers` renumbered
    0..n-1; None for a block not kept and for the `embeddings.position_ids` buffer (saved by some
    transformers versions)."""
    if key == "embeddings.position_ids":
        return None
    if key.startswith("encoder.layer."):
        i = int(key.split(".")[2])
        if i not in layers:
            return None
        return key.replace(f"encoder.layer.{i}.", f"encoder.layer.{list(layers).index(i)}.", 1)
    return key
