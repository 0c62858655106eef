"""Text normalization shared by exact hashing and shingling, per document and per batch.

`normalize` is the one definition of "the same text": Unicode NFKC, lower case, punctuation
removed, whitespace collapsed. Exact-duplicate hashes and MinHash shingles both use it, so two
documents that differ only in case, punctuation or spacing are exact duplicates.

Equivalently, ``normalize(t)`` is the maximal runs of regex ``\\w`` characters of
``NFKC(t).lower()`` joined by single spaces. The batch forms work on that view, for a chunk of
texts at a time, without a regex or a Python loop per word:

- `word_codes`: one array of character codes with 0 for every non-word character (the array the
  MinHash kernel shingles; ASCII texts: one ``bytes.translate``);
- `word_spans`: where each word starts and ends, and each text's run of words;
- `normalized_from_codes`: each text's normalized form read off the code array (each word and
  the one separator after it kept, separators become spaces);
- `ascii_word_counts`: ``len(t.split())`` of ASCII texts by counting word starts.

The batch results equal the per-document functions exactly (property-tested).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import xxhash

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+", re.UNICODE)

# bytes.translate tables for ASCII text (one C pass each):
# word characters lower-cased, everything else a space
_ASCII_NORM = bytes(
    (ord(chr(c).lower()) if c < 128 and re.match(r"\w", chr(c)) else 32) for c in range(256)
)
# word characters lower-cased, every other byte 0 (the code array's separator)
_ASCII_CODES = bytes(0 if b == 32 else b for b in _ASCII_NORM)
# whitespace as `str.split()` sees it (str.isspace: includes \x1c-\x1f) -> 0, other -> 1
_ASCII_NONSPACE = bytes(0 if c < 128 and chr(c).isspace() else 1 for c in range(256))


def normalize(text: str) -> str:
    if text.isascii():  # NFKC is the identity on ASCII; bytes.translate is one C pass
        return b" ".join(text.encode("ascii").translate(_ASCII_NORM).split()).decode("ascii")
    t = unicodedata.normalize("NFKC", text).lower()
    t = _PUNCT.sub(" ", t)
    return _SPACE.sub(" ", t).strip()


def exact_hash(text: str) -> str:
    """16-hex-digit xxh64 of the normalized text."""
    return xxhash.xxh64_hexdigest(normalize(text).encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# batches: one code array per group of texts


@lru_cache(maxsize=1)
def _bmp_word_table() -> np.ndarray:
    """bool[0x10000]: is a BMP code point a regex ``\\w`` character (what `normalize` uses)."""
    table = np.zeros(0x10000, dtype=bool)
    everything = "".join(map(chr, range(0x10000)))
    for m in re.finditer(r"\w+", everything):
        table[m.start() : m.end()] = True
    return table


def is_word(cp: np.ndarray) -> np.ndarray:
    """Regex ``\\w`` mask of uint32 code points: a BMP table, the few others one by one."""
    bmp = cp < 0x10000
    out = np.zeros(cp.shape, dtype=bool)
    out[bmp] = _bmp_word_table()[cp[bmp]]
    if not bmp.all():
        rest = cp[~bmp]
        uniq, inv = np.unique(rest, return_inverse=True)
        word = np.array([re.match(r"\w", chr(int(c))) is not None for c in uniq], dtype=bool)
        out[~bmp] = word[inv]
    return out


def word_codes(texts: Sequence[str], joined: bytes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Join texts into one code array (0 = separator) and return it with each text's start.

    ASCII texts are joined with a space as bytes (`joined`, ``" ".join(texts)`` encoded, may be
    given when the caller has it); a 256-byte table lower-cases word characters and maps the rest
    to 0. Others are NFKC + lower-cased per text, joined and decoded to code points (uint32). The
    caller keeps ASCII and non-ASCII texts in separate calls. Text i spans
    ``codes[starts[i] : starts[i] + len_i]`` and is followed by one separator (but the last).
    """
    if joined is not None or all(t.isascii() for t in texts):
        if joined is None:
            joined = " ".join(texts).encode("ascii")
        codes: np.ndarray = np.frombuffer(joined.translate(_ASCII_CODES), dtype=np.uint8)
        lens = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    else:
        prepared = [unicodedata.normalize("NFKC", t).lower() for t in texts]
        joined32 = " ".join(prepared).encode("utf-32-le", "surrogatepass")
        cp = np.frombuffer(joined32, dtype=np.uint32)
        codes = np.where(is_word(cp), cp, np.uint32(0))
        lens = np.fromiter((len(t) + 1 for t in prepared), dtype=np.int64, count=len(prepared))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    return codes, starts


