"""Selection: one decision per audited document and variant, computed in DuckDB.

Nothing here reads text; the audit run and its preconditions are checked before, by
`curate.building.inputs`. Every variant becomes a table ``scratch._dec<i>`` (in a scratch database
file attached for the build, see `Selector`) with one row per `docs` row of the audit run
(``corpus, variant, run_id, shard, position, doc_id, decision, reason, repeats, n_tokens,
n_chars``) built in steps that mirror the policy (see `curate.building.policy`):

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
from pathlib import Path
from typing import Any

import duckdb

from curate.building.inputs import SAFE_NAME, DupSource
from curate.building.policy import DUP_COLUMNS, CompiledVariant, Policy
from curate.errors import CurateError
from curate.store import ident, table_columns

RANDOM_REASON = "random_control"
DEDUP_REASON = "duplicate"
FLAGGED_REASON = "duplicate_of_flagged"
KEPT_REASON = "kept"


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
            f"d.{ident(c)}" for c in self.have if c not in DUP_COLUMNS and SAFE_NAME.fullmatch(c)
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
