"""The audit job: config, pipeline assembly, execution, resumption, store load and manifest.

One validated `AuditConfig` comes from either a spec (`curate run pipelines/audit.toml`) or flags
(`curate audit PATH... --workspace WS`); both resolve relative paths to absolute ones (a spec's
against the spec's folder, flags' against the current directory), so the same job hashes the same.

The pipeline is a list of datatrove blocks::

    ShardReader -> TextAnnotator -> ClassifierAnnotator* -> AuditWriter

(`TextAnnotator` computes the exact hash, lengths, lexicon hits and MinHash signature together,
in batches, from one shared view of the text: `curate.audit.steps.annotate`.)

run by datatrove's executor (local, ray or slurm: `curate.executors`). Shard i goes to task
i % tasks; each task writes ``audit/<run_id>/{docs,errors,shards,signatures}/<rank>.parquet``
and datatrove marks it complete in ``runs/<run_id>/logs/completions`` (both under the workspace,
or under ``[writer] output_dir``, a shared path or fsspec URL, when tasks run on other machines).

Resumption: the run key is the hash of the resolved config (minus settings that do not change
results: every executor setting but `tasks`, and `progress`) plus the inputs' fingerprints (path,
size, mtime), so a run started on one executor can be finished on another. A run with the same key
that did not finish (status running or failed) is resumed under its run_id:
completed tasks are skipped, the others redone (their files are replaced atomically), then the
store load replaces that run's rows. A finished key re-run starts a new run_id.

After all tasks: the four tables are loaded into DuckDB (`curate.store.load_parquet`, atomic and
idempotent), the accounting invariant is checked per shard (n_read = n_docs + n_errors, and those
equal the rows in the store), the manifest is written and the run is marked done.
"""

from __future__ import annotations

import dataclasses
import resource
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from curate import executors, files, registry
from curate.audit.lexicons import load_lexicon
from curate.audit.read import InputConfig, ShardReader, resolve_inputs
from curate.audit.steps.annotate import TextAnnotator
from curate.audit.steps.classifier import ClassifierAnnotator
from curate.audit.steps.writer import TABLES, AuditWriter
from curate.config import build, config_hash, to_dict
from curate.errors import ConfigError, CurateError, unknown_name
from curate.executors import (
    ExecutorConfig,
    QuietLocalExecutor,  # noqa: F401  (re-exported)
    result_settings,
)
from curate.executors import quiet_datatrove_logs as _quiet_datatrove_logs
from curate.manifests import fingerprints, write_manifest
from curate.minhash import MinHashConfig
from curate.store import connect, find_unfinished_run, finish_run, load_parquet, start_run
from curate.workspace import Workspace, new_run_id

LOAD_MEMORY_LIMIT = "128MB"  # DuckDB buffer pool while loading a run's Parquet into the store


@dataclass(frozen=True)
class HashStep:
    """Exact hash and lengths (always on: every docs row has them)."""

    enabled: bool = True

    def validate(self) -> None:
        if not self.enabled:
            raise ConfigError("enabled: the hash/lengths step cannot be turned off")


@dataclass(frozen=True)
class LexiconStep:
    enabled: bool = True
    lexicon: str = "malicious_character_v1"


@dataclass(frozen=True)
class ClassifiersStep:
    """Scorers by registry name; `params` passes keyword arguments to one scorer's factory, e.g.
    ``params = { malicious_character_v2 = { mode = "stage1" } }`` (the fast first stage only)."""

    names: tuple[str, ...] = ()
    batch_size: int = 64
    params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def validate(self) -> None:
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")
        if len(set(self.names)) != len(self.names):
            raise ConfigError(f"names: duplicate classifier in {list(self.names)}")
        for n, p in self.params.items():
            if n not in self.names:
                raise ConfigError(
                    f"params: {n!r} is not in names {list(self.names)}; add it there or remove "
                    "its params"
                )
            if not isinstance(p, dict):
                raise ConfigError(f"params.{n}: expected a table of keyword arguments, got {p!r}")