def word_spans(
    codes: np.ndarray, doc_starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, first) of the words of a `word_codes` array: word w is
    ``codes[starts[w] : ends[w]]``, and text i has words ``first[i] : first[i + 1]``."""
    n = codes.size
    word = np.zeros(n + 2, dtype=bool)
    np.not_equal(codes, 0, out=word[1:-1])
    edges = np.flatnonzero(word[1:] != word[:-1])  # alternately a word's start and its end
    starts, ends = edges[0::2], edges[1::2]
    # texts are separated, so each one's words are a run
    first = np.append(np.searchsorted(starts, doc_starts), starts.size)
    return starts, ends, first


_ZERO_TO_SPACE = bytes([32]) + bytes(range(1, 256))


def normalized_from_codes(
    codes: np.ndarray,
    doc_starts: np.ndarray,
    spans: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> list[bytes]:
    """The UTF-8 bytes of ``normalize(text)`` of every text of a `word_codes` array.

    Keeps each word's characters and the one separator after it (`word_spans`, which may be
    given), then cuts at the texts' boundaries and drops each text's trailing separator."""
    starts, ends, first = spans if spans is not None else word_spans(codes, doc_starts)
    n = codes.size
    if starts.size == 0:
        return [b""] * len(doc_starts)
    ext = np.zeros(n + 1, dtype=codes.dtype)  # a separator after the last word
    ext[:n] = codes
    keep = ext != 0
    keep[ends] = True
    comp = ext[keep]
    size = np.zeros(starts.size + 1, dtype=np.int64)
    np.cumsum(ends - starts + 1, out=size[1:])
    off = size[first]
    a = off[:-1].tolist()
    b = (off[1:] - (first[1:] > first[:-1])).tolist()  # without the trailing separator
    if codes.dtype == np.uint8:
        buf = comp.tobytes().translate(_ZERO_TO_SPACE)
        return [buf[x:y] for x, y in zip(a, b, strict=True)]
    comp[comp == 0] = 32
    u32 = comp.astype(np.uint32, copy=False).tobytes()
    return [
        u32[4 * x : 4 * y].decode("utf-32-le", "surrogatepass").encode("utf-8", "surrogatepass")
        for x, y in zip(a, b, strict=True)
    ]


def hashes_from_codes(codes: np.ndarray, starts: np.ndarray) -> list[str]:
    """`exact_hash` of every text of a `word_codes` array."""
    h = xxhash.xxh64_hexdigest
    return [h(b) for b in normalized_from_codes(codes, starts)]


def ascii_word_counts(joined: bytes, starts: np.ndarray, lens: Sequence[int]) -> list[int]:
    """``len(t.split())`` of ASCII texts given as one space-joined byte string, their starts and
    lengths: a word starts where a non-space follows a space (or the string's start), and texts
    are separated by a space, so each text's word starts are a run."""
    ns = np.frombuffer(joined.translate(_ASCII_NONSPACE), dtype=np.uint8)
    if ns.size == 0:
        return [0] * len(starts)
    begin = np.flatnonzero(ns[1:] > ns[:-1]) + 1
    if ns[0]:
        begin = np.concatenate(([0], begin))
    return np.diff(np.searchsorted(begin, np.append(starts, ns.size))).tolist()
