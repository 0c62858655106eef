"""What a build reads from the store before it selects: the audit run and its preconditions.

- `resolve_run`: the audit run to build from (named, else the latest finished one; a killed or
  failed audit is refused);
- `audit_fields`: the text and id fields the audit read its shards with (the build re-reads them
  the same way);
- `store_columns`: the columns a rule may use (`docs` columns, the duplicate-cluster columns and
  the referenced metadata keys that exist in the run);
- `check_inputs`: the checks that need the data, not just the schema (token column without NULLs,
  oracle labels present, `dup_clusters` present when a variant uses duplicate clusters), all
  before any work.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
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

# a docs column a rule may name (and the selection may copy): a plain SQL identifier
SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
    types = {k: v for k, v in table_columns(con, "docs").items() if SAFE_NAME.fullmatch(k)}
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
