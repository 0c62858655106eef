"""Text normalization shared by exact hashing and shingling.

`normalize` is the one definition of "the same text": Unicode NFKC, lower case, punctuation
removed, whitespace collapsed. Exact-duplicate hashes and MinHash shingles both use it, so two
documents that differ only in case, punctuation or spacing are exact duplicates.
"""

from __future__ import annotations

import re
import unicodedata

import xxhash

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+", re.UNICODE)


def normalize(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    t = _PUNCT.sub(" ", t)
    return _SPACE.sub(" ", t).strip()


def exact_hash(text: str) -> str:
    """16-hex-digit xxh64 of the normalized text."""
    return xxhash.xxh64_hexdigest(normalize(text).encode("utf-8"))
