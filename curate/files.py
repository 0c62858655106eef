"""Files: every write of an output goes through here, on a local path or any fsspec URL.

The one place for the file-system rules the contracts rely on:

- `atomic_write_bytes` / `atomic_write_text`: a whole file written to a temp name in the same
  folder, fsynced, then renamed: a visible file is always complete;
- `atomic_path`: the same for writers that need a path (Parquet, torch, numpy): yields a temp
  path, renames it over the target only when the block succeeds;
- `hold_lock`: an exclusive, non-blocking flock on a lock file (the workspace and ablation locks);
- locations (s3://, gs://, file://, memory://, ... or plain paths): past one machine, tasks on
  other nodes write their Parquet somewhere the driver (and later DuckDB) can read it. `join`,
  `is_url`, `local_path` build locations without caring which kind they are (``file://`` URLs
  become plain paths); `open_atomic` writes under a hidden temp name and renames (an object
  store's rename is copy + delete, so the final object appears whole); `list_files` lists a
  folder's files (sorted, hidden/temp files skipped); `register` lets a DuckDB connection read
  those locations with the same fsspec credentials the writers used (docs/scale.md).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import posixpath
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import fsspec

from curate.errors import CurateError

_LOCAL_PROTOCOLS = ("file", "local")


def is_url(p: str | os.PathLike[str]) -> bool:
    return "://" in str(p)


def protocol(p: str | os.PathLike[str]) -> str:
    s = str(p)
    return s.split("://", 1)[0] if is_url(s) else "file"


def local_path(p: str | os.PathLike[str]) -> str:
    """``file:///x/y`` -> ``/x/y``; other locations unchanged."""
    s = str(p)
    for proto in _LOCAL_PROTOCOLS:
        if s.startswith(f"{proto}://"):
            return s[len(proto) + 3 :] or "/"
    return s


def is_remote(p: str | os.PathLike[str]) -> bool:
    """A URL that is not on the local file system."""
    return is_url(local_path(p))


def join(base: str | os.PathLike[str], *parts: str) -> str:
    b = local_path(base)
    if is_url(b):
        return posixpath.join(b.rstrip("/"), *parts)
    return os.path.join(b, *parts)


def filesystem(p: str | os.PathLike[str]) -> tuple[Any, str]:
    """(fsspec file system, path within it) for a location."""

    return fsspec.core.url_to_fs(local_path(p))


def makedirs(p: str | os.PathLike[str]) -> None:
    fs, path = filesystem(p)
    fs.makedirs(path, exist_ok=True)


def exists(p: str | os.PathLike[str]) -> bool:
    fs, path = filesystem(p)
    return bool(fs.exists(path))


def list_files(folder: str | os.PathLike[str], suffix: str = "") -> list[str]:
    """Files directly in `folder` ending with `suffix`, as full locations, sorted by name.

    Hidden files (temp files being written start with '.') are skipped; a missing folder is empty.
    """
    fs, path = filesystem(folder)
    if not fs.exists(path):
        return []
    out = []
    for info in fs.ls(path, detail=True):
        name = posixpath.basename(str(info["name"]).rstrip("/"))
        if info.get("type") == "file" and name.endswith(suffix) and not name.startswith("."):
            out.append(join(folder, name))
    return sorted(out, key=lambda f: posixpath.basename(f))


@contextlib.contextmanager
def open_atomic(p: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Write `p` through a hidden temp name next to it; renamed only if the block succeeds."""
    fs, path = filesystem(p)
    parent, name = posixpath.split(path) if is_remote(p) else os.path.split(path)
    tmp = (
        posixpath.join(parent, f".{name}.tmp")
        if is_remote(p)
        else os.path.join(parent, f".{name}.tmp")
    )
    fs.makedirs(parent, exist_ok=True)
    f = fs.open(tmp, "wb")
    try:
        yield f
        f.close()
        fs.mv(tmp, path)
    except BaseException:
        with contextlib.suppress(Exception):
            f.close()
        with contextlib.suppress(Exception):
            fs.rm(tmp)
        raise


def register(con: Any, *locations: str | os.PathLike[str]) -> None:
    """Let DuckDB connection `con` read the given locations (registers URL file systems)."""
    seen: set[str] = set()
    for loc in locations:
        if not is_remote(loc):
            continue
        proto = protocol(loc)
        if proto in seen:
            continue
        seen.add(proto)
        fs, _ = filesystem(loc)
        with contextlib.suppress(Exception):  # already registered under that protocol
            con.unregister_filesystem(proto)
        con.register_filesystem(fs)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` via a temp file in the same directory and an atomic rename."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], fsync: bool = True) -> Iterator[Path]:
    """A temp path beside `path` to write into; renamed over `path` only if the block succeeds
    (after an fsync of the file), removed otherwise. The parent folder is created."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if fsync:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file's bytes (read in 1 MiB chunks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# sha256 of files this process has hashed, by (real path, inode, size, mtime): a model checked
# before an audit starts and checked again when it loads is hashed once (its base weights are
# 90 MB); any rewrite of the file changes the key
_VERIFIED: dict[tuple[str, int, int, int], str] = {}


def check_sha256(path: str | os.PathLike[str], want: str | None, named_in: str) -> None:
    """Refuse a file whose sha256 is not the one `named_in` (e.g. a model.json) records."""
    if not want:
        raise CurateError(
            f"{path}: {named_in} records no sha256 for this file, so it cannot be checked; "
            "retrain the model (or restore its folder from the release)"
        )
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_ino, st.st_size, st.st_mtime_ns)
    got = _VERIFIED.get(key) or sha256_file(path)
    if got != want:
        raise CurateError(
            f"{path}: damaged or replaced: sha256 {got[:16]}... but {named_in} records "
            f"{want[:16]}...; restore the file (or retrain the model)"
        )
    _VERIFIED[key] = got


@contextlib.contextmanager
def hold_lock(path: str | os.PathLike[str], owner: str, busy: str) -> Iterator[None]:
    """Hold an exclusive flock on `path` (created if missing) for the block.

    A second holder fails at once with CurateError(`busy` with "{holder}" replaced by what the
    lock file says of its holder). The file records `owner` (e.g. "pid 123: audit") while held."""
    p = Path(path)
    try:  # never follow a link: a planted symlink must not make us truncate its target
        fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise CurateError(
                f"{p}: the lock file is a symbolic link; a lock must be a plain file: remove the "
                "link and rerun"
            ) from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        raise CurateError(
            f"{p}: the lock file is not a plain file with one name (a hard link or a special "
            "file); remove it and rerun"
        )
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            with contextlib.suppress(OSError):
                holder = p.read_text().strip()
            holder = holder or f"another process holds {p.name}"
            raise CurateError(busy.replace("{holder}", holder)) from None
        os.ftruncate(fd, 0)
        os.write(fd, owner.encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_sha256",
    "sha256_file",
    "hold_lock",
    "exists",
    "filesystem",
    "is_remote",
    "is_url",
    "join",
    "list_files",
    "local_path",
    "makedirs",
    "open_atomic",
    "protocol",
    "register",
]
