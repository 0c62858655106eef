"""Duplicate clusters: exact + near duplicates of an audit run, into the store's `dup_clusters`.

Flow of `run_dedup(ws, cfg)` (what `curate dedup WS` runs):

1. Read the audit run (the last done one unless named; `curate.dedup.inputs`): ``docs`` (shard,
   position, doc_id, exact_hash) LEFT JOIN ``signatures`` in (shard, position) order; the row
   number in that order is the document's index ``idx`` for everything below.
2. Edges. *Exact*: documents with the same ``exact_hash`` (same normalized text) are joined to the
   first document of their group. *Near*: one document per exact group (its head) goes into the
   LSH index (`curate.dedup.lsh`), and verified pairs are edges (Jaccard estimated from the
   signatures; near the threshold, exact Jaccard from the texts read back from the shards,
   `curate.dedup.verify`). Other --ngram/--num-perm than the audit's recompute the signatures
   from the shards first.
   ``mode = "memory"`` holds all signatures in numpy; ``mode = "sharded"`` runs the bucket-sharded
   stages of `curate.dedup.scale` with files on disk (for indexes that do not fit in memory, and
   the same stages run as separate tasks on many machines).
3. Union-find (`curate.dedup.unionfind`) over the edges. A cluster's representative is its first
   document (smallest idx, i.e. first by shard then position) and ``cluster_id`` is that idx.
   Each member gets its Jaccard to the representative *estimated from the two signatures* and a
   ``kind``: ``exact`` when its normalized text equals the representative's (the representative
   itself included), else ``near``. Members can be far from the representative when they joined
   through a chain; ``jaccard_to_rep`` shows it.
4. Output: ``dedup/<dedup run id>/dup_clusters.parquet`` (only documents in clusters of size >= 2;
   written to a temp name and renamed), loaded into ``dup_clusters`` replacing the rows of the
   audit run (its ``run_id`` is the *audit* run id so it joins ``docs``; ``dedup_run_id`` names the
   dedup run); one ``dup_summary`` row per audit run; a ``runs`` row of kind ``dedup``; a manifest.
5. Views for flag propagation (`curate.dedup.views`; created here because queries are
   read-only): ``flagged_clusters`` (per cluster containing a flagged document: size, flagged
   members, max score) and ``flagged_copies`` (per run: flagged documents, distinct flagged
   texts, all copies of flagged text in the corpus, and the copies the classifier did not flag
   itself). "Flagged" means ``<flag_column> >= flag_threshold`` (default
   ``score_malicious_character_v1 >= 0.5``).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate import store
from curate.config import build, config_hash, to_dict
from curate.dedup.inputs import (
    audit_config,
    export_signatures,
    load_memory,
    resolve_audit_run,
    signature_counts,
    text_verifier,
)
from curate.dedup.inputs import exact_codes as exact_codes  # re-exported: part of this API
from curate.dedup.lsh import CHUNK, ExactJaccard, LSHConfig, estimate_jaccard, near_pairs
from curate.dedup.scale import near_edges_on, near_edges_sharded, write_parquet
from curate.dedup.unionfind import compact_components
from curate.dedup.verify import audit_minhash_config, recompute_signatures
from curate.dedup.views import create_views
from curate.errors import ConfigError, CurateError
from curate.executors import ExecutorConfig
from curate.manifests import write_manifest
from curate.minhash import MinHashConfig
from curate.registry import DEFAULT_SCORE_COLUMN
from curate.workspace import Workspace, new_run_id

DEFAULT_FLAG_COLUMN = DEFAULT_SCORE_COLUMN


@dataclass(frozen=True)
class DedupConfig:
    """`curate dedup` / pipelines/dedup.toml settings."""

    lsh: LSHConfig = field(default_factory=LSHConfig)
    mode: Literal["memory", "sharded"] = "memory"
    tasks: int = 4
    flag_column: str = DEFAULT_FLAG_COLUMN
    flag_threshold: float = 0.5
    num_perm: int | None = None  # set: recompute signatures from the shards with this many values
    ngram: int | None = None  # set: recompute signatures from the shards with this n-gram size
    # sharded mode: run stages 1-2 as `tasks` tasks on this executor (curate.executors; local or
    # ray); unset: one task after another in this process
    executor: ExecutorConfig | None = None

    def validate(self) -> None:
        if self.executor is not None:
            if self.mode != "sharded":
                raise ConfigError("executor: only with mode = 'sharded'")
            if self.executor.kind == "slurm":
                raise ConfigError("executor: dedup waits for its tasks; use kind 'local' or 'ray'")
        if self.num_perm is not None and not 16 <= self.num_perm <= 1024:
            raise ConfigError(f"num_perm must be in [16, 1024], got {self.num_perm}")
        if self.ngram is not None and self.ngram < 1:
            raise ConfigError(f"ngram must be >= 1, got {self.ngram}")
        if self.tasks < 1:
            raise ConfigError(f"tasks must be >= 1, got {self.tasks}")
        if not self.flag_column.startswith("score_") and not self.flag_column.startswith("lex"):
            raise ConfigError(
                f"flag_column must be a docs score column (score_<classifier>) or a lexicon "
                f"column, got {self.flag_column!r}"
            )
        store.ident(self.flag_column)


def dedup_config(data: dict[str, Any] | None, where: str = "dedup") -> DedupConfig:
    """Build a validated DedupConfig from a spec table (e.g. the `[dedup]` table of a spec)."""
    return build(DedupConfig, data, where)


# ---------------------------------------------------------------------------------------------
# array-level clustering (no store): used by run_dedup, the benches and the tests


@dataclass
class Clusters:
    """Members of clusters of size >= 2, sorted by (cluster, idx)."""

    idx: np.ndarray  # member document index
    cluster: np.ndarray  # cluster id = representative's idx
    size: np.ndarray  # cluster size
    jaccard: np.ndarray  # estimated Jaccard to the representative
    exact: np.ndarray  # bool: same normalized text as the representative
    n_exact_edges: int = 0
    n_near_edges: int = 0

    @property
    def n_clusters(self) -> int:
        return int(np.unique(self.cluster).size)

    def groups(self) -> list[list[int]]:
        """Clusters as sorted lists of member indices (for tests and comparisons)."""
        out: dict[int, list[int]] = {}
        for i, c in zip(self.idx.tolist(), self.cluster.tolist(), strict=True):
            out.setdefault(c, []).append(i)
        return [sorted(v) for _, v in sorted(out.items())]


def exact_edges(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, v, heads): every document joined to the first document with the same code; heads are
    the first document of each code (one per distinct text)."""
    n = codes.size
    if n == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e, e
    order = np.lexsort((np.arange(n), codes))
    sc = codes[order]
    first = np.concatenate(([True], sc[1:] != sc[:-1]))
    head_of = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    u, v = order[head_of], order
    dup = u != v
    return u[dup], v[dup], np.sort(order[first])


