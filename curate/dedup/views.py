"""Flag propagation across duplicates: the store views `curate dedup` creates.

Created here because queries are read-only: ``flagged_clusters`` (per cluster containing a flagged
document: size, flagged members, max score) and ``flagged_copies`` (per deduplicated run: flagged
documents, distinct flagged texts, all copies of flagged text in the corpus, and the copies the
classifier did not flag itself). "Flagged" means ``<flag_column> >= flag_threshold`` (default
``score_malicious_character_v1 >= 0.5``). Column meanings: docs/dedup.md.
"""

from __future__ import annotations

from typing import Any

from curate import store


def create_views(con: Any, flag_column: str, flag_threshold: float) -> str | None:
    """Create the flag-propagation views; returns None, or why they were not created."""
    cols = store.table_columns(con, "docs")
    if flag_column not in cols:
        scores = [c for c in cols if c.startswith("score_")]
        return (
            f"docs has no column {flag_column!r}; flagged_clusters/flagged_copies views not "
            f"created (set --flag-column to one of: {', '.join(scores) or '(no score columns)'})"
        )
    col = store.ident(flag_column)
    thr = repr(float(flag_threshold))
    name = flag_column.replace("'", "")
    con.execute(
        f"""
        CREATE OR REPLACE VIEW flagged_clusters AS
        SELECT c.run_id, c.cluster_id, any_value(c.cluster_size) AS cluster_size,
               any_value(c.representative) AS representative,
               count(*) FILTER (WHERE d.{col} >= {thr}) AS n_flagged,
               any_value(c.cluster_size) - count(*) FILTER (WHERE d.{col} >= {thr})
                   AS n_unflagged_copies,
               max(d.{col}) AS max_score,
               count(*) FILTER (WHERE c.kind = 'near') AS n_near,
               '{name}' AS flag_column, CAST({thr} AS DOUBLE) AS flag_threshold
        FROM dup_clusters c
        JOIN docs d ON d.run_id = c.run_id AND d.shard = c.shard AND d.position = c.position
        GROUP BY c.run_id, c.cluster_id
        HAVING count(*) FILTER (WHERE d.{col} >= {thr}) > 0
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE VIEW flagged_copies AS
        WITH f AS (
            SELECT d.run_id, d.{col} >= {thr} AS flagged, c.cluster_id
            FROM docs d
            LEFT JOIN dup_clusters c
              ON c.run_id = d.run_id AND c.shard = d.shard AND c.position = d.position
            WHERE d.run_id IN (SELECT run_id FROM dup_summary)
        ),
        k AS (
            SELECT run_id, cluster_id, bool_or(coalesce(flagged, false)) AS has_flagged
            FROM f WHERE cluster_id IS NOT NULL GROUP BY run_id, cluster_id
        )
        SELECT f.run_id,
               count(*) AS n_docs,
               count(*) FILTER (WHERE f.flagged) AS n_flagged_docs,
               count(DISTINCT f.cluster_id) FILTER (WHERE k.has_flagged) AS n_flagged_clusters,
               count(*) FILTER (WHERE f.flagged AND f.cluster_id IS NULL)
                 + count(DISTINCT f.cluster_id) FILTER (WHERE k.has_flagged)
                 AS n_distinct_flagged_texts,
               count(*) FILTER (WHERE (f.flagged AND f.cluster_id IS NULL) OR k.has_flagged)
                 AS n_copies_of_flagged_text,
               count(*) FILTER (WHERE k.has_flagged AND NOT coalesce(f.flagged, false))
                 AS n_unflagged_copies,
               '{name}' AS flag_column, CAST({thr} AS DOUBLE) AS flag_threshold
        FROM f LEFT JOIN k ON k.run_id = f.run_id AND k.cluster_id = f.cluster_id
        GROUP BY f.run_id
        """
    )
    return None
