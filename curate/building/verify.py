"""Before a build publishes text: is every source shard still what the audit read?

The store keeps decisions and hashes, never text; the build re-reads the shards. A shard edited
after its audit (same ids, new text) would otherwise be published under decisions made about
other text. `verify_sources` checks each shard of the audit run, cheapest test first:

1. the audit recorded each local shard's size and an xxh3-128 digest of its bytes in its
   manifest: the same digest now means the same bytes (a shard only touched passes); another
   size or digest means the shard changed;
2. a changed shard (or one with nothing to compare: a remote URL, an older audit, a lost
   manifest) is re-read and every record's id and exact hash (`curate.text.exact_hash`, what the
   audit stored in `docs.exact_hash`) is compared, position by position, with the audit's, to
   name the documents that differ. A changed shard is refused even when they all match (the
   exact hash is of normalized text: a change of case, punctuation or metadata keeps it).

A difference refuses the build before anything is written, naming the shard, the first changed
positions and documents, and the fix (re-audit). The write pass checks ids and record counts
again as it copies, so a shard replaced between this check and the copy still fails loudly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from curate.building.source import iter_records
from curate.errors import CurateError
from curate.files import is_url
from curate.manifests import content_digest, fingerprints
from curate.store import table_columns
from curate.text import exact_hash

SHOWN = 5  # changed documents named in the message


def _recorded(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, dict[str, Any]] | None:
    """path -> the fingerprint the audit recorded (None: its manifest cannot be read)."""
    row = con.execute("SELECT manifest_path FROM runs WHERE run_id = ?", [run_id]).fetchall()
    try:
        manifest = json.loads(Path(row[0][0]).read_text())
        return {str(fp["path"]): fp for fp in manifest["inputs"]}
    except (IndexError, TypeError, OSError, ValueError, KeyError):
        return None


def _state(shard: str, recorded: dict[str, dict[str, Any]] | None) -> str:
    """'same' (the bytes the audit read), 'changed' (other bytes), or 'unknown' (no content
    digest to compare: an older audit, a remote shard, or a file that cannot be read)."""
    try:
        now = fingerprints([shard])[0]
    except OSError:
        return "unknown"
    then = (recorded or {}).get(str(now["path"]))
    if then is None:
        return "unknown"
    if then.get("size") != now.get("size"):
        return "changed"
    if "xxh3_128" in then and not is_url(shard):
        return "same" if content_digest(now["path"]) == then["xxh3_128"] else "changed"
    if then.get("mtime") == now.get("mtime"):
        return "same"
    return "unknown"


def _audited(
    con: duckdb.DuckDBPyConnection, run_id: str, shard: str, hashed: bool
) -> Iterator[tuple]:
    """(position, doc_id, exact_hash or None) of the shard's audited documents, by position."""
    h = "exact_hash" if hashed else "NULL"
    cur = con.execute(
        f"SELECT position, doc_id, {h} FROM docs WHERE run_id = ? AND shard = ? ORDER BY position",
        [run_id, shard],
    )
    while rows := cur.fetchmany(8192):
        yield from rows


def changed_documents(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    shard: str,
    text_field: str,
    id_field: str,
    hashed: bool = True,
) -> list[str]:
    """What differs between the shard now and its audit (empty: nothing); without `hashed` (a
    store whose docs carry no exact_hash) only ids and positions are compared."""
    problems: list[str] = []
    now = iter_records(shard, text_field, id_field)
    current: dict[str, Any] = {"pos": -1}

    def record_at(position: int) -> tuple[str | None, dict[str, Any] | None] | None:
        for pos, rid, rec in now:
            current["pos"] = pos
            if pos == position:
                return rid, rec
            if pos > position:
                break
        return None

    for position, doc_id, want in _audited(con, run_id, shard, hashed):
        got = record_at(position)
        if got is None or got[1] is None:
            problems.append(f"position {position} ({doc_id!r}): no readable record there now")
        elif got[0] != doc_id:
            problems.append(f"position {position}: id {got[0]!r} now, {doc_id!r} when audited")
        elif hashed and exact_hash(got[1]["text"]) != want:
            problems.append(f"position {position} ({doc_id!r}): text differs from the audited")
        if len(problems) >= SHOWN:
            break
    return problems


def verify_sources(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    text_field: str,
    id_field: str,
    log: Callable[[str], None],
) -> None:
    """Refuse (CurateError) if any shard of audit run `run_id` changed since it was audited."""
    recorded = _recorded(con, run_id)
    hashed = "exact_hash" in table_columns(con, "docs")
    if not hashed:
        log(f"audit run {run_id} stored no exact_hash: changed shards are checked by id only")
    rows = con.execute("SELECT shard FROM shards WHERE run_id = ? ORDER BY shard", [run_id])
    shards = [r[0] for r in rows.fetchall()]
    for shard in shards:
        state = _state(shard, recorded)
        if state == "same":
            continue
        problems = changed_documents(con, run_id, shard, text_field, id_field, hashed)
        if not problems and state == "changed":
            problems = [
                "its bytes differ from what the audit read, though every audited document's id "
                "and normalized text match (a change in case, punctuation or spacing, or in "
                "another field such as metadata)"
            ]
        if problems:
            raise CurateError(
                f"{shard}: the shard changed since the audit (run {run_id}): "
                + "; ".join(problems)
                + ". Nothing was built; re-audit the shards (`curate audit ...` again starts a "
                "new run over the new text), then build"
            )
        log(f"{shard}: cannot compare its bytes with the audit's, but every document matches")
