"""Building corpus variants from a policy over an audit run (see `curate.building.policy`).

- `policy` / `expr`: the policy file and its rule expression language (parse, check, compile to
  SQL);
- `inputs`: the audit run, the columns rules may use, the preconditions checked before any work;
- `select`: one decision (keep/drop, reason, repeats, tokens) per audited document and variant,
  computed in DuckDB; `decisions`: the sorted ``decisions.parquet`` the write passes stream;
- `source`: re-reads source shards sequentially with the audit's reader (and the write loop);
- `write`: deterministic part files (JSONL.gz or Parquet; `PartEncoder`, `PartWriter`);
- `builder`: the build itself (temp dirs, manifests last, atomic renames, store tables);
- `tasks`: the write pass as executor tasks, byte-identical to the one-process pass;
- `diff`: what differs between two built variants.

Output layout: ``WS/corpora/<corpus>/<variant>/{part-*.jsonl.gz|part-*.parquet, decisions.parquet,
stats.parquet, config.toml, manifest.json}``; a record is ``{"id", "text", ...source fields}``.
"""

from __future__ import annotations

from curate.building.builder import BuildResult, build_corpora

__all__ = ["BuildResult", "build_corpora"]