def assemble(
    u: np.ndarray,
    v: np.ndarray,
    sig_lookup: Callable[[np.ndarray], np.ndarray],
    code_lookup: Callable[[np.ndarray], np.ndarray],
    chunk: int | None = None,
) -> Clusters:
    """Union-find over edges, then representative, size, Jaccard and kind of each member.

    `chunk`: look signatures up for this many members at a time (None: all at once, one lookup,
    what a file-backed `sig_lookup` wants)."""
    if u.size == 0:
        e = np.empty(0, dtype=np.int64)
        return Clusters(e, e, e, np.empty(0), np.empty(0, dtype=bool))
    nodes, lab = compact_components(u, v)
    order = np.lexsort((nodes, lab))
    nodes, lab = nodes[order], lab[order]
    _, inv, counts = np.unique(lab, return_inverse=True, return_counts=True)
    size = counts[inv].reshape(-1)
    jac = np.empty(nodes.size, dtype=np.float64)
    step = chunk or nodes.size
    for s in range(0, nodes.size, step):
        jac[s : s + step] = estimate_jaccard(
            sig_lookup(nodes[s : s + step]), sig_lookup(lab[s : s + step])
        )
    exact = code_lookup(nodes) == code_lookup(lab)
    jac[exact] = 1.0
    return Clusters(nodes, lab, size.astype(np.int64), jac, exact)