@dataclass(frozen=True)
class MinHashStep:
    enabled: bool = True
    num_perm: int = 128
    ngram: int = 5
    seed: int = 1
    batch_size: int = 256  # documents per batch of the text annotator (hash, lexicon, MinHash)

    def minhash_config(self) -> MinHashConfig:
        return build(
            MinHashConfig, {"num_perm": self.num_perm, "ngram": self.ngram, "seed": self.seed}
        )

    def validate(self) -> None:
        self.minhash_config()
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")


@dataclass(frozen=True)
class StepsConfig:
    """The annotate steps, by name: a misspelled step name is an unknown key here."""

    hash: HashStep = field(default_factory=HashStep)
    lexicon: LexiconStep = field(default_factory=LexiconStep)
    classifiers: ClassifiersStep = field(default_factory=ClassifiersStep)
    minhash: MinHashStep = field(default_factory=MinHashStep)


@dataclass(frozen=True)
class WriterConfig:
    row_group_size: int = 4096
    # where tasks write audit/<run_id>/ and runs/<run_id>/logs/: a path or fsspec URL that every
    # worker can reach (shared file system, s3://...); "" = the workspace (docs/scale.md)
    output_dir: str = ""

    def validate(self) -> None:
        if self.row_group_size < 1:
            raise ConfigError(f"row_group_size must be >= 1, got {self.row_group_size}")


@dataclass(frozen=True)
class AuditConfig:
    workspace: str
    inputs: InputConfig
    kind: Literal["audit"] = "audit"
    steps: StepsConfig = field(default_factory=StepsConfig)
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)
    writer: WriterConfig = field(default_factory=WriterConfig)
    progress: bool = True  # not part of the run key


# Workspace folders holding the store's own outputs; files under them are never audit inputs.
WORKSPACE_OUTPUT_DIRS = ("audit", "runs", "dedup")


def _abs(p: str, base: Path) -> str:
    if "://" in p:
        return p
    q = Path(p).expanduser()
    return str(q if q.is_absolute() else (base / q).resolve())


def resolve_config(data: dict[str, Any], base: Path, where: str) -> AuditConfig:
    """Validate a plain dict (spec or flags) into an AuditConfig with absolute local paths."""
    cfg = build(AuditConfig, data, where)
    base = base.resolve()
    inputs = dataclasses.replace(cfg.inputs, paths=tuple(_abs(p, base) for p in cfg.inputs.paths))
    writer = cfg.writer
    if writer.output_dir:
        writer = dataclasses.replace(writer, output_dir=_abs(writer.output_dir, base))
    return dataclasses.replace(
        cfg, workspace=_abs(cfg.workspace, base), inputs=inputs, writer=writer
    )


def check_names(cfg: AuditConfig, where: str) -> None:
    """Fail before any work on an unknown classifier or lexicon name."""
    known = registry.names() if cfg.steps.classifiers.names else []  # loads the registry
    for n in cfg.steps.classifiers.names:
        if n not in known:
            raise unknown_name("classifier", n, known, f"{where} [steps.classifiers]")
        params = cfg.steps.classifiers.params.get(n, {})
        if params:  # bad keyword arguments fail here, not in a task
            registry.check_params(n, params, f"{where} [steps.classifiers.params.{n}]")
        check = getattr(registry.get(n, where, **params), "check", None)
        if check is not None:  # a damaged or missing model fails here, not in a task
            check()
    if cfg.steps.lexicon.enabled:
        try:
            load_lexicon(cfg.steps.lexicon.lexicon)
        except CurateError as e:
            raise ConfigError(f"{where} [steps.lexicon]: {e}") from None


def run_key(cfg: AuditConfig, inputs: list[dict[str, Any]]) -> str:
    d = to_dict(cfg)
    d.pop("progress", None)
    d["executor"] = result_settings(cfg.executor)  # where tasks run does not change rows
    return config_hash({"config": d, "inputs": inputs})


