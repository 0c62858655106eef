"""`curate summary`: what an audit run found, as plain text (and optionally a PNG).

Reads the store read-only. For one audit run (default: the latest finished one) it prints:
documents and bad records per shard; bad records by reason; the flagged rate (score >= threshold)
per classifier, per shard, per source and per document kind (``meta.kind``, when the inputs carry
it); an ASCII histogram of every score column; lexicon hits per category; and the top flagged
documents (doc_id, score, the first 100 characters of the stored `snippet`). Without a classifier,
"flagged" means at least one lexicon hit, and the text says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curate.console import format_table
from curate.errors import CurateError
from curate.store import connect_readonly, ident, table_columns, table_exists
from curate.workspace import Workspace

BAR = 40


def _table(cols: list[str], rows: list[tuple]) -> str:
    return format_table(cols, rows)


def histogram(values: list[float], bins: int = 10, lo: float = 0.0, hi: float = 1.0) -> str:
    """ASCII histogram of values in [lo, hi] with `bins` equal bins."""
    counts = [0] * bins
    for v in values:
        i = int((v - lo) / (hi - lo) * bins)
        counts[min(max(i, 0), bins - 1)] += 1
    top = max(counts) or 1
    lines = []
    for i, c in enumerate(counts):
        a = lo + (hi - lo) * i / bins
        b = lo + (hi - lo) * (i + 1) / bins
        bar = "#" * round(c / top * BAR)
        lines.append(f"  [{a:4.2f}, {b:4.2f}{']' if i == bins - 1 else ')'} {c:>8}  {bar}")
    return "\n".join(lines)


def _pick_run(con: Any, run_id: str | None) -> str:
    if run_id:
        row = con.execute("SELECT run_id FROM runs WHERE run_id = ?", [run_id]).fetchone()
        if not row:
            runs = [
                r[0] for r in con.execute("SELECT run_id FROM runs WHERE kind = 'audit'").fetchall()
            ]
            raise CurateError(
                f"no run {run_id!r} in this store; audit runs: {', '.join(runs) or '(none)'}"
            )
        return run_id
    row = con.execute(
        "SELECT run_id FROM runs WHERE kind = 'audit' AND status = 'done' "
        "ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    if not row:
        raise CurateError("no finished audit run in this workspace; run `curate audit` first")
    return row[0]


def summarize(
    workspace: str | Path,
    run_id: str | None = None,
    classifier: str | None = None,
    threshold: float = 0.5,
    top: int = 10,
    plot: str | None = None,
) -> str:
    ws = Workspace.at(workspace, create=False)
    con = connect_readonly(ws)
    try:
        return _summarize(con, run_id, classifier, threshold, top, plot)
    finally:
        con.close()


def _summarize(con, run_id, classifier, threshold, top, plot) -> str:
    if not table_exists(con, "docs"):
        raise CurateError("this store has no audit rows yet; run `curate audit` first")
    run = _pick_run(con, run_id)
    cols = table_columns(con, "docs")
    # score columns that this run filled
    scores = []
    for c in cols:
        if c.startswith("score_"):
            n = con.execute(
                f"SELECT count({ident(c)}) FROM docs WHERE run_id = ?", [run]
            ).fetchone()[0]
            if n:
                scores.append(c)
    if classifier:
        want = f"score_{classifier}"
        if want not in scores:
            have = ", ".join(s.removeprefix("score_") for s in scores) or "(none)"
            raise CurateError(f"run {run} has no scores for {classifier!r}; scored: {have}")
        scores = [want]
    lex_cats = [c for c in cols if c.startswith("lex_")]
    has_lex = (
        "lexicon_hits" in cols
        and con.execute("SELECT count(lexicon_hits) FROM docs WHERE run_id = ?", [run]).fetchone()[
            0
        ]
    )
    if scores:
        flag_col = scores[0]
        flag_sql = f"coalesce({ident(flag_col)} >= {float(threshold)!r}, false)"
        flag_desc = f"{flag_col} >= {threshold}"
        rank_sql = ident(flag_col)
    elif has_lex:
        flag_sql = "coalesce(lexicon_hits > 0, false)"
        flag_desc = "lexicon_hits > 0 (no classifier scores in this run)"
        rank_sql = "lexicon_hits"
    else:
        flag_sql, flag_desc, rank_sql = "false", "nothing (no scores, no lexicon)", "n_chars"

    status, started, finished = con.execute(
        "SELECT status, started_at, finished_at FROM runs WHERE run_id = ?", [run]
    ).fetchone()
    out: list[str] = []
    tot = con.execute(
        "SELECT count(*), coalesce(sum(n_read), 0), coalesce(sum(n_docs), 0), "
        "coalesce(sum(n_errors), 0) FROM shards WHERE run_id = ?",
        [run],
    ).fetchone()
    out.append(f"audit run {run}  status={status}  started={started}  finished={finished}")
    out.append(
        f"{tot[0]} shard(s), {tot[1]} records read = {tot[2]} docs + {tot[3]} bad records; "
        f"flagged means {flag_desc}"
    )

    out.append("\n== per shard")
    rows = con.execute(
        f"""
        SELECT s.shard, s.n_read, s.n_docs, s.n_errors,
               (SELECT avg(({flag_sql})::INT) FROM docs d
                 WHERE d.run_id = s.run_id AND d.shard = s.shard) AS flagged_rate
        FROM shards s WHERE s.run_id = ? ORDER BY s.shard
        """,
        [run],
    ).fetchall()
    out.append(_table(["shard", "n_read", "n_docs", "n_errors", "flagged_rate"], rows))

    err = con.execute(
        "SELECT reason, count(*) n FROM errors WHERE run_id = ? GROUP BY 1 ORDER BY 2 DESC, 1",
        [run],
    ).fetchall()
    if err:
        out.append("\n== bad records by reason")
        out.append(_table(["reason", "n"], err))

    for label, expr in (("source", "source"), ("kind (meta.kind)", "meta->>'$.kind'")):
        rows = con.execute(
            f"SELECT {expr} AS g, count(*) n, sum(({flag_sql})::INT) flagged, "
            f"avg(({flag_sql})::INT) rate FROM docs WHERE run_id = ? AND {expr} IS NOT NULL "
            "GROUP BY 1 ORDER BY 1",
            [run],
        ).fetchall()
        if rows:
            out.append(f"\n== flagged rate per {label}")
            out.append(_table([label.split()[0], "n_docs", "flagged", "rate"], rows))

    for s in scores:
        vals = [
            r[0]
            for r in con.execute(
                f"SELECT {ident(s)} FROM docs WHERE run_id = ? AND {ident(s)} IS NOT NULL",
                [run],
            ).fetchall()
        ]
        n_flag = sum(v >= threshold for v in vals)
        out.append(
            f"\n== {s}: {len(vals)} docs, {n_flag} >= {threshold} "
            f"({(n_flag / len(vals) if vals else 0):.1%})"
        )
        out.append(histogram(vals))

    if has_lex and lex_cats:
        sums = ", ".join(f"sum({ident(c)}), count_if({ident(c)} > 0)" for c in lex_cats)
        r = con.execute(f"SELECT {sums} FROM docs WHERE run_id = ?", [run]).fetchone()
        rows = [
            (c.removeprefix("lex_"), r[2 * i] or 0, r[2 * i + 1] or 0)
            for i, c in enumerate(lex_cats)
        ]
        out.append("\n== lexicon hits per category")
        out.append(_table(["category", "hits", "docs_with_hits"], rows))

    if top > 0:
        lex = "lexicon_hits" if has_lex else "NULL"
        rows = con.execute(
            f"SELECT doc_id, {rank_sql} AS score, {lex}, "
            "left(replace(coalesce(snippet, ''), chr(10), ' '), 100) "
            f"FROM docs WHERE run_id = ? AND {flag_sql} ORDER BY {rank_sql} DESC, shard, position "
            "LIMIT ?",
            [run, top],
        ).fetchall()
        out.append(f"\n== top {top} flagged documents ({flag_desc})")
        out.append(
            _table(["doc_id", "score", "lex_hits", "first 100 chars"], rows) if rows else "  (none)"
        )

    if plot:
        _plot(con, run, scores, plot)
        out.append(f"\nwrote {plot}")
    return "\n".join(out)


def _plot(con: Any, run: str, scores: list[str], path: str) -> None:
    # matplotlib costs ~0.5 s to import; only `--plot` needs it
    import matplotlib

    matplotlib.use("Agg")
    # pyplot after use("Agg"), so no display backend is ever tried
    import matplotlib.pyplot as plt

    cols = scores or ["lexicon_hits"]
    fig, axes = plt.subplots(1, len(cols), figsize=(5 * len(cols), 3.5), squeeze=False)
    for ax, c in zip(axes[0], cols, strict=True):
        vals = [
            r[0]
            for r in con.execute(
                f"SELECT {ident(c)} FROM docs WHERE run_id = ? AND {ident(c)} IS NOT NULL", [run]
            ).fetchall()
        ]
        ax.hist(vals, bins=20, range=(0, 1) if c.startswith("score_") else None)
        ax.set_title(c)
        ax.set_xlabel("value")
        ax.set_ylabel("documents")
    fig.suptitle(f"audit {run}")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