def cluster_arrays(
    sigs: np.ndarray,
    codes: np.ndarray,
    cfg: LSHConfig,
    exact: ExactJaccard | None = None,
    progress: bool = False,
) -> Clusters:
    """In-memory exact + near clustering of documents 0..n-1 (signature rows, exact codes).

    `exact` (document index pairs -> exact Jaccard) is needed when ``cfg.verify == "text"``."""
    if sigs.shape[0] != codes.shape[0]:
        raise ValueError("one exact code per signature row is required")
    eu, ev, heads = exact_edges(codes)
    pairs, _ = near_pairs(sigs, cfg, exact, progress, rows=heads)
    del heads
    nu, nv = pairs[:, 0], pairs[:, 1]
    c = assemble(
        np.concatenate([eu, nu]),
        np.concatenate([ev, nv]),
        lambda i: sigs[i],
        lambda i: codes[i],
        chunk=CHUNK,
    )
    c.n_exact_edges, c.n_near_edges = int(eu.size), int(nu.size)
    return c


# ---------------------------------------------------------------------------------------------
# store integration (reading: curate.dedup.inputs; views: curate.dedup.views)

Meta = Callable[[np.ndarray], dict[str, np.ndarray]]


def _strings(values: Any) -> pa.Array:
    return values if isinstance(values, pa.Array) else pa.array(values, pa.string())


def _rows_table(audit_run: str, dedup_run: str, meta: Meta, c: Clusters) -> pa.Table:
    """The dup_clusters rows; `meta(idx)` gives shard, position and doc_id aligned with idx."""
    n = c.idx.size
    if n:
        m = meta(np.concatenate([c.idx, c.cluster]))
        doc_id = _strings(m["doc_id"])
        shard, position = _strings(m["shard"][:n]), m["position"][:n]
        rep, doc_id = doc_id[n:], doc_id[:n]
        del m
    else:
        shard = doc_id = rep = pa.array([], pa.string())
        position = []
    return pa.table(
        {
            "run_id": pa.array([audit_run] * n, pa.string()),
            "doc_id": doc_id,
            "shard": shard,
            "position": pa.array(np.asarray(position, dtype=np.int64), pa.int64()),
            "cluster_id": pa.array(c.cluster, pa.int64()),
            "cluster_size": pa.array(c.size, pa.int64()),
            "representative": rep,
            "jaccard_to_rep": pa.array(c.jaccard, pa.float64()),
            "kind": pc.if_else(pa.array(c.exact, pa.bool_()), "exact", "near"),
            "dedup_run_id": pa.array([dedup_run] * n, pa.string()),
        }
    )


def _cluster_memory(
    con: Any,
    audit_run: str,
    cfg: DedupConfig,
    say: Callable[[str], None],
    progress: bool,
    sig_rel: str,
    mcfg: MinHashConfig,
    scratch: Path,
) -> tuple[Clusters, Meta, dict[str, Any]]:
    run = load_memory(con, audit_run, sig_rel)
    n, sigs = run.n, run.sigs
    assert sigs is not None
    say(f"dedup: {n} documents of {audit_run} (memory mode)")
    if run.num_perm:
        cfg.lsh.check_signature_length(run.num_perm, f"run {audit_run}")
    exact = text_verifier(
        con,
        audit_run,
        cfg.lsh,
        lambda i: run.meta(i, ("shard", "position", "exact_hash")),
        mcfg,
        scratch,
    )
    clusters = cluster_arrays(sigs, run.codes, cfg.lsh, exact, progress)
    info = {
        "n_docs": n,
        "n_unsigned": run.n_unsigned(),
        "num_perm": run.num_perm,
        "index_bytes": int(sigs.nbytes),
        "n_text_verified_pairs": exact.n_pairs if exact else 0,
    }
    run.sigs = sigs = None  # the rows table needs only keys and the store
    return clusters, run.meta, info


