"""The `results` rows of an ablation: their columns, where they live, writing and reading them.

An ablation's folder is `ablations/<name>/` in the workspace (`ablation_dir`). A job writes its
rows to `rows/<variant>__seed<k>.parquet`, the driver the aggregated `results.parquet`
(`write_rows`: the `RESULT_COLUMNS` schema, written atomically), which the store loads into its
`results` table. `read_rows` reads the files (the finished file, else the jobs' rows of a running
ablation); `load_rows` reads the store (what the report draws). The column meanings are in
docs/architecture.md and docs/ablation.md.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curate.errors import CurateError, unknown_name
from curate.files import atomic_path
from curate.store import connect_readonly, table_exists
from curate.workspace import Workspace

AGG = "*"  # eval_domain / ft_domain of aggregates (docs/architecture.md)

RESULT_COLUMNS: dict[str, pa.DataType] = {
    "ablation": pa.string(),
    "variant": pa.string(),
    "seed": pa.int64(),
    "model_id": pa.string(),
    "stage": pa.string(),
    "ft_domain": pa.string(),
    "ft_kind": pa.string(),
    "step": pa.int64(),
    "lr": pa.float64(),
    "eval_domain": pa.string(),
    "metric": pa.string(),
    "value": pa.float64(),
    "ci_low": pa.float64(),
    "ci_high": pa.float64(),
    "n": pa.int64(),
    "k": pa.int64(),  # realignment: number of aligned examples (NULL elsewhere)
    "realign_domain": pa.string(),  # realignment: the aligned examples' domain
}
RESULTS_SCHEMA = pa.schema(list(RESULT_COLUMNS.items()))

Row = dict[str, Any]


def has_value(v: Any) -> bool:
    """A number is there: not NULL, not NaN."""
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def ablation_dir(ws: Workspace, name: str) -> Path:
    """`ablations/<name>/` of the workspace (a search keeps its own files there too)."""
    return ws.safe_join("ablations", name)


def write_rows(rows: list[Row], path: Path) -> None:
    """`rows` as a Parquet file of the `results` schema (missing keys are NULL), atomically."""
    cols = {c: [r.get(c) for r in rows] for c in RESULT_COLUMNS}
    table = pa.table({c: pa.array(v, type=RESULT_COLUMNS[c]) for c, v in cols.items()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def read_rows(ws: Workspace, name: str) -> list[Row]:
    """The rows of ablation `name` from its files: `results.parquet` when it has finished, else
    the rows its finished jobs wrote (no aggregates); [] when there are none."""
    root = ablation_dir(ws, name)
    p = root / "results.parquet"
    if p.is_file():
        return pq.read_table(p).to_pylist()
    rows_dir = root / "rows"
    files = sorted(rows_dir.glob("*.parquet")) if rows_dir.is_dir() else []
    return pq.read_table(files).to_pylist() if files else []


def load_rows(ws: Workspace, name: str) -> list[Row]:
    """The `results` rows of ablation `name` from the store (read-only connection)."""
    con = connect_readonly(ws)
    try:
        if not table_exists(con, "results"):
            raise CurateError(f"{ws.db_path}: no results table; run `curate ablate SPEC` first")
        cur = con.execute("SELECT * FROM results WHERE ablation = ?", [name])
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        if not rows:
            have = [r[0] for r in con.execute("SELECT DISTINCT ablation FROM results").fetchall()]
            raise unknown_name("ablation", name, have, str(ws.db_path))
        return rows
    finally:
        con.close()
