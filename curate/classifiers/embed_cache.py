"""The development cache of MiniLM vectors: where it lives, what is in it, what can go.

With `CURATE_EMBED_CACHE=1`, training and evaluation keep one `minilm_cache_<id>.npz` per
encoder under `$CURATE_CACHE/embeddings` (default `~/.cache/curate/embeddings`): `<id>` is
`base` for the plain MiniLM, or the first 16 hex digits of an adapter's sha256 and the token
limit it was scored with (`Embedder.use_adapter`). Every retraining writes new adapters, so
old files pile up (one per adapter and truncation, up to tens of MB each); older layouts
(before 2026-11-28) wrote `minilm_cache.npz` or `<32 hex digits>.npy`, which nothing reads any
more. This module names the files (`cache_file`, used by the Embedder), lists them with the
classifiers that still use each one, and deletes the rest: `curate classifier cache [--prune]`.
Nothing here is needed to score: a missing cache file is rebuilt on the next encode.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

CURRENT = re.compile(r"minilm_cache_(base|[0-9a-f]{16}-\d+)\.npz")  # ids: `encoder_id`
OLD_LAYOUT = re.compile(r"minilm_cache\.npz|[0-9a-f]{32}\.npy")


def cache_dir() -> Path:
    """The cache folder, whether or not caching is switched on."""
    return Path(os.environ.get("CURATE_CACHE", Path.home() / ".cache" / "curate")) / "embeddings"


def enabled_dir() -> Path | None:
    """The cache folder when $CURATE_EMBED_CACHE switches caching on (training, evaluation), else
    None.

    Off by default: a fresh encode batches texts the same way every time, which keeps the stage-2
    weights byte-identical across rebuilds (cached vectors may differ in the last float bits)."""
    return cache_dir() if os.environ.get("CURATE_EMBED_CACHE") else None


def encoder_id(adapter_sha256: str | None, max_tokens: int | None) -> str:
    """The cache id of an encoder: `base` (plain MiniLM), or the adapter's first 16 hex digits
    and the token limit its texts are truncated to (0: none)."""
    return "base" if adapter_sha256 is None else f"{adapter_sha256[:16]}-{max_tokens or 0}"


def cache_file(folder: Path, cache_id: str) -> Path:
    """The file that holds one encoder's vectors (`cache_id`: `Embedder.adapter_id`)."""
    return folder / f"minilm_cache_{cache_id}.npz"


def classifier_folders(where: Path) -> list[Path]:
    """`where` itself when it holds a model.json, else its subfolders that do."""
    if (where / "model.json").is_file():
        return [where]
    return [m.parent for m in sorted(where.glob("*/model.json"))]


def ids_in_use(folders: list[Path]) -> dict[str, list[str]]:
    """Cache id -> the encoders that use it ("<classifier> member 0", ...), computed as
    `CascadeModel` and `Embedder.use_adapter` do: a single-model model.json keeps its adapter at
    the top of "stage2", an adapter without a recorded sha256 is hashed from its file, and a
    member without adapter encodes with the plain MiniLM (`base`, always kept)."""
    used: dict[str, list[str]] = {"base": ["MiniLM without adapter"]}
    for folder in folders:
        st2 = json.loads((folder / "model.json").read_text()).get("stage2", {})
        max_tokens = st2.get("max_tokens") or 0
        groups = {"member": st2.get("members") or [st2], "short member": st2.get("short_members")}
        for kind, records in groups.items():
            for i, m in enumerate(records or []):
                if not m.get("adapter"):
                    continue
                sha = m.get("adapter_sha256")
                if not sha and (folder / m["adapter"]).is_file():
                    sha = hashlib.sha256((folder / m["adapter"]).read_bytes()).hexdigest()
                if sha:
                    key = encoder_id(sha, max_tokens)
                    used.setdefault(key, []).append(f"{folder.name} {kind} {i}")
    return used


@dataclass(frozen=True)
class CacheFile:
    path: Path
    cache_id: str
    size: int
    users: tuple[str, ...]  # empty: no registered classifier uses it


def list_cache(folder: Path, used: dict[str, list[str]]) -> list[CacheFile]:
    """The cache files in `folder`, this layout's and the old layouts' (never in use). Any
    other file, including one that merely starts like a cache file, is not listed."""
    out = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        current = CURRENT.fullmatch(path.name)
        if not path.is_file() or not (current or OLD_LAYOUT.fullmatch(path.name)):
            continue
        cid = current.group(1) if current else "old layout"
        out.append(CacheFile(path, cid, path.stat().st_size, tuple(used.get(cid, ()))))
    return out


def prune(folder: Path, used: dict[str, list[str]]) -> list[CacheFile]:
    """Delete the cache files that no classifier in `used` uses; return what was deleted."""
    gone = [f for f in list_cache(folder, used) if not f.users]
    for f in gone:
        f.path.unlink(missing_ok=True)
    return gone
