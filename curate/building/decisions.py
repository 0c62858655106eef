"""A variant's ``decisions.parquet``: written once by the selection, read by every write pass.

One row per audited document (``corpus, variant, run_id, shard, position, doc_id, decision,
reason, repeats, n_tokens, n_chars``), sorted by (shard, position), in row groups of exactly
`BATCH` rows so the file is byte-identical for the same decisions. The write passes (one process:
`curate.building.builder.write_pass`; executor tasks: `curate.building.tasks`) stream it back as
(shard, position, doc_id, repeats) rows, one batch in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DECISIONS = "decisions.parquet"
STATS = "stats.parquet"
BATCH = 8192
COLUMNS = (
    "corpus, variant, run_id, shard, position, doc_id, decision, reason, repeats, n_tokens, n_chars"
)

Row = tuple[str, int, str, int]  # shard, position, doc_id, repeats


def write_decisions(con: Any, table: str, path: Path) -> None:
    """Sorted decisions in row groups of exactly BATCH rows (DuckDB's own batch boundaries vary
    with threading; re-chunking keeps the file byte-identical)."""
    reader = con.sql(f"SELECT {COLUMNS} FROM {table} ORDER BY shard, position").to_arrow_reader(
        BATCH
    )
    buf: list[pa.RecordBatch] = []
    n = 0
    with pq.ParquetWriter(path, reader.schema, compression="zstd") as w:
        for batch in reader:
            buf.append(batch)
            n += batch.num_rows
            while n >= BATCH:
                t = pa.Table.from_batches(buf, schema=reader.schema)
                w.write_table(t.slice(0, BATCH), row_group_size=BATCH)
                rest = t.slice(BATCH)
                buf, n = rest.to_batches(), rest.num_rows
        if n:
            w.write_table(pa.Table.from_batches(buf, schema=reader.schema), row_group_size=BATCH)


def read_decisions(path: Path, shards: set[str] | None = None) -> Iterator[Row]:
    """(shard, position, doc_id, repeats) in file order (shard, position); with `shards`, only
    the rows of those shards (the file is sorted by shard, so reading stops past them)."""
    f = pq.ParquetFile(path)
    want = None if shards is None else pa.array(sorted(shards), pa.string())
    started = False
    for b in f.iter_batches(batch_size=BATCH, columns=["shard", "position", "doc_id", "repeats"]):
        if want is not None:
            mask = pc.is_in(b.column("shard"), value_set=want)
            if not pc.any(mask).as_py():
                if started:
                    return  # sorted by shard: the range is behind us
                continue
            started = True
            b = b.filter(mask)
        cols = b.to_pydict()
        yield from zip(
            cols["shard"], cols["position"], cols["doc_id"], cols["repeats"], strict=True
        )
