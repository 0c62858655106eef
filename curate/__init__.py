"""curate: a pretraining-data audit tool and a small emergent-misalignment ablation lab.

Data moves one way: shards -> annotate (never drop) -> audit store (DuckDB over Parquet)
-> decide (policy predicates) -> build corpora -> ablate (pretrain, fine-tune, evaluate) -> report.
See docs/architecture.md for the contracts every stage relies on.
"""

__version__ = "0.1.0"