@dataclass(frozen=True)
class AuditResult:
    run_id: str
    resumed: bool
    counts: dict[str, int]
    shards: int
    manifest: Path
    seconds: float


def build_pipeline(cfg: AuditConfig, shards: list[str], run_id: str, out_dir: Path) -> list[Any]:

    s = cfg.steps
    cats: tuple[str, ...] = ()
    if s.lexicon.enabled:
        cats = load_lexicon(s.lexicon.lexicon).categories
    steps: list[Any] = [
        ShardReader(shards, cfg.inputs, progress=cfg.progress),
        TextAnnotator(
            lexicon=s.lexicon.lexicon if s.lexicon.enabled else None,
            minhash=s.minhash.minhash_config() if s.minhash.enabled else None,
            batch_size=s.minhash.batch_size,
            keep_word_hashes=bool(s.classifiers.names),
        ),
    ]
    for name in s.classifiers.names:
        steps.append(
            ClassifierAnnotator(name, s.classifiers.batch_size, s.classifiers.params.get(name))
        )
    steps.append(
        AuditWriter(
            out_dir,
            run_id,
            lex_categories=cats,
            classifiers=s.classifiers.names,
            minhash=s.minhash.enabled,
            row_group_size=cfg.writer.row_group_size,
        )
    )
    return steps


def make_executor(cfg: AuditConfig, pipeline: list[Any], logs: Path | str):
    """The datatrove executor of the audit's ``[executor]`` table (`curate.executors`)."""
    return executors.make_executor(cfg.executor, pipeline, logs, job="audit")


def _max_rss_mb() -> float:
    """Peak RSS of this process and its finished children so far, in MB (Linux: KiB units)."""

    return round(
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024,
        1,
    )


def _utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_accounting(con: Any, run_id: str, shards: list[str]) -> None:
    """Raise if any shard's counts do not reconcile (a bug, never a user error)."""
    rows = con.execute(
        """
        SELECT s.shard, s.n_read, s.n_docs, s.n_errors,
               (SELECT count(*) FROM docs d WHERE d.run_id = s.run_id AND d.shard = s.shard),
               (SELECT count(*) FROM errors e WHERE e.run_id = s.run_id AND e.shard = s.shard)
        FROM shards s WHERE s.run_id = ? ORDER BY s.shard
        """,
        [run_id],
    ).fetchall()
    problems = []
    seen = [r[0] for r in rows]
    if sorted(seen) != sorted(shards):
        problems.append(
            f"shards rows {len(seen)} for {len(shards)} input shards "
            f"(missing: {sorted(set(shards) - set(seen))[:3]}, "
            f"duplicated: {sorted({s for s in seen if seen.count(s) > 1})[:3]})"
        )
    for shard, n_read, n_docs, n_err, in_docs, in_err in rows:
        if n_read != n_docs + n_err or n_docs != in_docs or n_err != in_err:
            problems.append(
                f"{shard}: n_read={n_read} n_docs={n_docs} n_errors={n_err} "
                f"docs rows={in_docs} errors rows={in_err}"
            )
    if problems:
        raise RuntimeError(f"audit {run_id}: accounting does not reconcile: " + "; ".join(problems))


