"""The Python API for notebooks: open a workspace read-only and get Polars frames.

    import curate
    import polars as pl

    ws = curate.open_workspace("WS")
    ws.sql("SELECT source, count(*) AS n FROM docs GROUP BY 1")  # polars.DataFrame
    ws.docs().filter(pl.col("lexicon_hits") > 0).collect()       # a LazyFrame over the Parquet
    ws.text(ws.flagged().head(5))                                # + each document's full text

Nothing here writes, anywhere:

- `sql` runs the statement through `curate.query` (the one implementation behind `curate
  query`): one SELECT on a read-only connection without external access, so it refuses exactly
  what the CLI refuses;
- the named frames (`runs`, `errors`, `shards`, `clusters`, `corpora`, `results`) run fixed
  queries with bound parameters on the same kind of read-only connection
  (`curate.store.connect_readonly`);
- `docs` and `flagged` scan the audit's own Parquet (`audit/<run_id>/docs/*.parquet`) with
  `polars.scan_parquet`, so filters and column selections push down to the files;
- `text` re-reads shards with the audit's own reader (`curate.audit.read.ShardReader`) and the
  run's recorded input settings, and checks every document against what the audit stored.

Every call opens the store and closes it again: an open notebook never holds DuckDB's file lock
against a writer (an audit, a build). The columns of every frame are those of the store tables in
docs/architecture.md; docs/api.md documents each method.
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any, overload

import duckdb
import polars as pl
import pyarrow as pa

from curate import files
from curate.audit.read import InputConfig, ShardReader
from curate.audit.steps.writer import SNIPPET_CHARS
from curate.building.inputs import audit_fields
from curate.config import build
from curate.errors import ConfigError, CurateError, unknown_name
from curate.manifests import content_digest, fingerprint
from curate.query import DEFAULT_TIMEOUT, MEMORY_LIMIT, query_arrow
from curate.store import connect_readonly, ident, last_run, table_exists
from curate.text import exact_hash
from curate.workspace import Workspace

__all__ = ["AuditWorkspace", "open_workspace"]

KEY = ("shard", "position")  # a document of a run (docs/architecture.md)
CHECKED = ("n_chars", "snippet", "exact_hash")  # what `text` compares with what the audit read
# what a workspace lacks when a table is absent, and the command that makes it
_MADE_BY = {
    "runs": "curate audit PATH --workspace WS",
    "docs": "curate audit PATH --workspace WS",
    "errors": "curate audit PATH --workspace WS",
    "shards": "curate audit PATH --workspace WS",
    "dup_clusters": "curate dedup WS",
    "corpora": "curate build POLICY --workspace WS",
    "results": "curate ablate SPEC",
}


def open_workspace(path: str | os.PathLike[str]) -> AuditWorkspace:
    """A workspace folder (the one given to `curate audit --workspace`), opened read-only."""
    ws = Workspace.at(path, create=False)
    if not ws.db_path.is_file():
        raise CurateError(
            f"{ws.db_path}: no store in this workspace; run `curate audit PATH --workspace "
            f"{path}` first"
        )
    return AuditWorkspace(ws)


class AuditWorkspace:
    """Read-only access to one workspace's audit store, as Polars frames (`open_workspace`)."""

    __slots__ = ("_ws",)

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    @property
    def root(self) -> Path:
        return self._ws.root

    def __repr__(self) -> str:
        return f"AuditWorkspace({str(self._ws.root)!r})"

    # -- SQL --------------------------------------------------------------------------------

    def sql(self, query: str, *, limit: int = 0, timeout: float = DEFAULT_TIMEOUT) -> pl.DataFrame:
        """The result of one read-only SELECT (exactly what `curate query` accepts) as a frame.

        `limit`: at most this many rows (0 = all); `timeout`: seconds before the query is
        stopped. Writes, COPY, ATTACH, file reads and a second statement are refused with a
        CurateError, and change nothing."""
        return _frame(query_arrow(self._ws, query, limit=limit, timeout=timeout))

    # -- runs and the audit's Parquet -------------------------------------------------------

    def runs(self, kind: str | None = None) -> pl.DataFrame:
        """The `runs` table (every audit, dedup, build and ablation), oldest first."""
        with self._store() as con:
            return _select(con, "runs", {"kind": kind}, "started_at, run_id")

    def latest_run(self) -> str:
        """The run id of the latest finished audit (what every `run=None` means)."""
        with self._store() as con:
            return self._run(con, None)

    def docs(self, run: str | None = None) -> pl.LazyFrame:
        """The `docs` rows of an audit run (default: the latest finished one), as a LazyFrame
        over the run's Parquet: `filter` and `select` push down to the files. Rows come in task
        order, not sorted; `meta` is a JSON string (`pl.col("meta").str.json_path_match(...)`)."""
        return self._docs(run)[1]

    def flagged(
        self, classifier: str | None = None, threshold: float = 0.5, run: str | None = None
    ) -> pl.LazyFrame:
        """The `docs` rows with ``score_<classifier> >= threshold``, highest score first.

        `classifier`: a name as in `score_<name>` (default: the run's first score column); an
        unknown name fails and lists the scored ones."""
        if not isinstance(threshold, int | float) or math.isnan(threshold):
            raise CurateError(f"threshold must be a number, got {threshold!r}")
        run_id, lf = self._docs(run)
        scored = [c.removeprefix("score_") for c in lf.collect_schema() if c.startswith("score_")]
        if not scored:
            raise CurateError(
                f"audit run {run_id} has no classifier scores (it was audited without a "
                'classifier); flag by lexicon instead: ws.docs().filter(pl.col("lexicon_hits") > 0)'
            )
        name = scored[0] if classifier is None else classifier.removeprefix("score_")
        if name not in scored:
            raise unknown_name("classifier", name, scored, f"audit run {run_id}")
        col = f"score_{name}"
        return lf.filter(pl.col(col) >= threshold).sort(
            [col, *KEY], descending=[True, False, False], nulls_last=True
        )

    # -- store tables -----------------------------------------------------------------------

    def errors(self, run: str | None = None) -> pl.DataFrame:
        """The bad records of an audit run (`errors`: reason codes in docs/audit.md)."""
        with self._store() as con:
            return _select(con, "errors", {"run_id": self._run(con, run)}, "shard, position")

    def shards(self, run: str | None = None) -> pl.DataFrame:
        """One row per shard of an audit run (`shards`: n_read = n_docs + n_errors)."""
        with self._store() as con:
            return _select(con, "shards", {"run_id": self._run(con, run)}, "shard")

    def clusters(self, run: str | None = None) -> pl.DataFrame:
        """The duplicate clusters of an audit run (`dup_clusters`, written by `curate dedup`)."""
        with self._store() as con:
            return _select(
                con,
                "dup_clusters",
                {"run_id": self._run(con, run)},
                "cluster_id, shard, position",
            )

    def corpora(self, corpus: str | None = None, variant: str | None = None) -> pl.DataFrame:
        """Per-document decisions of built corpus variants (`corpora`, written by `curate
        build`), optionally of one corpus and one variant."""
        with self._store() as con:
            for col, value in (("corpus", corpus), ("variant", variant)):
                _check_known(con, "corpora", col, value)
            where = {"corpus": corpus, "variant": variant}
            return _select(con, "corpora", where, "corpus, variant, run_id, shard, position")

    def results(self, ablation: str | None = None) -> pl.DataFrame:
        """The `results` rows of an ablation (all ablations when None; docs/ablation.md)."""
        with self._store() as con:
            _check_known(con, "results", "ablation", ablation)
            return _select(
                con,
                "results",
                {"ablation": ablation},
                "ablation, variant, seed NULLS LAST, model_id, stage, metric, eval_domain",
            )

    # -- full text --------------------------------------------------------------------------

    @overload
    def text(self, docs: str, run: str | None = None) -> str: ...  # type: ignore[overload-overlap]
    @overload
    def text(self, docs: pl.DataFrame | pl.LazyFrame, run: str | None = None) -> pl.DataFrame: ...
    @overload
    def text(self, docs: Iterable[str], run: str | None = None) -> dict[str, str]: ...

    def text(
        self, docs: str | Iterable[str] | pl.DataFrame | pl.LazyFrame, run: str | None = None
    ) -> str | dict[str, str] | pl.DataFrame:
        """The full text of documents, read back from their shards (the store keeps 200 chars).

        - a doc_id -> its text;
        - doc_ids (a list, a `pl.Series`) -> {doc_id: text}, in the order given;
        - a frame with `shard` and `position` columns (from `docs`, `flagged`, `clusters`,
          `corpora`) -> the frame with a `text` column; its `run_id` column, when it has one,
          names the audit run.

        Exactly the text the audit read: each shard is read once, forward, with the run's
        recorded reader settings; a local shard's bytes must be those the audit's manifest
        recorded (size, content digest), and every document must match its `docs` row (id,
        n_chars, snippet, exact_hash). A shard changed since the audit raises a CurateError.
        """
        if isinstance(docs, pl.DataFrame | pl.LazyFrame):
            return self._text_frame(docs.lazy().collect(), run)
        ids = [docs] if isinstance(docs, str) else list(dict.fromkeys(docs))
        bad = [x for x in ids if not isinstance(x, str)]
        if bad:
            raise CurateError(f"doc ids are strings; got {bad[0]!r} ({type(bad[0]).__name__})")
        run_id, lf = self._docs(run)
        rows = lf.filter(pl.col("doc_id").is_in(ids)).select("doc_id", *KEY, *CHECKED).collect()
        found = defaultdict(list)
        for r in rows.iter_rows(named=True):
            found[r["doc_id"]].append(r)
        missing = [x for x in ids if x not in found]
        if missing:
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise CurateError(
                f"audit run {run_id} has no document with id {', '.join(map(repr, missing[:5]))}"
                f"{more}"
            )
        twice = next((x for x in ids if len(found[x]) > 1), None)
        if twice is not None:
            where = ", ".join(f"{r['shard']}:{r['position']}" for r in found[twice][:3])
            raise CurateError(
                f"doc_id {twice!r} names {len(found[twice])} documents of audit run {run_id} "
                f"({where}); pass a frame with shard and position instead: "
                f'ws.text(ws.docs().filter(pl.col("doc_id") == {twice!r}))'
            )
        got = self._read(run_id, [found[x][0] for x in ids])
        texts = {x: got[(found[x][0]["shard"], found[x][0]["position"])] for x in ids}
        return texts[ids[0]] if isinstance(docs, str) else texts

    def _text_frame(self, frame: pl.DataFrame, run: str | None) -> pl.DataFrame:
        lacking = [c for c in KEY if c not in frame.columns]
        if lacking:
            raise CurateError(
                f"ws.text(frame) needs the columns shard and position (lacks {lacking}); pass "
                "rows of ws.docs(), ws.flagged(), ws.clusters() or ws.corpora(), or doc ids"
            )
        if "run_id" in frame.columns and frame.height:
            runs = frame.get_column("run_id").unique().to_list()
            if len(runs) > 1:
                raise CurateError(
                    f"ws.text(frame): the frame holds rows of {len(runs)} audit runs; pass one "
                    "run's rows at a time"
                )
            if run is not None and runs[0] != run:
                raise CurateError(f"ws.text(frame): the frame's run_id {runs[0]!r} is not {run!r}")
            run = runs[0]
        run_id, lf = self._docs(run)
        keys = frame.select(pl.col("shard").cast(pl.String), pl.col("position").cast(pl.Int64))
        rows = (
            lf.select("doc_id", *KEY, *CHECKED)
            .join(keys.unique().lazy(), on=list(KEY), how="semi")
            .collect()
        )
        have = {(r["shard"], r["position"]): r for r in rows.iter_rows(named=True)}
        want = list(dict.fromkeys(keys.iter_rows()))
        absent = [k for k in want if k not in have]
        if absent:
            raise CurateError(
                f"audit run {run_id} has no document at {absent[0][0]}:{absent[0][1]}"
                + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else "")
            )
        if "doc_id" in frame.columns:
            for (s, p), d in zip(keys.iter_rows(), frame.get_column("doc_id"), strict=True):
                if have[(s, p)]["doc_id"] != d:
                    raise CurateError(
                        f"{s}:{p} is document {have[(s, p)]['doc_id']!r} in audit run {run_id}, "
                        f"not {d!r}: the frame's rows are not this run's"
                    )
        got = self._read(run_id, [have[k] for k in want])
        text = [got[k] for k in keys.iter_rows()]
        return frame.with_columns(pl.Series("text", text, dtype=pl.String))

    def _read(self, run_id: str, rows: list[dict[str, Any]]) -> dict[tuple[str, int], str]:
        """Texts of `rows` (doc_id, shard, position and CHECKED), each shard read once."""
        with self._store() as con:
            cfg = _input_config(con, run_id)
            recorded = _recorded_inputs(con, run_id)
        by_shard: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        for r in rows:
            by_shard[r["shard"]][int(r["position"])] = r
        out: dict[tuple[str, int], str] = {}
        for shard in sorted(by_shard):
            _check_bytes(shard, recorded.get(shard), run_id)
            for pos, text in _read_shard(shard, by_shard[shard], cfg).items():
                out[(shard, pos)] = text
        return out

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _store(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect_readonly(self._ws, memory_limit=MEMORY_LIMIT)
        try:
            yield con
        except duckdb.Error as e:
            raise CurateError(f"{self._ws.db_path}: {str(e).strip()}") from None
        finally:
            con.close()

    def _run(self, con: duckdb.DuckDBPyConnection, run: str | None) -> str:
        """`run` (an audit run that finished), else the latest finished audit."""
        if run is None:
            latest = last_run(con, "audit")
            if latest is None:
                raise CurateError(
                    f"{self._ws.root}: no finished audit run; run `curate audit PATH "
                    f"--workspace {self._ws.root}` first"
                )
            return latest
        rows = con.execute("SELECT kind, status FROM runs WHERE run_id = ?", [run]).fetchall()
        if not rows or rows[0][0] != "audit":
            have = con.execute("SELECT run_id FROM runs WHERE kind = 'audit'").fetchall()
            raise unknown_name("audit run", run, [r[0] for r in have], str(self._ws.root))
        if rows[0][1] != "done":
            raise CurateError(
                f"audit run {run!r} did not finish (status: {rows[0][1]}); its rows are "
                "incomplete: rerun the same `curate audit` command to complete it"
            )
        return run

    def _docs(self, run: str | None) -> tuple[str, pl.LazyFrame]:
        with self._store() as con:
            run_id = self._run(con, run)
            writer = _run_config(con, run_id).get("writer") or {}
        base = writer.get("output_dir") if isinstance(writer, dict) else ""
        folder = (
            files.join(base, "audit", run_id, "docs")
            if base
            else str(self._ws.audit_dir(run_id) / "docs")
        )
        paths = files.list_files(folder, ".parquet")
        if not paths:
            raise CurateError(
                f"{folder}: the Parquet files of audit run {run_id} are gone; the store keeps a "
                f"copy: ws.sql(\"SELECT * FROM docs WHERE run_id = '{run_id}'\")"
            )
        lf = pl.scan_parquet(paths)
        meta = lf.collect_schema().get("meta")
        if meta is not None and meta != pl.String and hasattr(pl.Expr, "ext"):
            lf = lf.with_columns(pl.col("meta").ext.storage())  # the arrow.json extension type
        return run_id, lf


def _frame(table: pa.Table) -> pl.DataFrame:
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)  # from_arrow of a Table is a DataFrame
    return df


