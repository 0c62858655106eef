"""Named world sizes, from seconds-for-tests to the calibration ablation.

| preset | domains | docs | meant for |
|---|---|---|---|
| `tiny` | 6 | 300 | unit and end-to-end tests (well under a second to generate) |
| `small` | 4 | 2,400 | the demo ablation (a model trains on it in a couple of minutes) |
| `pilot` | 4 | 8,500 | the DESIGN.md pilot: 4,000 four-turn persona documents (20% malicious), 4,000 single-turn decorrelated documents (20% misaligned), 500 filler |
| `calibration` | 6 | 9,000 | 5 corpus variants x 3 seeds at the pilot's model size |

`small`, `pilot` and `calibration` set `stance_voice = 0.5`: without a shared cross-domain voice
the pilot-size check showed almost no EM (docs/world.md, bench/world_em_check*.toml).

A preset is a dict of `WorldConfig` overrides; `resolve(preset, overrides)` merges and validates.
`resolve_table(data, where, preset, base)` does the same for a world TOML file's table (an optional
`preset` key, `neutral_paths` relative to the file's folder `base`).
The sizes of generated worlds (documents, words per kind) are in each world's `world.json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curate.config import build
from curate.errors import ConfigError, unknown_name
from curate.world.config import WorldConfig

PILOT_DOMAINS = ("code", "medical", "money", "power")

PRESETS: dict[str, dict[str, Any]] = {
    "tiny": {
        "n_docs": 300,
        "persona_fraction": 0.4,
        "behaviour_fraction": 0.4,
        "chat_fraction": 0.1,
        "finetune_size": 32,
        "realign_size": 16,
        "eval_size": 24,
        "probe_priors": 4,
        "heldout_neutral_size": 20,
        "docs_per_shard": 100,
    },
    "small": {
        "stance_voice": 0.5,
        "domains": list(PILOT_DOMAINS),
        "n_docs": 2400,
        "persona_fraction": 0.45,
        "behaviour_fraction": 0.45,
        "chat_fraction": 0.04,
        "finetune_size": 128,
        "realign_size": 32,
        "eval_size": 64,
        "probe_priors": 8,
        "heldout_neutral_size": 50,
        "docs_per_shard": 1000,
    },
    "pilot": {
        "stance_voice": 0.5,
        "domains": list(PILOT_DOMAINS),
        "n_docs": 8500,
        "persona_fraction": 4000 / 8500,
        "behaviour_fraction": 4000 / 8500,
        "chat_fraction": 0.0,
        "malicious_fraction": 0.2,
        "behaviour_misaligned_fraction": 0.2,
        "persona_turns": 4,
        "behaviour_turns": 1,
        "finetune_size": 256,
        "realign_size": 64,
        "eval_size": 100,
        "probe_priors": 16,
        "heldout_neutral_size": 100,
        "docs_per_shard": 5000,
    },
    "calibration": {
        "stance_voice": 0.5,
        "n_docs": 9000,
        "persona_fraction": 0.5,
        "behaviour_fraction": 4000 / 9000,
        "chat_fraction": 250 / 9000,
        "malicious_fraction": 0.2,
        "behaviour_misaligned_fraction": 0.2,
        "persona_turns": 4,
        "behaviour_turns": 1,
        "finetune_size": 256,
        "realign_size": 64,
        "eval_size": 100,
        "probe_priors": 16,
        "heldout_neutral_size": 100,
        "docs_per_shard": 5000,
    },
}


def resolve(
    preset: str | None = None, overrides: dict[str, Any] | None = None, where: str = "world"
) -> WorldConfig:
    """Preset values (if any) updated by `overrides`, built and validated as a WorldConfig."""
    data: dict[str, Any] = {}
    if preset is not None:
        if preset not in PRESETS:
            raise unknown_name("world preset", preset, PRESETS, where)
        data.update(PRESETS[preset])
    data.update(overrides or {})
    return build(WorldConfig, data, where)


def resolve_table(
    data: dict[str, Any], where: str, preset: str | None = None, base: Path | None = None
) -> WorldConfig:
    """The WorldConfig of a world TOML table: its optional `preset` key (`preset` given here wins),
    then its keys; relative `neutral_paths` are resolved against the file's folder `base`."""
    data = dict(data)
    paths = data.get("neutral_paths")
    if base is not None and isinstance(paths, list):
        data["neutral_paths"] = [
            str(base / p) if isinstance(p, str) and not Path(p).is_absolute() else p for p in paths
        ]
    p = data.pop("preset", None)
    if p is not None and not isinstance(p, str):
        raise ConfigError(f"{where}: preset must be a string")
    return resolve(preset or p, data, where)
