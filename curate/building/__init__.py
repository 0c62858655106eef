"""Building corpus variants from a policy over an audit run (see `curate.building.policy`).

- `select`: one decision (keep/drop, reason, repeats, tokens) per audited document and variant,
  computed in DuckDB;
- `source`: re-reads source shards sequentially with the audit's reader;
- `write`: deterministic sharded writers (JSONL.gz or Parquet);
- `builder`: the build itself (temp dirs, manifests last, atomic renames, store tables);
- `diff`: what differs between two built variants.

Output layout: ``WS/corpora/<corpus>/<variant>/{part-*.jsonl.gz|part-*.parquet, decisions.parquet,
stats.parquet, config.toml, manifest.json}``; a record is ``{"id", "text", ...source fields}``.
"""

from __future__ import annotations

from curate.building.builder import BuildResult, build_corpora

__all__ = ["BuildResult", "build_corpora"]