def _cluster_sharded(
    con: Any,
    audit_run: str,
    cfg: DedupConfig,
    work: Path,
    say: Callable[[str], None],
    progress: bool,
    sig_rel: str,
    mcfg: MinHashConfig,
) -> tuple[Clusters, Meta, dict[str, Any]]:
    """Out-of-core: DuckDB writes the run's signatures (sorted, with exact-group heads) to Parquet,
    the bucket-sharded stages find near pairs, and only cluster members are ever loaded."""
    n, num_perm, n_signed = signature_counts(con, audit_run, sig_rel)
    if num_perm:
        cfg.lsh.check_signature_length(num_perm, f"run {audit_run}")
    say(f"dedup: {n} documents of {audit_run} (sharded mode, {cfg.tasks} tasks)")
    src, eh, ei = export_signatures(con, audit_run, sig_rel, work, num_perm)
    exact = text_verifier(
        con,
        audit_run,
        cfg.lsh,
        lambda i: src.lookup(i, ("shard", "position", "exact_hash")),
        mcfg,
        work,
    )
    if cfg.executor is None:
        nu, nv = near_edges_sharded(src, cfg.lsh, work / "lsh", cfg.tasks, exact, progress)
    else:
        nu, nv = near_edges_on(cfg.executor, cfg.tasks, src.path, work, cfg.lsh, exact)
    clusters = assemble(
        np.concatenate([eh, nu]),
        np.concatenate([ei, nv]),
        lambda i: src.lookup(i)["minhash"],
        lambda i: src.lookup(i, ("head",))["head"],
    )
    clusters.n_exact_edges, clusters.n_near_edges = int(eh.size), int(nu.size)
    info = {
        "n_docs": n,
        "n_unsigned": n - n_signed,
        "num_perm": num_perm,
        "index_bytes": None,
        "n_text_verified_pairs": exact.n_pairs if exact else 0,
    }
    return clusters, (lambda i: src.lookup(i, ("shard", "position", "doc_id"))), info


