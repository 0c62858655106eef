"""Where run outputs live: a local folder or any fsspec URL (s3://, gs://, file://, memory://, ...).

Past one machine, tasks on other nodes must write their Parquet somewhere the driver (and later
DuckDB) can read it: a shared file system (a plain path) or an object store (a URL). This module is
the little that the audit writer and the store load need to treat both alike:

- `join`, `is_url`, `local_path` build locations without caring which kind they are
  (``file://`` URLs become plain paths, so DuckDB and pyarrow use the local file system);
- `open_atomic` writes a file under a temp name and renames it when complete (an object store's
  rename is copy + delete, and the final object appears whole), so a visible output file is always
  a complete one, as on local disk;
- `list_files` lists a folder's files as full locations (sorted, hidden/temp files skipped);
- `register` makes a DuckDB connection read those locations: for a URL protocol it registers the
  fsspec file system (``con.register_filesystem``), so the store is loaded with the same fsspec
  credentials the writers used. Ad-hoc queries on S3 without curate use DuckDB's own httpfs
  (see docs/scale.md).
"""

from __future__ import annotations

import contextlib
import os
import posixpath
from collections.abc import Iterator
from typing import IO, Any

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
    import fsspec

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


__all__ = [
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
