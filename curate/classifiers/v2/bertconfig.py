"""The base model's `config.json`, read by both stage-2 implementations (torch and numpy)."""

from __future__ import annotations

import json
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
