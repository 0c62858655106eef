"""The audit: read shards, annotate every record (never drop), load one row per document into the
store.

- `curate.audit.read`: `ShardReader` (JSONL / .gz / .zst / Parquet; bad records become counted
  errors) and `resolve_inputs`;
- `curate.audit.steps`: the annotating blocks (hash and lengths, lexicon hits, classifier scores,
  MinHash signatures) and the Parquet writer at the end of the pipeline;
- `curate.audit.lexicons`: the versioned lexicons (TOML data) and their matcher;
- `curate.audit.run`: the audit's config, pipeline, executor run, accounting check and store load;
- `curate.audit.summary`: the read-only summary of an audit run.
"""