def run_audit(cfg: AuditConfig, where: str = "audit", log=None) -> AuditResult:
    """Run (or resume) an audit; returns when the rows are in the store."""

    def say(msg: str) -> None:
        if log is not None:
            log(msg)

    t0 = time.perf_counter()
    check_names(cfg, where)
    shards = resolve_inputs(cfg.inputs.paths, cfg.inputs.format)
    ws_root = Path(cfg.workspace).resolve()
    # The store's own files (audit Parquet, run logs, dedup work) are outputs, never inputs; other
    # files in the workspace (e.g. a world an ablation generated into it) are ordinary inputs.
    internal = [ws_root / d for d in WORKSPACE_OUTPUT_DIRS]
    inside = [
        s
        for s in shards
        if "://" not in s and any(Path(s).resolve().is_relative_to(d) for d in internal)
    ]
    if inside:
        say(f"skipping {len(inside)} file(s) the workspace {ws_root} wrote itself")
        shards = [s for s in shards if s not in set(inside)]
        if not shards:
            raise CurateError(
                f"{', '.join(cfg.inputs.paths)}: every matching file is one the workspace "
                f"{ws_root} wrote itself ({', '.join(WORKSPACE_OUTPUT_DIRS)}); point the audit "
                "at the input shards"
            )
    inputs = fingerprints(shards, content_hash=True)  # the build checks shards against it
    key = run_key(cfg, inputs)
    ws = Workspace.at(cfg.workspace)
    with ws.lock("curate audit"):
        with connect(ws) as con:
            prev = find_unfinished_run(con, "audit", key)
            run_id = prev or new_run_id("audit", key)
            start_run(con, run_id, "audit", key, to_dict(cfg))
        say(
            f"{'resuming' if prev else 'starting'} audit {run_id}: {len(shards)} shard(s), "
            f"{cfg.executor.tasks} task(s), classifiers: "
            f"{', '.join(cfg.steps.classifiers.names) or '(none)'}"
        )
        started = _utc()
        run_dir = ws.run_dir(run_id)
        base = cfg.writer.output_dir
        out_dir = files.join(base, "audit", run_id) if base else ws.audit_dir(run_id)
        logs = files.join(base, "runs", run_id, "logs") if base else run_dir / "logs"
        try:
            pipeline = build_pipeline(cfg, shards, run_id, out_dir)
            executor = make_executor(cfg, pipeline, logs)
            _quiet_datatrove_logs()
            executor.run()
            rss_annotate = _max_rss_mb()
            outputs = {t: files.list_files(files.join(out_dir, t), ".parquet") for t in TABLES}
            want = [f"{r:05d}.parquet" for r in range(cfg.executor.tasks)]
            missing = [w for w in want if w not in {Path(f).name for f in outputs["shards"]}]
            if missing:
                if cfg.executor.kind == "slurm":
                    say(
                        f"submitted {len(missing)} task(s) to slurm; when they finish, run the "
                        "same command again to load the rows into the store"
                    )
                    return AuditResult(run_id, bool(prev), {}, len(shards), Path(), 0.0)
                raise RuntimeError(f"audit {run_id}: tasks finished without output: {missing}")
            with connect(ws) as con:
                files.register(con, out_dir)  # an fsspec URL output_dir (memory://, s3://...)
                # DuckDB caches what it inserts up to its memory limit (80% of RAM by default);
                # a bounded buffer pool keeps the load's memory flat in the corpus size
                con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
                con.execute("SET threads = 1")  # one row group in flight, not one per thread
                counts = {
                    t: load_parquet(con, t, outputs[t], {"run_id": run_id})
                    for t in ("docs", "errors", "shards", "signatures")
                }
                check_accounting(con, run_id, shards)
                finished = _utc()
                stats_path = files.join(logs, "stats.json")
                manifest = write_manifest(
                    run_dir,
                    "audit",
                    cfg,
                    inputs,
                    {**counts, "n_shards": len(shards)},
                    started,
                    finished,
                    extra={
                        "run_id": run_id,
                        "run_key": key,
                        "resumed": bool(prev),
                        "audit_dir": str(out_dir),
                        "datatrove_stats": stats_path if files.exists(stats_path) else None,
                        "max_rss_mb": {"annotate": rss_annotate, "total": _max_rss_mb()},
                    },
                )
                con.execute(
                    "UPDATE runs SET manifest_path = ? WHERE run_id = ?", [str(manifest), run_id]
                )
                finish_run(con, run_id, "done")
        except BaseException:
            try:
                with connect(ws) as con:
                    finish_run(con, run_id, "failed")
            except Exception:  # the original error matters more
                pass
            raise
    return AuditResult(run_id, bool(prev), counts, len(shards), manifest, time.perf_counter() - t0)
