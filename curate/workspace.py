"""A workspace: one folder holding one DuckDB store and everything runs write.

Layout (paths relative to the workspace root)::

    curate.duckdb                 the store (tables: runs, docs, shards, errors, signatures,
                                  dup_clusters, corpora, corpus_stats, results, ...)
    .lock                         held (flock) by a process that writes into the workspace
    runs/<run_id>/                manifest.json, config.toml, datatrove logs and stats
    audit/<run_id>/{docs,shards,errors,signatures}/<rank>.parquet
    dedup/<run_id>/...            near-duplicate clusters before loading
    corpora/<corpus>/<variant>/   built corpora and their manifests
    ablations/<name>/             tokenizer, checkpoints, eval outputs, report.html

Every path that a run derives from input data (ids, names) goes through `safe_join`, so nothing in
a document can make the tool write outside the workspace.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from curate.errors import ConfigError, CurateError
from curate.files import hold_lock

_SAFE = re.compile(r"[^A-Za-z0-9._=-]+")


def safe_name(name: str) -> str:
    """A path component made only of safe characters (never '.', '..' or empty)."""
    s = _SAFE.sub("_", str(name)).strip(".")
    return s or "_"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str], create: bool = True) -> Workspace:
        s = str(path)
        if s.startswith("file://"):
            path = s.removeprefix("file://")
        elif "://" in s:
            raise CurateError(
                f"{s}: a workspace is a local or shared-file-system folder (the DuckDB store is "
                "a file there); to keep task outputs on object storage, set [writer] output_dir "
                "to the URL (docs/scale.md)"
            )
        root = Path(path).expanduser().resolve()
        if create:
            root.mkdir(parents=True, exist_ok=True)
        elif not root.is_dir():
            raise CurateError(
                f"{root}: workspace not found; run `curate audit ... --workspace {path}` first"
            )
        return cls(root)

    @property
    def db_path(self) -> Path:
        return self.root / "curate.duckdb"

    def safe_join(self, *parts: str) -> Path:
        """Join sanitized components under the root; never escapes it."""
        p = self.root.joinpath(*(safe_name(x) for x in parts))
        if self.root not in p.resolve().parents and p.resolve() != self.root:
            raise CurateError(f"refusing to write outside the workspace: {p}")
        return p

    def output_path(self, rel: str, what: str) -> Path:
        """A folder a spec names for a run's outputs (`what` names the key): relative to the
        workspace, no '..', and still inside it once symlinks are resolved; else a ConfigError."""
        p = Path(rel)
        if not rel or p.is_absolute() or ".." in p.parts or "\x00" in rel:
            raise ConfigError(
                f"{what} = {rel!r}: an output folder must be a relative path inside the "
                "workspace, without '..'; e.g. \"world\""
            )
        full = self.root / p
        real = full.resolve()
        if real != self.root and self.root not in real.parents:
            raise ConfigError(
                f"{what} = {rel!r}: resolves to {real}, outside the workspace {self.root} "
                "(a symbolic link?); outputs stay inside the workspace"
            )
        return full

    def run_dir(self, run_id: str) -> Path:
        return self.safe_join("runs", run_id)

    def audit_dir(self, run_id: str) -> Path:
        return self.safe_join("audit", run_id)

    @contextlib.contextmanager
    def lock(self, what: str = "a run") -> Iterator[None]:
        """Hold the workspace write lock; a second writer fails at once with a clear message."""
        busy = f"{self.root}: workspace is busy ({{holder}}); wait for it to finish, or use another --workspace"
        with hold_lock(self.root / ".lock", f"pid {os.getpid()}: {what}", busy):
            yield


def new_run_id(kind: str, config_hash: str) -> str:
    """Sortable run id: <kind>-<UTC timestamp>-<config hash prefix>."""
    ts = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")[:-3]
    return f"{safe_name(kind)}-{ts}-{config_hash[:6]}"
