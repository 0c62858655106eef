"""The development cache of MiniLM vectors: where it lives, what is in it, what can go.

With `CURATE_EMBED_CACHE=1`, training and evaluation keep one `minilm_cache_<id>.npz` per
encoder under `$CURATE_CACHE/embeddings` (default `~/.cache/curate/embeddings`): `<id>` is
`base` for the plain MiniLM, or the first 16 hex digits of an adapter's sha256 and the token
limit it was scored with (`Embedder.use_adapter`). Every retraining writes new adapters, so
old files pile up (one per adapter and truncation, up to tens of MB each); an older layout
(before 2026-11-28) wrote `<32 hex digits>.npy` files that nothing reads any more. This module
lists the files with the registered classifiers that still use each one, and deletes the rest:
`curate classifier cache [--prune]`. Nothing here is needed to score: a missing cache file is
rebuilt on the next encode.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

PREFIX, SUFFIX = "minilm_cache_", ".npz"
OLD_LAYOUT = re.compile(r"[0-9a-f]{32}\.npy")


def cache_dir() -> Path:
    """The cache folder, whether or not caching is switched on."""
    return Path(os.environ.get("CURATE_CACHE", Path.home() / ".cache" / "curate")) / "embeddings"


def ids_in_use(classifiers_dir: Path) -> dict[str, list[str]]:
    """Cache id -> the encoders that use it ("<classifier> member 0", ...), over every
    classifier folder with a model.json under `classifiers_dir`. `base` is always in use."""
    used: dict[str, list[str]] = {"base": ["MiniLM without adapter"]}
    for model in sorted(classifiers_dir.glob("*/model.json")):
        st2 = json.loads(model.read_text()).get("stage2", {})
        max_tokens = st2.get("max_tokens") or 0
        for kind in ("members", "short_members"):
            for i, m in enumerate(st2.get(kind, [])):
                sha = m.get("adapter_sha256")
                if sha:
                    who = f"{model.parent.name} {kind.rstrip('s').replace('_', ' ')} {i}"
                    used.setdefault(f"{sha[:16]}-{max_tokens}", []).append(who)
    return used


@dataclass(frozen=True)
class CacheFile:
    path: Path
    cache_id: str
    size: int
    users: tuple[str, ...]  # empty: no registered classifier uses it


def list_cache(folder: Path, used: dict[str, list[str]]) -> list[CacheFile]:
    """The cache files in `folder`: this layout's, then the old layout's (never in use)."""
    out = []
    for path in sorted(folder.glob(f"{PREFIX}*{SUFFIX}")):
        cid = path.name[len(PREFIX) : -len(SUFFIX)]
        out.append(CacheFile(path, cid, path.stat().st_size, tuple(used.get(cid, ()))))
    for path in sorted(folder.glob("*.npy")):
        if OLD_LAYOUT.fullmatch(path.name):
            out.append(CacheFile(path, "old layout", path.stat().st_size, ()))
    return out


def prune(folder: Path, used: dict[str, list[str]]) -> list[CacheFile]:
    """Delete the cache files no registered classifier uses; return what was deleted."""
    gone = [f for f in list_cache(folder, used) if not f.users]
    for f in gone:
        f.path.unlink(missing_ok=True)
    return gone
