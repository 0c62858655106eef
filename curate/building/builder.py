"""`curate build`: policy -> decisions -> corpus files + manifests -> store tables.

Order of work (everything that can fail on user input fails in steps 1-2, before any work):

1. parse the policy (keys, types, expression syntax, control targets and cycles);
2. open the store, pick the audit run, compile every rule against the real `docs` columns (plus
   the duplicate-cluster columns) and check the data-dependent preconditions (oracle labels,
   `dup_clusters`, a token column without NULLs; `curate.building.inputs`);
3. compute every variant's decisions in DuckDB (`curate.building.select`);
4. for each variant whose directory ``corpora/<corpus>/<variant>/`` does not already hold a
   manifest with the same *variant hash* (its config, the configs its control depends on, the
   corpus settings and the audit run), write ``decisions.parquet`` and ``stats.parquet`` into
   ``corpora/<corpus>/.tmp-<variant>/``;
5. the store is closed (the workspace lock stays held, so `curate query` can read the store
   meanwhile but no other writer starts); one sequential pass over the source shards writes the
   records of all those variants at once (`write_pass`: `curate.building.source.copy_records`
   into `curate.building.write.PartWriter`s), shard by shard in position order, zipping the
   sorted decision files (`curate.building.decisions`): memory holds one record and one batch of
   decisions per variant, whatever the corpus size (with an ``[executor]``, the same pass runs as
   tasks: `curate.building.tasks`);
6. per variant: the manifest last, then an atomic rename of the temp directory to its final name
   (a crash leaves only ``.tmp-*`` directories, which the next build deletes and redoes);
7. ``corpora`` / ``corpus_stats`` rows of every variant are (re)loaded from the variant
   directories (idempotent, keyed by corpus + variant) and the `runs` row (kind ``build``) is
   finished.

The same policy on the same audit gives byte-identical part files, decisions and stats;
the manifest differs only in timestamps and the build run id.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from curate.building.decisions import DECISIONS, STATS, read_decisions, write_decisions
from curate.building.inputs import audit_fields, check_inputs, resolve_run, store_columns
from curate.building.policy import (
    Policy,
    compile_policy,
    load_policy,
    parse_policy,
    policy_hash,
    variant_hash,
    variant_order,
)
from curate.building.select import Selector
from curate.building.source import copy_records
from curate.building.tasks import write_pass_on
from curate.building.verify import verify_sources
from curate.building.write import PartWriter
from curate.config import to_dict
from curate.executors import ExecutorConfig
from curate.manifests import fingerprints, write_manifest
from curate.store import (
    connect,
    find_unfinished_run,
    finish_run,
    load_parquet,
    start_run,
    table_columns,
    table_exists,
)
from curate.workspace import Workspace, new_run_id

MANIFEST = "manifest.json"


@dataclass
class BuildResult:
    build_run_id: str
    run_id: str
    corpus: str
    corpus_dir: Path
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _existing_hash(vdir: Path) -> str | None:
    m = vdir / MANIFEST
    if not (m.is_file() and (vdir / DECISIONS).is_file() and (vdir / STATS).is_file()):
        return None
    try:
        return json.loads(m.read_text()).get("variant_hash")
    except (OSError, ValueError):
        return None


def _stats_table(corpus: str, variant: str, st: dict[str, Any], extra: dict[str, Any]) -> pa.Table:
    row = {"corpus": corpus, "variant": variant, **extra}
    for k, v in st.items():
        row[k] = json.dumps(v, sort_keys=True) if isinstance(v, dict) else v
    return pa.Table.from_pylist([row])


def write_pass(
    tmp_dirs: list[Path],
    fmt: str,
    max_records: int,
    gzip_level: int,
    text_field: str,
    id_field: str,
    n_read: dict[str, int],
    n_docs: int,
    progress: bool,
) -> list[PartWriter]:
    """One sequential pass over the sources writing every pending variant's records."""
    writers = [PartWriter(d, fmt, max_records, gzip_level) for d in tmp_dirs]
    streams = [read_decisions(d / DECISIONS) for d in tmp_dirs]
    bar = tqdm(total=n_docs, desc="build", unit="doc", file=sys.stderr, disable=not progress)
    try:
        copy_records(streams, writers, text_field, id_field, n_read, lambda: bar.update(1))
        for w in writers:
            w.close()
    except BaseException:
        for w in writers:
            w.abort()
        raise
    finally:
        bar.close()
    return writers


