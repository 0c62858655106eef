"""`curate diff`: what differs between two built variants of one corpus.

Read-only over the store's `corpora` table (joined on the document key run_id, shard, position):

- totals per variant (documents kept, records and tokens written, from `corpus_stats`);
- documents kept in A but dropped in B, grouped by B's reason (and the other way round);
- documents dropped in both for different reasons, and kept in both with different repeats;
- up to N example documents per group (doc id and a text snippet re-read from the source shard,
  one sequential pass per shard, stopping at the last example).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from curate.building.inputs import audit_fields
from curate.building.source import iter_records
from curate.errors import CurateError
from curate.store import table_exists


@dataclass
class Group:
    kind: str  # kept_a_only | kept_b_only | drop_reason_differs | repeats_differ
    reason_a: str | None
    reason_b: str | None
    docs: int
    tokens: int
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Diff:
    corpus: str
    a: str
    b: str
    totals: dict[str, dict[str, Any]]
    groups: list[Group]


def _variants(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT DISTINCT corpus, variant FROM corpora ORDER BY corpus, variant"
    ).fetchall()


def resolve_corpus(con: duckdb.DuckDBPyConnection, a: str, b: str, corpus: str | None) -> str:
    if not table_exists(con, "corpora"):
        raise CurateError("this workspace has no built corpora: run `curate build` first")
    have = _variants(con)
    listing = ", ".join(f"{c}/{v}" for c, v in have) or "(none)"
    if corpus is None:
        both = sorted({c for c, _ in have if (c, a) in have and (c, b) in have})
        if len(both) == 1:
            return both[0]
        if len(both) > 1:
            raise CurateError(
                f"variants {a!r} and {b!r} exist in several corpora ({', '.join(both)}); "
                "choose one with --corpus"
            )
        corpus = next((c for c, v in have if v == a), None) or ""
    for v in (a, b):
        if (corpus, v) not in have:
            raise CurateError(f"no built variant {corpus}/{v}; built variants: {listing}")
    return corpus


def diff_variants(
    con: duckdb.DuckDBPyConnection, a: str, b: str, corpus: str | None = None, examples: int = 3
) -> Diff:
    corpus = resolve_corpus(con, a, b, corpus)
    runs = con.execute(
        "SELECT variant, min(run_id), max(run_id) FROM corpora WHERE corpus = ? AND variant IN (?, ?) "
        "GROUP BY variant",
        [corpus, a, b],
    ).fetchall()
    run_ids = {r for _, lo, hi in runs for r in (lo, hi)}
    if len(run_ids) != 1:
        raise CurateError(
            f"{corpus}/{a} and {corpus}/{b} were built from different audit runs "
            f"({', '.join(sorted(run_ids))}); diff compares variants of one audit run"
        )
    totals = {}
    for v in (a, b):
        row = con.execute(
            "SELECT n_docs, n_kept, n_dropped, n_records, n_tokens, n_tokens_source "
            "FROM corpus_stats WHERE corpus = ? AND variant = ?",
            [corpus, v],
        ).fetchone()
        keys = ("n_docs", "n_kept", "n_dropped", "n_records", "n_tokens", "n_tokens_source")
        totals[v] = dict(zip(keys, row, strict=True)) if row else {}
    joined = """
        WITH j AS (
          SELECT x.shard, x.position, x.doc_id, x.n_tokens,
                 x.decision AS da, x.reason AS ra, x.repeats AS ka,
                 y.decision AS db, y.reason AS rb, y.repeats AS kb
          FROM corpora x JOIN corpora y
            ON x.run_id = y.run_id AND x.shard = y.shard AND x.position = y.position
          WHERE x.corpus = ? AND x.variant = ? AND y.corpus = ? AND y.variant = ?),
        g AS (
          SELECT *, CASE
              WHEN da = 'keep' AND db = 'drop' THEN 'kept_a_only'
              WHEN da = 'drop' AND db = 'keep' THEN 'kept_b_only'
              WHEN da = 'drop' AND db = 'drop' AND ra <> rb THEN 'drop_reason_differs'
              WHEN da = 'keep' AND db = 'keep' AND ka <> kb THEN 'repeats_differ'
            END AS kind
          FROM j)
    """
    params = [corpus, a, corpus, b]
    order = ["kept_a_only", "kept_b_only", "drop_reason_differs", "repeats_differ"]
    groups = []
    for kind, ra, rb, n, tok in con.execute(
        joined
        + """SELECT kind,
              CASE WHEN kind IN ('kept_b_only', 'drop_reason_differs') THEN ra END,
              CASE WHEN kind IN ('kept_a_only', 'drop_reason_differs') THEN rb END,
              count(*), coalesce(sum(n_tokens), 0)
            FROM g WHERE kind IS NOT NULL GROUP BY ALL ORDER BY 1, 4 DESC, 2, 3""",
        params,
    ).fetchall():
        groups.append(Group(kind, ra, rb, int(n), int(tok)))
    groups.sort(key=lambda g: (order.index(g.kind), -g.docs, g.reason_a or "", g.reason_b or ""))
    if examples > 0 and groups:
        rows = con.execute(
            joined
            + """SELECT kind,
                  CASE WHEN kind IN ('kept_b_only', 'drop_reason_differs') THEN ra END AS gra,
                  CASE WHEN kind IN ('kept_a_only', 'drop_reason_differs') THEN rb END AS grb,
                  shard, position, doc_id, ka, kb FROM (
                SELECT *, row_number() OVER (PARTITION BY kind,
                    CASE WHEN kind IN ('kept_b_only', 'drop_reason_differs') THEN ra END,
                    CASE WHEN kind IN ('kept_a_only', 'drop_reason_differs') THEN rb END
                    ORDER BY shard, position) AS rn
                FROM g WHERE kind IS NOT NULL) WHERE rn <= ? ORDER BY shard, position""",
            [*params, examples],
        ).fetchall()
        run_id = next(iter(run_ids))
        text_field, id_field = audit_fields(con, run_id)
        snippets = _snippets([(r[3], r[4]) for r in rows], text_field, id_field)
        index = {(g.kind, g.reason_a, g.reason_b): g for g in groups}
        for kind, ra, rb, shard, pos, doc_id, ka, kb in rows:
            index[(kind, ra, rb)].examples.append(
                {
                    "doc_id": doc_id,
                    "shard": shard,
                    "position": pos,
                    "repeats": [ka, kb],
                    "snippet": snippets.get((shard, pos)),
                }
            )
    return Diff(corpus, a, b, totals, groups)


def _snippets(
    keys: list[tuple[str, int]], text_field: str, id_field: str, width: int = 160
) -> dict[tuple[str, int], str | None]:
    by_shard: dict[str, set[int]] = defaultdict(set)
    for s, p in keys:
        by_shard[s].add(p)
    out: dict[tuple[str, int], str | None] = {}
    for shard, positions in sorted(by_shard.items()):
        last = max(positions)
        try:
            for pos, _, rec in iter_records(shard, text_field, id_field):
                if pos in positions and rec is not None:
                    text = " ".join(str(rec.get("text", "")).split())
                    out[(shard, pos)] = text[:width] + ("…" if len(text) > width else "")
                if pos >= last:
                    break
        except CurateError:
            pass  # the shard is gone: examples show ids without snippets
    return out


def format_diff(d: Diff) -> str:
    lines = [f"corpus {d.corpus}: {d.a} (A) vs {d.b} (B)"]
    for v in (d.a, d.b):
        t = d.totals.get(v) or {}
        lines.append(
            f"  {v}: {t.get('n_kept', '?')} of {t.get('n_docs', '?')} documents kept, "
            f"{t.get('n_records', '?')} records, {t.get('n_tokens', '?')} tokens written"
        )
    titles = {
        "kept_a_only": "kept in A, dropped in B",
        "kept_b_only": "kept in B, dropped in A",
        "drop_reason_differs": "dropped in both, different reasons",
        "repeats_differ": "kept in both, different repeats",
    }
    if not d.groups:
        lines.append("  no document differs")
    current = None
    for g in d.groups:
        if g.kind != current:
            current = g.kind
            lines.append(f"\n{titles[g.kind]}:")
        label = {
            "kept_a_only": f"B reason {g.reason_b!r}",
            "kept_b_only": f"A reason {g.reason_a!r}",
            "drop_reason_differs": f"A {g.reason_a!r} / B {g.reason_b!r}",
            "repeats_differ": "repeats",
        }[g.kind]
        lines.append(f"  {label}: {g.docs} docs, {g.tokens} tokens")
        for ex in g.examples:
            rep = (
                f" repeats {ex['repeats'][0]}->{ex['repeats'][1]}"
                if g.kind == "repeats_differ"
                else ""
            )
            snip = ex["snippet"] if ex["snippet"] is not None else "(source not readable)"
            lines.append(f"    {ex['doc_id']}{rep}: {snip}")
    return "\n".join(lines)