def _select(
    con: duckdb.DuckDBPyConnection, table: str, where: dict[str, Any], order: str
) -> pl.DataFrame:
    """``SELECT * FROM table WHERE k = ? ... ORDER BY order`` (None values: no condition)."""
    if not table_exists(con, table):
        raise CurateError(f"this workspace has no {table} table yet: run `{_MADE_BY[table]}`")
    conds = {k: v for k, v in where.items() if v is not None}
    sql = f"SELECT * FROM {ident(table)}"
    if conds:
        sql += " WHERE " + " AND ".join(f"{ident(k)} = ?" for k in conds)
    return _frame(con.sql(f"{sql} ORDER BY {order}", params=list(conds.values())).to_arrow_table())


def _check_known(con: duckdb.DuckDBPyConnection, table: str, col: str, value: str | None) -> None:
    """An unknown `value` of `table.col` fails and lists the known ones."""
    if value is None:
        return
    if not table_exists(con, table):
        raise CurateError(f"this workspace has no {table} table yet: run `{_MADE_BY[table]}`")
    have = [r[0] for r in con.sql(f"SELECT DISTINCT {ident(col)} FROM {ident(table)}").fetchall()]
    if value not in have:
        raise unknown_name(col, value, [h for h in have if h is not None], table)


def _run_config(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    row = con.execute("SELECT config FROM runs WHERE run_id = ?", [run_id]).fetchone()
    try:
        cfg = json.loads(row[0]) if row and row[0] else {}
    except (TypeError, ValueError):
        cfg = {}
    return cfg if isinstance(cfg, dict) else {}


def _input_config(con: duckdb.DuckDBPyConnection, run_id: str) -> InputConfig:
    """How the audit run read its shards: its recorded `[inputs]` settings."""
    text_field, id_field = audit_fields(con, run_id)
    recorded = _run_config(con, run_id).get("inputs")
    keep = {f.name for f in fields(InputConfig)} - {"paths", "text_field", "id_field"}
    settings = (
        {k: v for k, v in recorded.items() if k in keep} if isinstance(recorded, dict) else {}
    )
    data = {**settings, "paths": ["-"], "text_field": text_field, "id_field": id_field}
    try:
        return build(InputConfig, data, f"audit run {run_id} [inputs]")
    except ConfigError as e:
        raise CurateError(f"cannot re-read the shards of audit run {run_id}: {e}") from None


def _recorded_inputs(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, dict[str, Any]]:
    """shard -> the fingerprint (size, mtime, xxh3-128 of the bytes) the audit's manifest holds;
    empty when the manifest cannot be read (then only the documents themselves are checked)."""
    row = con.execute("SELECT manifest_path FROM runs WHERE run_id = ?", [run_id]).fetchall()
    try:
        manifest = json.loads(Path(row[0][0]).read_text())
        return {str(fp["path"]): fp for fp in manifest["inputs"]}
    except (IndexError, TypeError, OSError, ValueError, KeyError):
        return {}


def _check_bytes(shard: str, then: dict[str, Any] | None, run_id: str) -> None:
    """Refuse a local shard whose size or content digest is not what the audit recorded (the
    same test as the build's `curate.building.verify`); nothing to compare: no check here."""
    if then is None or files.is_url(shard):
        return
    try:
        now = fingerprint(shard)
    except OSError:
        return  # gone: the reader says so
    if now["size"] != then.get("size"):
        how = f"{now['size']} bytes now, {then.get('size')} when audited"
    elif "xxh3_128" in then and content_digest(shard) != then["xxh3_128"]:
        how = "the same size, other bytes"
    else:
        return
    raise CurateError(
        f"{shard}: not the bytes audit run {run_id} read ({how}); the shard changed since the "
        "audit: re-audit it to read its text"
    )


def _read_shard(shard: str, wanted: dict[int, dict[str, Any]], cfg: InputConfig) -> dict[int, str]:
    """The texts at `wanted` positions of one shard, reading it once, forward, up to the last."""

    def changed(what: str) -> CurateError:
        return CurateError(
            f"{shard}: {what}; the shard changed since the audit: re-audit it to read its text"
        )

    out: dict[int, str] = {}
    last = max(wanted)
    records = ShardReader([shard], cfg).read_shard(shard)
    try:
        for doc in records:
            md = doc.metadata
            if md.get("_shard_end"):
                break
            pos = int(md["_pos"])
            row = wanted.get(pos)
            if row is not None:
                if "_error" in md:
                    raise changed(f"record {pos} is now a bad record ({md['_error']})")
                if doc.id != row["doc_id"]:
                    raise changed(
                        f"record {pos} has id {doc.id!r} but the audit read {row['doc_id']!r}"
                    )
                t = doc.text
                if (len(t), t[:SNIPPET_CHARS], exact_hash(t)) != (
                    row["n_chars"],
                    row["snippet"],
                    row["exact_hash"],
                ):
                    raise changed(f"record {pos} ({doc.id!r}) is not the text the audit read")
                out[pos] = doc.text
            if pos >= last:
                break
    finally:
        close = getattr(records, "close", None)  # a generator: closing it closes the file
        if close is not None:
            close()
    if len(out) < len(wanted):
        first = min(set(wanted) - set(out))
        raise changed(f"it ends before record {first} ({wanted[first]['doc_id']!r})")
    return out