@dataclass
class _Prepared:
    """What the selection hands to the write pass (no store connection needed past here)."""

    result: BuildResult
    pending: list[str]
    tmp: dict[str, Path]
    vhash: dict[str, str]
    shards: list[str]
    n_read: dict[str, int]
    n_docs: int


def build_corpora(
    ws: Workspace,
    policy: Policy | str | Path,
    run: str = "",
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    policy_path: str = "",
    dry_run: bool = False,
    executor: ExecutorConfig | None = None,
) -> BuildResult:
    """Build every variant of `policy` from audit run `run` (default: the policy's, else latest).

    ``executor``: a `curate.executors.ExecutorConfig`; with more than one task (or Ray) the write
    pass runs as executor tasks (`curate.building.tasks`, the same bytes as the one-process pass).

    ``dry_run``: compute every variant's decisions and stats (the same checks, the same numbers)
    but write no corpus, no store row and no `runs` row; for trying thresholds quickly.

    The workspace lock is held throughout; the store itself is open only for the selection and
    for loading the tables at the end, so `curate query` can read it while the corpus is written.
    """
    log = log or (lambda s: print(s, file=sys.stderr))
    if not isinstance(policy, Policy):
        policy_path = policy_path or str(policy)
        policy = load_policy(policy)
    where = policy_path or "policy"
    phash = policy_hash(policy)
    with ws.lock("curate build"):
        with connect(ws) as con:
            run_id = resolve_run(con, run or policy.run)
            cols = store_columns(con, run_id, policy)
            compiled = {cv.name: cv for cv in compile_policy(policy, cols, where)}
            dup = check_inputs(con, run_id, policy, list(compiled.values()), log)
            text_field, id_field = audit_fields(con, run_id)
            text_field = policy.text_field or text_field
            id_field = policy.id_field or id_field
            verify_sources(con, run_id, text_field, id_field, log)
            # ---- work starts here
            if dry_run:
                prep = _select(
                    con, ws, policy, phash, run_id, compiled, dup, "dry-run", where, log, True
                )
                return prep.result
            # a killed build of the same policy (runs row not 'done') is resumed under its id
            build_id = find_unfinished_run(con, "build", phash) or new_run_id("build", phash)
            started = _now()
            start_run(con, build_id, "build", phash, to_dict(policy))
            try:
                prep = _select(
                    con, ws, policy, phash, run_id, compiled, dup, build_id, where, log, False
                )
            except BaseException:
                finish_run(con, build_id, "failed")
                raise
        try:
            _write_and_publish(
                ws, prep, policy, phash, run_id, text_field, id_field, build_id, started, where,
                progress, log, executor,
            )  # fmt: skip
        except BaseException:
            with contextlib.suppress(Exception), connect(ws) as con:
                finish_run(con, build_id, "failed")
            raise
        with connect(ws) as con:
            cdir = prep.result.corpus_dir
            for v in policy.variants:
                vdir = cdir / v.name
                key = {"corpus": policy.corpus, "variant": v.name}
                load_parquet(con, "corpora", [vdir / DECISIONS], key)
                load_parquet(con, "corpus_stats", [vdir / STATS], key)
            finish_run(con, build_id, "done")
        return prep.result


