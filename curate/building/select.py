"""Selection: one decision per audited document and variant, computed in DuckDB.

Nothing here reads text. Every variant becomes a table ``scratch._dec<i>`` (in a scratch database
file attached for the build, see `Selector`) with one row per `docs`
row of the audit run (``corpus, variant, run_id, shard, position, doc_id, decision, reason,
repeats, n_tokens, n_chars``) built in steps that mirror the policy (see `curate.building.policy`):

1. one scan of `docs` (left-joined to the duplicate-cluster columns) evaluates the drop rules as a
   ``CASE`` (first match wins, so a document's reason is the first rule in declared order) and the
   upsample rules the same way;
2. dedup updates the survivors: ``duplicate_of_flagged`` for members of clusters holding a dropped
   document, ``duplicate`` for every survivor of a cluster but its keeper (the representative
   if it survived, else the smallest (shard, position));
3. the random control orders the survivors by ``md5(seed | shard file name | position | doc id)``
   (stable across DuckDB versions, machines and where the shards live), takes the longest prefix
   whose tokens fit the amount still to remove, then repeatedly adds the remaining document whose size is closest to the gap while
   that shrinks it; the result must be within `tolerance` of the target's total or the build
   fails with both numbers;
4. kept documents get ``repeats`` from the first matching upsample rule (else 1); dropped ones 0.

DuckDB runs these set operations out of core within its ``memory_limit`` (the scratch tables'
blocks can be evicted to their file); every value in the SQL is a bound parameter (the scratch
file's path in ``ATTACH``, which takes none, is quoted).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from curate.building.policy import (
    DUP_COLUMNS,
    ORACLE_KEY,
    Columns,
    CompiledVariant,
    Policy,
    referenced_meta_keys,
)
from curate.errors import CurateError
from curate.store import ident, last_run, table_columns, table_exists

RANDOM_REASON = "random_control"
DEDUP_REASON = "duplicate"
FLAGGED_REASON = "duplicate_of_flagged"
KEPT_REASON = "kept"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def resolve_run(con: duckdb.DuckDBPyConnection, requested: str) -> str:
    """The audit run to build from: `requested`, else the latest finished audit."""
    if not table_exists(con, "docs"):
        raise CurateError("this workspace has no `docs` table: run `curate audit` into it first")
    if requested:
        n = con.execute("SELECT count(*) FROM docs WHERE run_id = ?", [requested]).fetchone()[0]
        if not n:
            runs = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT run_id FROM docs ORDER BY run_id DESC LIMIT 20"
                ).fetchall()
            ]
            raise CurateError(
                f"audit run {requested!r} has no documents in this workspace; runs with "
                f"documents: {', '.join(runs) or '(none)'}"
            )
        st = con.execute("SELECT status FROM runs WHERE run_id = ?", [requested]).fetchall()
        if not st or st[0][0] != "done":  # a killed or failed audit's rows are not complete
            raise CurateError(
                f"audit run {requested!r} did not finish (status: {st[0][0] if st else 'none'}); "
                "rerun the same `curate audit` command to complete it, then build"
            )
        return requested
    run = last_run(con, "audit")
    if run is None:
        raise CurateError(
            "no finished audit run in this workspace: run `curate audit` first, or name one "
            "with --run"
        )
    return run


def audit_fields(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[str, str]:
    """(text_field, id_field) the audit run read with (from its recorded config)."""
    row = con.execute("SELECT config FROM runs WHERE run_id = ?", [run_id]).fetchone()
    found: dict[str, str] = {}

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("text_field", "id_field") and isinstance(v, str) and k not in found:
                    found[k] = v
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    if row and row[0]:
        with contextlib.suppress(TypeError, ValueError):
            walk(json.loads(row[0]))
    return found.get("text_field", "text"), found.get("id_field", "id")


def store_columns(con: duckdb.DuckDBPyConnection, run_id: str, policy: Policy) -> Columns:
    """The columns a rule may use, and which referenced metadata keys exist in this run."""
    types = {k: v for k, v in table_columns(con, "docs").items() if _IDENT.match(k)}
    for name, dtype in DUP_COLUMNS.items():
        types.setdefault(name, dtype)
    keys: set[str] = set()
    if "meta" in types:
        wanted = referenced_meta_keys(policy)
        for key in sorted(wanted):
            n = con.execute(
                "SELECT count(*) FROM docs WHERE run_id = ? AND json_extract(meta, ?) IS NOT NULL",
                [run_id, f"$.{key}"],
            ).fetchone()[0]
            if n:
                keys.add(key)
        if wanted - keys:  # for the error message: the keys that do exist (from a sample)
            rows = con.execute(
                "SELECT DISTINCT k FROM (SELECT unnest(json_keys(meta)) AS k FROM "
                "(SELECT meta FROM docs WHERE run_id = ? AND meta IS NOT NULL LIMIT 10000))",
                [run_id],
            ).fetchall()
            keys |= {r[0] for r in rows}
    return Columns(types, frozenset(keys))


@dataclass(frozen=True)
class DupSource:
    """How to read `dup_clusters` for a run (None when the table is absent)."""

    has_kind: bool
    n_rows: int


def check_inputs(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    policy: Policy,
    compiled: list[CompiledVariant],
    log: Any,
) -> DupSource | None:
    """Checks that need the data (not just the schema), still before any work."""
    tok = ident(policy.token_column)
    n_null = con.execute(
        f"SELECT count(*) FROM docs WHERE run_id = ? AND {tok} IS NULL", [run_id]
    ).fetchone()[0]
    if n_null:
        raise CurateError(
            f"token_column {policy.token_column!r} is NULL for {n_null} documents of run "
            f"{run_id}; choose a column the audit always fills (e.g. n_words)"
        )
    for cv in compiled:
        if not cv.uses_oracle:
            continue
        if "meta" not in table_columns(con, "docs"):
            raise CurateError(
                f"variant {cv.name!r} is an oracle variant, but the docs table has no `meta` "
                "column to hold the ground-truth label; re-audit with a current curate"
            )
        n_all, n_lab = con.execute(
            "SELECT count(*), count(json_extract_string(meta, ?)) FROM docs WHERE run_id = ?",
            [f"$.{ORACLE_KEY}", run_id],
        ).fetchone()
        if not n_lab:
            raise CurateError(
                f"variant {cv.name!r} is an oracle variant, but no document of audit run "
                f"{run_id} has the ground-truth label metadata.{ORACLE_KEY} (only persona-world "
                "corpora have it); audit a world generated by `curate world generate`, or "
                "remove the `oracle = true` rule"
            )
        if n_lab < n_all:
            log(
                f"note: variant {cv.name!r}: {n_all - n_lab} of {n_all} documents have no "
                f"metadata.{ORACLE_KEY} label; the oracle keeps them"
            )
    if not any(cv.uses_dup for cv in compiled):
        return None
    users = ", ".join(cv.name for cv in compiled if cv.uses_dup)
    if not table_exists(con, "dup_clusters"):
        raise CurateError(
            f"variants {users} use duplicate clusters, but this workspace has no "
            "`dup_clusters` table; run `curate dedup WS` first"
        )
    have = table_columns(con, "dup_clusters")
    need = {"run_id", "shard", "position", "doc_id", "cluster_id", "cluster_size"}
    if need - set(have):
        raise CurateError(
            f"dup_clusters lacks columns {sorted(need - set(have))}; re-run `curate dedup WS`"
        )
    n = con.execute("SELECT count(*) FROM dup_clusters WHERE run_id = ?", [run_id]).fetchone()[0]
    if not n:
        ran = (
            table_exists(con, "dup_summary")
            and con.execute(
                "SELECT count(*) FROM dup_summary WHERE run_id = ?", [run_id]
            ).fetchone()[0]
        )
        if not ran:
            raise CurateError(
                f"variants {users} use duplicate clusters, but `curate dedup` has not been run "
                f"on audit run {run_id} (no dup_clusters rows, no dup_summary row); run it first"
            )
        log(f"note: dedup found no duplicates in audit run {run_id}")
    return DupSource(has_kind="kind" in have, n_rows=n)


def _sql_str(p: Path) -> str:
    """A path as the body of a SQL string literal (ATTACH takes no parameters)."""
    return str(p).replace("'", "''")


class Selector:
    """Computes the decision tables of a policy's variants on one connection.

    Working tables live in a scratch database file attached as ``scratch`` (not TEMP tables):
    DuckDB can evict their blocks to disk, so the selection's memory stays within
    ``memory_limit`` whatever the corpus size."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        policy: Policy,
        run_id: str,
        dup: DupSource | None,
        have_cols: dict[str, str],
        scratch: Path,
    ) -> None:
        self.con = con
        self.policy = policy
        self.run_id = run_id
        self.dup = dup
        self.have = have_cols
        self.tables: dict[str, str] = {}
        self.control_info: dict[str, dict[str, Any]] = {}
        self.scratch = scratch
        scratch.unlink(missing_ok=True)
        con.execute(f"ATTACH '{_sql_str(scratch)}' AS scratch")
        self._prepare_dup()

    def close(self) -> None:
        """Detach and delete the scratch database."""
        with contextlib.suppress(duckdb.Error):
            self.con.execute("DETACH scratch")
        for p in (self.scratch, self.scratch.with_name(self.scratch.name + ".wal")):
            p.unlink(missing_ok=True)

    # -- duplicate clusters -------------------------------------------------------------------

    def _prepare_dup(self) -> None:
        con = self.con
        if self.dup is None:
            con.execute(
                "CREATE OR REPLACE TABLE scratch._dupall (shard VARCHAR, position BIGINT, "
                "doc_id VARCHAR, ckey VARCHAR, cluster_id VARCHAR, cluster_size BIGINT, "
                "is_rep BOOLEAN, jaccard DOUBLE, kind VARCHAR)"
            )
        else:
            kind = "CAST(kind AS VARCHAR)" if self.dup.has_kind else "CAST(NULL AS VARCHAR)"
            rep = (
                "coalesce(doc_id = CAST(representative AS VARCHAR), false)"
                if "representative" in self._dup_cols()
                else "false"
            )
            jac = (
                "CAST(jaccard_to_rep AS DOUBLE)"
                if "jaccard_to_rep" in self._dup_cols()
                else "CAST(NULL AS DOUBLE)"
            )
            con.execute(
                f"""CREATE OR REPLACE TABLE scratch._dupall AS
                SELECT shard, CAST(position AS BIGINT) AS position, CAST(doc_id AS VARCHAR) AS doc_id,
                       CAST(cluster_id AS VARCHAR) AS ckey,
                       CAST(cluster_id AS VARCHAR) AS cluster_id,
                       CAST(cluster_size AS BIGINT) AS cluster_size,
                       {rep} AS is_rep, {jac} AS jaccard, {kind} AS kind
                FROM dup_clusters WHERE run_id = ? AND cluster_size > 1""",
                [self.run_id],
            )
        # one row per document for the derived columns: its largest cluster
        con.execute(
            """CREATE OR REPLACE TABLE scratch._dup1 AS
            SELECT shard, position, cluster_id, cluster_size, is_rep, jaccard, kind FROM (
              SELECT *, row_number() OVER (PARTITION BY shard, position
                                           ORDER BY cluster_size DESC, ckey) AS rn
              FROM scratch._dupall) WHERE rn = 1"""
        )

    def _dup_cols(self) -> dict[str, str]:
        return table_columns(self.con, "dup_clusters")

    def _base_sql(self) -> str:
        """Every docs column of the run plus the derived duplicate columns (one param: run)."""
        tok = ident(self.policy.token_column)
        n_chars = "d.n_chars" if "n_chars" in self.have else "CAST(NULL AS BIGINT)"
        docs_cols = ", ".join(
            f"d.{ident(c)}" for c in self.have if c not in DUP_COLUMNS and _IDENT.match(c)
        )
        return f"""SELECT {docs_cols},
              CAST(d.{tok} AS BIGINT) AS _tok, CAST({n_chars} AS BIGINT) AS _chars,
              u.cluster_id AS dup_cluster_id, coalesce(u.cluster_size, 1) AS dup_cluster_size,
              coalesce(u.is_rep, true) AS dup_is_representative,
              u.jaccard AS dup_jaccard_to_rep, u.kind AS dup_kind
            FROM docs d LEFT JOIN scratch._dup1 u ON u.shard = d.shard AND u.position = d.position
            WHERE d.run_id = ?"""

    # -- one variant ------------------------------------------------------------------------

    def decide(self, index: int, cv: CompiledVariant) -> str:
        con = self.con
        params: list[Any] = [self.run_id]
        if cv.drop:
            whens = []
            for c in cv.drop:
                whens.append(f"WHEN {c.sql} THEN ?")
                params += [*c.params, c.reason]
            reason = "CASE " + " ".join(whens) + " ELSE NULL END"
        else:
            reason = "CAST(NULL AS VARCHAR)"
        if cv.upsample:
            w1, w2 = [], []
            p1: list[Any] = []
            p2: list[Any] = []
            for c in cv.upsample:
                w1.append(f"WHEN {c.sql} THEN ?")
                p1 += [*c.params, c.reason]
                w2.append(f"WHEN {c.sql} THEN ?")
                p2 += [*c.params, c.repeats]
            up_reason = "CASE " + " ".join(w1) + " ELSE ? END"
            up_rep = "CASE " + " ".join(w2) + " ELSE 1 END"
            params += [*p1, KEPT_REASON, *p2]
        else:
            up_reason, up_rep = "?", "1"
            params.append(KEPT_REASON)
        params = params[1:] + params[:1]  # the run id binds last (in the FROM clause)
        t = f"scratch._r{index}"
        con.execute(
            f"""CREATE OR REPLACE TABLE {t} AS
            SELECT shard, position, doc_id, _tok, _chars, {reason} AS reason,
                   {up_reason} AS up_reason, CAST({up_rep} AS INTEGER) AS up_repeats
            FROM ({self._base_sql()}) b""",
            params,
        )
        if cv.dedup in ("drop_flagged_clusters", "drop_flagged_then_keep_one"):
            self._drop_flagged(t)
        if cv.dedup in ("keep_one", "drop_flagged_then_keep_one"):
            self._keep_one(t)
        if cv.control is not None:
            self._random_control(t, cv)
        dec = f"scratch._dec{index}"
        con.execute(
            f"""CREATE OR REPLACE TABLE {dec} AS
            SELECT CAST(? AS VARCHAR) AS corpus, CAST(? AS VARCHAR) AS variant,
                   CAST(? AS VARCHAR) AS run_id, shard, position, doc_id,
                   CASE WHEN reason IS NULL THEN 'keep' ELSE 'drop' END AS decision,
                   coalesce(reason, up_reason) AS reason,
                   CASE WHEN reason IS NULL THEN up_repeats ELSE 0 END AS repeats,
                   _tok AS n_tokens, _chars AS n_chars
            FROM {t}""",
            [self.policy.corpus, cv.name, self.run_id],
        )
        con.execute(f"DROP TABLE {t}")
        self.tables[cv.name] = dec
        return dec

    def _drop_flagged(self, t: str) -> None:
        self.con.execute(
            f"""UPDATE {t} AS t SET reason = ? FROM (
                SELECT DISTINCT m.shard, m.position FROM scratch._dupall m WHERE m.ckey IN (
                    SELECT c.ckey FROM scratch._dupall c JOIN {t} r
                      ON r.shard = c.shard AND r.position = c.position
                    WHERE r.reason IS NOT NULL)
            ) f WHERE t.shard = f.shard AND t.position = f.position AND t.reason IS NULL""",
            [FLAGGED_REASON],
        )

    def _keep_one(self, t: str) -> None:
        self.con.execute(
            f"""UPDATE {t} AS t SET reason = ? FROM (
                SELECT DISTINCT shard, position FROM (
                    SELECT m.shard, m.position, row_number() OVER (
                        PARTITION BY m.ckey ORDER BY m.is_rep DESC, m.shard, m.position) AS rn
                    FROM scratch._dupall m JOIN {t} r ON r.shard = m.shard AND r.position = m.position
                    WHERE r.reason IS NULL)
                WHERE rn > 1
            ) f WHERE t.shard = f.shard AND t.position = f.position AND t.reason IS NULL""",
            [DEDUP_REASON],
        )

    def removed(self, name: str, unit: str) -> int:
        col = "count(*)" if unit == "docs" else "coalesce(sum(n_tokens), 0)"
        return int(
            self.con.execute(
                f"SELECT {col} FROM {self.tables[name]} WHERE decision = 'drop'"
            ).fetchone()[0]
        )

    def _random_control(self, t: str, cv: CompiledVariant) -> None:
        con = self.con
        ctl = cv.control
        assert ctl is not None
        unit = ctl.unit
        target = self.removed(ctl.random_match, unit)
        col = "count(*)" if unit == "docs" else "coalesce(sum(_tok), 0)"
        own = int(con.execute(f"SELECT {col} FROM {t} WHERE reason IS NOT NULL").fetchone()[0])
        need = target - own
        if need < 0:
            raise CurateError(
                f"variant {cv.name!r}: its own rules already remove {own} {unit}, more than the "
                f"{target} {unit} that {ctl.random_match!r} removes; a random control can only "
                "add removals (drop fewer rules in the control)"
            )
        con.execute(
            f"""CREATE OR REPLACE TABLE scratch._cand AS
            SELECT shard, position, _tok,
                   md5(CAST(? AS VARCHAR) || '|' || regexp_replace(shard, '^.*/', '') || '|'
                       || CAST(position AS VARCHAR) || '|' || doc_id) AS k
            FROM {t} WHERE reason IS NULL""",
            [ctl.seed],
        )
        if unit == "docs":
            con.execute(
                "CREATE OR REPLACE TABLE scratch._pick AS SELECT shard, position, _tok FROM scratch._cand "
                "ORDER BY k, shard, position LIMIT ?",
                [need],
            )
            got = int(con.execute("SELECT count(*) FROM scratch._pick").fetchone()[0])
            gap = need - got
            steps = 0
        else:
            con.execute(
                """CREATE OR REPLACE TABLE scratch._pick AS
                SELECT shard, position, _tok FROM (
                  SELECT shard, position, _tok, sum(_tok) OVER (
                    ORDER BY k, shard, position ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                  ) AS cum FROM scratch._cand) WHERE cum <= ?""",
                [need],
            )
            got = int(con.execute("SELECT coalesce(sum(_tok), 0) FROM scratch._pick").fetchone()[0])
            gap = need - got
            steps = 0
            while gap > 0 and steps < 50:
                row = con.execute(
                    """SELECT c.shard, c.position, c._tok FROM scratch._cand c
                    ANTI JOIN scratch._pick p ON p.shard = c.shard AND p.position = c.position
                    WHERE c._tok > 0 ORDER BY abs(c._tok - ?), c.k LIMIT 1""",
                    [gap],
                ).fetchone()
                if row is None or abs(gap - row[2]) >= gap:
                    break
                con.execute("INSERT INTO scratch._pick VALUES (?, ?, ?)", list(row))
                gap -= int(row[2])
                steps += 1
        achieved = own + (need - gap)
        off = abs(achieved - target)
        allowed = ctl.tolerance * target
        if off > allowed:
            raise CurateError(
                f"variant {cv.name!r}: random control removes {achieved} {unit} but "
                f"{ctl.random_match!r} removes {target} (off by {off}, more than tolerance "
                f'{ctl.tolerance:g}); with so few or such large documents, use unit = "docs" '
                "or raise control.tolerance"
            )
        con.execute(
            f"""UPDATE {t} AS t SET reason = ? FROM scratch._pick p
            WHERE t.shard = p.shard AND t.position = p.position AND t.reason IS NULL""",
            [RANDOM_REASON],
        )
        self.control_info[cv.name] = {
            "control_target": ctl.random_match,
            "control_unit": unit,
            "control_seed": ctl.seed,
            "control_target_removed": target,
            "control_removed": achieved,
            "control_fixup_steps": steps,
        }
        con.execute("DROP TABLE scratch._cand")
        con.execute("DROP TABLE scratch._pick")

    # -- results ------------------------------------------------------------------------------

    def stats(self, name: str, n_docs_run: int) -> dict[str, Any]:
        """Per-variant counts; checks source = kept + dropped by reason."""
        t = self.tables[name]
        con = self.con
        row = con.execute(
            f"""SELECT count(*), count(*) FILTER (decision = 'keep'),
                 count(*) FILTER (decision = 'drop'), coalesce(sum(repeats), 0),
                 coalesce(sum(n_tokens), 0), coalesce(sum(n_tokens) FILTER (decision = 'keep'), 0),
                 coalesce(sum(n_tokens * repeats), 0), coalesce(sum(n_chars), 0),
                 coalesce(sum(n_chars) FILTER (decision = 'keep'), 0),
                 coalesce(sum(n_chars * repeats), 0)
               FROM {t}"""
        ).fetchone()
        keys = [
            "n_docs",
            "n_kept",
            "n_dropped",
            "n_records",
            "n_tokens_source",
            "n_tokens_kept",
            "n_tokens",
            "n_chars_source",
            "n_chars_kept",
            "n_chars",
        ]
        st: dict[str, Any] = {k: int(v) for k, v in zip(keys, row, strict=True)}
        by = {}
        for decision, reason, n, tokens in con.execute(
            f"""SELECT decision, reason, count(*), coalesce(sum(n_tokens), 0) FROM {t}
                GROUP BY decision, reason ORDER BY decision, reason"""
        ).fetchall():
            by.setdefault(decision, {})[reason] = {"docs": int(n), "tokens": int(tokens)}
        st["removed_by_reason"] = by.get("drop", {})
        st["kept_by_reason"] = by.get("keep", {})
        dropped = sum(v["docs"] for v in st["removed_by_reason"].values())
        if not (st["n_docs"] == n_docs_run == st["n_kept"] + dropped):
            raise RuntimeError(
                f"accounting failed for variant {name!r}: {n_docs_run} audited documents, "
                f"{st['n_docs']} decisions, {st['n_kept']} kept + {dropped} dropped"
            )
        st.update(self.control_info.get(name, {}))
        return st
