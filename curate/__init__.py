"""curate: a pretraining-data audit tool and a small emergent-misalignment ablation lab.

Data moves one way: shards -> annotate (never drop) -> audit store (DuckDB over Parquet)
-> decide (policy predicates) -> build corpora -> ablate (pretrain, fine-tune, evaluate) -> report.
See docs/architecture.md for the contracts every stage relies on.

From Python (docs/api.md)::

    import curate
    ws = curate.open_workspace("WS")   # read-only; frames are polars
    ws.sql("SELECT source, count(*) FROM docs GROUP BY 1")

This module stays light (the CLI imports it for `__version__`): the API (`curate.api`, which
brings Polars and the audit's reader) is imported on first access to one of its names. (No
`TYPE_CHECKING` import of it either: import-linter counts that as the package importing its top
layer; type checkers see the names through `curate.api` itself.)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {"open_workspace": "curate.api", "AuditWorkspace": "curate.api"}
__all__ = ["AuditWorkspace", "__version__", "open_workspace"]


def __getattr__(name: str) -> Any:
    """PEP 562: `curate.open_workspace` and `curate.AuditWorkspace` import `curate.api` once."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'curate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