def _select(
    con: Any,
    ws: Workspace,
    policy: Policy,
    phash: str,
    run_id: str,
    compiled: dict[str, Any],
    dup: Any,
    build_id: str,
    where: str,
    log: Callable[[str], None],
    dry_run: bool,
) -> _Prepared:
    """Decisions and stats of every variant; for a real build, the pending variants' temp
    directories with their decisions.parquet and stats.parquet."""
    # bound DuckDB's memory: sorts and the scratch tables spill to disk past it
    con.execute("SET memory_limit = ?", [os.environ.get("CURATE_BUILD_MEMORY_LIMIT", "1GB")])
    if os.environ.get("CURATE_BUILD_THREADS"):
        con.execute("SET threads = ?", [int(os.environ["CURATE_BUILD_THREADS"])])
    cdir = ws.safe_join("corpora", policy.corpus)
    if dry_run:
        scratch = ws.root / ".dry-run-select.duckdb"
    else:
        cdir.mkdir(parents=True, exist_ok=True)
        for stale in [*cdir.glob(".tmp-*"), *cdir.glob(".old-*"), *cdir.glob(".select.duckdb*")]:
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
        scratch = cdir / ".select.duckdb"
    sel = Selector(con, policy, run_id, dup, table_columns(con, "docs"), scratch)
    try:
        n_docs = int(
            con.execute("SELECT count(*) FROM docs WHERE run_id = ?", [run_id]).fetchone()[0]
        )
        order = variant_order(policy, where)
        for i, name in enumerate(order):
            sel.decide(i, compiled[name])
        stats = {name: sel.stats(name, n_docs) for name in order}
        result = BuildResult(build_id, run_id, policy.corpus, cdir, stats=stats)
        vhash = {name: variant_hash(policy, name, run_id) for name in order}
        if dry_run:
            return _Prepared(result, [], {}, vhash, [], {}, n_docs)
        pending: list[str] = []
        for v in policy.variants:
            if _existing_hash(cdir / v.name) == vhash[v.name]:
                result.skipped.append(v.name)
            else:
                pending.append(v.name)
        if result.skipped:
            log(f"up to date (same variant hash), not rewritten: {', '.join(result.skipped)}")
        tmp = {name: cdir / f".tmp-{name}" for name in pending}
        for name in pending:
            tmp[name].mkdir(parents=True)
            write_decisions(con, sel.tables[name], tmp[name] / DECISIONS)
            extra = {
                "run_id": run_id,
                "policy_hash": phash,
                "variant_hash": vhash[name],
                "format": policy.format,
            }
            pq.write_table(_stats_table(policy.corpus, name, stats[name], extra), tmp[name] / STATS)
    finally:
        sel.close()
    shards = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT shard FROM docs WHERE run_id = ? ORDER BY shard", [run_id]
        ).fetchall()
    ]
    n_read: dict[str, int] = {}
    if pending and table_exists(con, "shards"):
        n_read = {
            s: int(n)
            for s, n in con.execute(
                "SELECT shard, n_read FROM shards WHERE run_id = ?", [run_id]
            ).fetchall()
        }
    return _Prepared(result, pending, tmp, vhash, shards, n_read, n_docs)


def _write_and_publish(
    ws: Workspace,
    prep: _Prepared,
    policy: Policy,
    phash: str,
    run_id: str,
    text_field: str,
    id_field: str,
    build_id: str,
    started: str,
    where: str,
    progress: bool,
    log: Callable[[str], None],
    executor: ExecutorConfig | None,
) -> None:
    """The write pass over the sources, then per variant: manifest last, atomic rename."""
    pending, tmp, result = prep.pending, prep.tmp, prep.result
    if not pending:
        return
    cdir = result.corpus_dir
    log(f"writing {', '.join(pending)} from {len(prep.shards)} shard(s), {prep.n_docs} documents")
    dirs = [tmp[n] for n in pending]
    settings = (policy.format, policy.max_records_per_part, policy.gzip_level, text_field, id_field)
    writers: list[Any]
    if executor is not None and (executor.kind != "local" or executor.tasks > 1):
        logs = ws.run_dir(build_id) / "logs"
        writers = write_pass_on(executor, logs, dirs, *settings, prep.n_read)
    else:
        writers = write_pass(dirs, *settings, prep.n_read, prep.n_docs, progress)
    inputs = fingerprints(prep.shards)
    for name, w in zip(pending, writers, strict=True):
        st = result.stats[name]
        if w.n_records != st["n_records"]:
            raise RuntimeError(
                f"variant {name!r}: wrote {w.n_records} records, decisions say {st['n_records']}"
            )
        write_manifest(
            tmp[name],
            "build",
            policy.variant(name),
            inputs,
            st,
            started,
            _now(),
            extra={
                "corpus": policy.corpus,
                "variant": name,
                "variant_hash": prep.vhash[name],
                "policy": to_dict(policy),
                "policy_hash": phash,
                "policy_path": where,
                "audit_run_id": run_id,
                "build_run_id": build_id,
                "format": policy.format,
                "record_fields": {"id": "id", "text": "text"},
                "source_fields": {"text_field": text_field, "id_field": id_field},
                "token_column": policy.token_column,
                "parts": w.parts,
                "decisions": DECISIONS,
                "stats": STATS,
            },
        )
        final = cdir / name
        if final.exists():
            old = cdir / f".old-{name}"
            final.rename(old)
            tmp[name].rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp[name].rename(final)
        result.built.append(name)


def load_policy_text(text: str, where: str = "policy") -> Policy:
    """Parse a policy from TOML text (tests, inline specs)."""
    return parse_policy(tomllib.loads(text), where)