def run_dedup(
    ws: Workspace,
    cfg: DedupConfig,
    run: str | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Compute and store the duplicate clusters of an audit run; returns the summary counts."""
    started = store.now()
    say = (lambda m: print(m, file=sys.stderr)) if progress else (lambda m: None)
    if not ws.db_path.is_file():
        raise CurateError(f"{ws.db_path}: no store in this workspace; run `curate audit` first")
    with ws.lock("dedup"), store.connect(ws) as con:
        audit_run = resolve_audit_run(con, run)
        missing = {"shard", "position", "doc_id", "exact_hash"} - set(
            store.table_columns(con, "docs")
        )
        if missing:
            raise CurateError(
                f"run {audit_run}: the docs table has no {', '.join(sorted(missing))} column(s) "
                "(exact duplicates need the audit's hash step); re-run the audit with it enabled"
            )
        if not store.table_exists(con, "signatures") and cfg.num_perm is None and cfg.ngram is None:
            raise CurateError(
                f"run {audit_run}: the store has no `signatures` table (the audit ran without its "
                "MinHash step); re-run the audit with MinHash enabled, or give --ngram/--num-perm "
                "to compute signatures from the shards"
            )
        chash = config_hash({"dedup": to_dict(cfg), "audit_run": audit_run})
        dedup_run = new_run_id("dedup", chash)
        out_dir = ws.safe_join("dedup", dedup_run)
        out_dir.mkdir(parents=True, exist_ok=True)
        store.start_run(
            con, dedup_run, "dedup", chash, {"dedup": to_dict(cfg), "audit_run": audit_run}
        )
        try:
            t0 = time.perf_counter()
            stored = audit_minhash_config(audit_config(con, audit_run))
            mcfg = dataclasses.replace(
                stored,
                **{
                    k: v
                    for k, v in (("num_perm", cfg.num_perm), ("ngram", cfg.ngram))
                    if v is not None
                },
            )
            sig_rel = "signatures"
            if mcfg != stored or not store.table_exists(con, "signatures"):
                say(
                    f"dedup: recomputing signatures ({mcfg.num_perm} values, {mcfg.ngram}-grams; the "
                    f"audit used {stored.num_perm}, {stored.ngram}-grams) from the shards"
                )
                sig_path = out_dir / "signatures.parquet"
                recompute_signatures(
                    con, audit_run, audit_config(con, audit_run), mcfg, sig_path, progress
                )
                sig_rel = "read_parquet('" + str(sig_path).replace("'", "''") + "')"
            if cfg.mode == "memory":
                clusters, meta, info = _cluster_memory(
                    con, audit_run, cfg, say, progress, sig_rel, mcfg, out_dir
                )
            else:
                clusters, meta, info = _cluster_sharded(
                    con, audit_run, cfg, out_dir / "work", say, progress, sig_rel, mcfg
                )
            table = _rows_table(audit_run, dedup_run, meta, clusters)
            path = out_dir / "dup_clusters.parquet"
            write_parquet(path, table)
            counts = {
                **info,
                "n_clusters": clusters.n_clusters,
                "n_docs_in_clusters": int(clusters.idx.size),
                "n_duplicates": int(clusters.idx.size - clusters.n_clusters),
                "n_exact_members": int((clusters.exact & (clusters.idx != clusters.cluster)).sum()),
                "n_near_members": int((~clusters.exact).sum()),
                "n_exact_edges": clusters.n_exact_edges,
                "n_near_edges": clusters.n_near_edges,
                "seconds": round(time.perf_counter() - t0, 3),
            }
            summary = pa.table(
                {
                    "run_id": [audit_run],
                    "dedup_run_id": [dedup_run],
                    **{
                        k: pa.array([v], pa.int64())
                        for k, v in counts.items()
                        if k not in ("seconds", "mode")
                    },
                    "mode": [cfg.mode],
                    "threshold": pa.array([cfg.lsh.threshold], pa.float64()),
                    "bands": pa.array([cfg.lsh.bands], pa.int64()),
                    "rows": pa.array([cfg.lsh.rows], pa.int64()),
                }
            )
            spath = out_dir / "dup_summary.parquet"
            write_parquet(spath, summary)
            store.load_parquet(con, "dup_clusters", [path], {"run_id": audit_run})
            store.load_parquet(con, "dup_summary", [spath], {"run_id": audit_run})
            note = create_views(con, cfg.flag_column, cfg.flag_threshold)
            if note:
                say(f"note: {note}")
            manifest = write_manifest(
                out_dir,
                "dedup",
                cfg,
                inputs=[{"audit_run": audit_run, "store": str(ws.db_path)}],
                counts=counts,
                started_at=str(started),
                finished_at=str(store.now()),
                extra={
                    "run_id": dedup_run,
                    "views_note": note,
                    "signatures": "audit" if sig_rel == "signatures" else "recomputed",
                    "minhash": to_dict(mcfg),
                },
            )
            con.execute(
                "UPDATE runs SET manifest_path = ? WHERE run_id = ?", [str(manifest), dedup_run]
            )
            store.finish_run(con, dedup_run)
        except BaseException:
            store.finish_run(con, dedup_run, "failed")
            raise
    return {"run_id": dedup_run, "audit_run": audit_run, **counts}
