"""MinHash signatures from text: a vectorized numpy kernel, datasketch-compatible.

Interface used by the audit's MinHash step::

    cfg = MinHashConfig(num_perm=128, ngram=5, seed=1)
    sig = MinHasher(cfg).signatures(texts)   # np.ndarray, shape (len(texts), num_perm), uint32

What a signature is (the contract; `reference_shingle_hash32` and the tests pin it down):

- **Words** are the words of `curate.text.normalize(text)` (NFKC, lower case, punctuation removed),
  i.e. the maximal runs of regex ``\\w`` characters of ``NFKC(text).lower()``.
- **Shingles** are the word n-grams (``ngram`` consecutive words). A document with fewer than
  ``ngram`` words (but at least one) has one shingle: all its words. An empty document has none and
  gets the all-``0xFFFFFFFF`` signature (datasketch's empty MinHash).
- **Shingle hash** (32 bits): each word ``w`` (code points ``c_0..c_{L-1}``) hashes to
  ``fmix64(sum_t c_t * P**t + L * K)`` (mod 2**64); a shingle of m words folds them Horner-style,
  ``acc = acc * Q + word_hash`` (mod 2**64), and its hash is ``fmix64(acc + m) >> 32``.
- **Permutations** are datasketch 2.0's ``"affine32"`` scheme, with datasketch's own parameters
  (``numpy.random.RandomState(seed)``): ``min over shingles of a_k * fmix32(h) + b_k mod 2**32``.

So a signature equals ``datasketch.MinHash(num_perm, seed, hashfunc=reference_shingle_hash32,
scheme="affine32")`` updated with the document's shingles, bit for bit (tested), and
`to_lean_minhash` turns a stored row into a `datasketch.LeanMinHash`.

How it is fast (no Python loop per token, none per document on ASCII text):

1. Texts are processed in chunks of about `CHUNK_CHARS` characters. ASCII documents are joined with
   a space and become one ``uint8`` array; a 128-entry table lower-cases word characters and maps
   every other byte to 0. Non-ASCII documents get ``NFKC(...).lower()`` (one C call each), are
   joined and decoded to code points (UTF-32), and a 0x10000-entry table built from the ``re``
   module's own ``\\w`` (plus a check per distinct character above the BMP) marks word
   characters. Either way: one array, 0 = separator.
2. Word boundaries come from ``np.diff`` of the nonzero mask; word hashes from one prefix sum of
   ``c_j * P**j`` over the chunk (see `_word_hashes`).
3. n-gram hashes are n-1 shifted multiply-adds over the whole word array; n-grams that straddle two
   documents are masked out.
4. For each permutation (an outer loop of ``num_perm`` numpy calls over all shingles of the chunk):
   multiply, add, ``np.minimum.reduceat`` over the per-document shingle segments. Working 1-D on a
   cache-sized chunk lets numpy use its SIMD loops (bench/dedup_speed.py compares chunk sizes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from curate.errors import ConfigError
from curate.text import normalize

MAX_HASH = np.uint32(0xFFFFFFFF)
CHUNK_CHARS = (
    1 << 17
)  # ~40 docs of 3 KB: arrays stay in cache (bench/dedup_speed.py compares sizes)

_P = np.uint64(0x9E3779B97F4A7C15)  # per-character multiplier (odd)
_K = np.uint64(0x94D049BB133111EB)  # word-length salt
_Q = np.uint64(0xC2B2AE3D27D4EB4F)  # n-gram fold multiplier (odd)
_M64 = (1 << 64) - 1


@dataclass(frozen=True)
class MinHashConfig:
    num_perm: int = 128
    ngram: int = 5
    seed: int = 1

    def validate(self) -> None:
        if not 16 <= self.num_perm <= 1024:
            raise ConfigError(f"num_perm must be in [16, 1024], got {self.num_perm}")
        if self.ngram < 1:
            raise ConfigError(f"ngram must be >= 1, got {self.ngram}")


# ---------------------------------------------------------------------------------------------
# hashing primitives (vectorized; wrap-around uint arithmetic is the intended mod 2**w)


def fmix64(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer on a uint64 array (returns a new array)."""
    x = x ^ (x >> np.uint64(33))
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


def fmix32(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer on a uint32 array (datasketch's affine pre-mix)."""
    x = x ^ (x >> np.uint32(16))
    x *= np.uint32(0x85EBCA6B)
    x ^= x >> np.uint32(13)
    x *= np.uint32(0xC2B2AE35)
    x ^= x >> np.uint32(16)
    return x


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2.0's affine32 permutation parameters (a odd, b) for (num_perm, seed)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


_ASCII_LUT = np.zeros(256, dtype=np.uint8)
for _c in range(128):
    if re.match(r"\w", chr(_c)):
        _ASCII_LUT[_c] = ord(chr(_c).lower())


@lru_cache(maxsize=1)
def _bmp_word_table() -> np.ndarray:
    """bool[0x10000]: is a BMP code point a regex ``\\w`` character (what `normalize` uses)."""
    table = np.zeros(0x10000, dtype=bool)
    everything = "".join(map(chr, range(0x10000)))
    for m in re.finditer(r"\w+", everything):
        table[m.start() : m.end()] = True
    return table


def _is_word(cp: np.ndarray) -> np.ndarray:
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


_PINV = np.uint64(pow(int(_P), -1, 1 << 64))
_POW_CACHE: dict[str, np.ndarray] = {}


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(P**j, P**-j) mod 2**64 for j in [0, n), cached and grown geometrically."""
    have = _POW_CACHE.get("pow")
    if have is None or have.size < n:
        size = max(n, 2 * (0 if have is None else have.size), CHUNK_CHARS + (1 << 16))
        for name, base in (("pow", _P), ("inv", _PINV)):
            p = np.full(size, base, dtype=np.uint64)
            p[0] = 1
            _POW_CACHE[name] = np.cumprod(p, dtype=np.uint64)
    return _POW_CACHE["pow"][:n], _POW_CACHE["inv"][:n]


# ---------------------------------------------------------------------------------------------
# text -> shingle hashes


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Join texts into one code array (0 = separator) and return it with each doc's start offset.

    ASCII texts are joined as bytes; others are NFKC + lower-cased per document, then decoded to
    code points. The caller keeps ASCII and non-ASCII documents in separate calls.
    """
    if all(t.isascii() for t in texts):
        joined = " ".join(texts).encode("ascii")
        codes: np.ndarray = _ASCII_LUT[np.frombuffer(joined, dtype=np.uint8)]
        lens = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    else:
        prepared = [unicodedata.normalize("NFKC", t).lower() for t in texts]
        joined32 = " ".join(prepared).encode("utf-32-le", "surrogatepass")
        cp = np.frombuffer(joined32, dtype=np.uint32)
        codes = np.where(_is_word(cp), cp, np.uint32(0))
        lens = np.fromiter((len(t) + 1 for t in prepared), dtype=np.int64, count=len(prepared))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    return codes, starts


def _word_hashes(codes: np.ndarray, doc_starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(uint64 hash of every word in order, index of the document of each word).

    Word sums ``sum_t c_t P**t`` come from one prefix sum over the whole chunk: with
    ``S_j = sum_{i<j} c_i P**i`` (separators have c = 0), a word at [s, e) has
    ``(S_e - S_s) * P**-s`` (P is odd, so invertible mod 2**64).
    """
    n = codes.size
    d = np.diff((codes != 0).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(d == 1)
    if starts.size == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    ends = np.flatnonzero(d == -1)
    pw, inv = _powers(n)
    g = codes.astype(np.uint64)
    g *= pw
    pref = np.empty(n + 1, dtype=np.uint64)
    pref[0] = 0
    np.cumsum(g, out=pref[1:])
    poly = pref[ends] - pref[starts]
    poly *= inv[starts]
    poly += (ends - starts).astype(np.uint64) * _K
    wdoc = np.searchsorted(doc_starts, starts, side="right") - 1
    return fmix64(poly), wdoc


def _shingles(texts: Sequence[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit shingle hashes of `texts`, grouped by document in order, and each one's document."""
    codes, doc_starts = _codes(texts)
    wh, wdoc = _word_hashes(codes, doc_starts)
    nw = wh.size
    if nw == 0:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.int64)
    counts = np.bincount(wdoc, minlength=len(texts))
    first = np.cumsum(counts) - counts
    accs = [wh]  # accs[k-1][i]: fold of words i .. i+k-1
    for k in range(1, min(ngram, nw)):
        accs.append(accs[-1][:-1] * _Q + wh[k:])
    parts_h: list[np.ndarray] = []
    parts_d: list[np.ndarray] = []
    if nw >= ngram:
        full = accs[ngram - 1]
        valid = wdoc[: nw - ngram + 1] == wdoc[ngram - 1 :]
        parts_h.append(full[valid] + np.uint64(ngram))
        parts_d.append(wdoc[: nw - ngram + 1][valid])
    short = np.flatnonzero((counts > 0) & (counts < ngram))
    if short.size:
        m = counts[short]
        vals = np.empty(short.size, dtype=np.uint64)
        for mm in np.unique(m):
            sel = m == mm
            vals[sel] = accs[mm - 1][first[short[sel]]] + np.uint64(mm)
        parts_h.append(vals)
        parts_d.append(short)
    h = np.concatenate(parts_h)
    sd = np.concatenate(parts_d)
    if len(parts_h) > 1:
        order = np.argsort(sd, kind="stable")
        h, sd = h[order], sd[order]
    return (fmix64(h) >> np.uint64(32)).astype(np.uint32), sd


def _chunks(texts: Sequence[str], idx: np.ndarray, limit: int) -> list[np.ndarray]:
    """Split document indices into runs of about `limit` characters."""
    out: list[np.ndarray] = []
    if idx.size == 0:
        return out
    lens = np.fromiter((len(texts[i]) for i in idx), dtype=np.int64, count=idx.size)
    cum = np.cumsum(lens)
    cut = np.searchsorted(cum, np.arange(limit, int(cum[-1]) + limit, limit), side="left") + 1
    prev = 0
    for c in cut:
        c = min(int(c), idx.size)
        if c > prev:
            out.append(idx[prev:c])
            prev = c
    if prev < idx.size:
        out.append(idx[prev:])
    return out


class MinHasher:
    """Computes datasketch-compatible (affine32) MinHash signatures of texts, vectorized."""

    def __init__(self, cfg: MinHashConfig) -> None:
        self.cfg = cfg
        self.a, self.b = permutations(cfg.num_perm, cfg.seed)

    def shingle_hashes(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The 32-bit shingle hashes of each text (for exact Jaccard on hashed shingle sets)."""
        texts = list(texts)
        h, sd = _shingles(texts, self.cfg.ngram) if texts else (np.empty(0, np.uint32), None)
        if not texts:
            return []
        bounds = np.searchsorted(sd, np.arange(len(texts) + 1))
        return [h[bounds[i] : bounds[i + 1]] for i in range(len(texts))]

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.full((len(texts), self.cfg.num_perm), MAX_HASH, dtype=np.uint32)
        is_ascii = np.fromiter((t.isascii() for t in texts), dtype=bool, count=len(texts))
        for group in (np.flatnonzero(is_ascii), np.flatnonzero(~is_ascii)):
            for chunk in _chunks(texts, group, CHUNK_CHARS):
                self._sign_chunk([texts[i] for i in chunk], chunk, out)
        return out

    def _sign_chunk(self, texts: list[str], rows: np.ndarray, out: np.ndarray) -> None:
        h, sd = _shingles(texts, self.cfg.ngram)
        if h.size == 0:
            return
        x = fmix32(h)
        seg = np.flatnonzero(np.diff(sd, prepend=-1))
        docs = rows[sd[seg]]
        res = np.empty((self.cfg.num_perm, seg.size), dtype=np.uint32)
        tmp = np.empty_like(x)
        for k in range(self.cfg.num_perm):
            np.multiply(x, self.a[k], out=tmp)
            np.add(tmp, self.b[k], out=tmp)
            np.minimum.reduceat(tmp, seg, out=res[k])
        out[docs] = res.T


# ---------------------------------------------------------------------------------------------
# reference (pure Python, slow): the definition the vectorized kernel is tested against


def _fmix64_int(x: int) -> int:
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & _M64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & _M64
    return x ^ (x >> 33)


def reference_word_hash(word: str) -> int:
    poly = 0
    for t, ch in enumerate(word):
        poly = (poly + ord(ch) * pow(int(_P), t, 1 << 64)) & _M64
    return _fmix64_int((poly + len(word) * int(_K)) & _M64)


def reference_shingle_hash32(shingle: str | bytes) -> int:
    """Hash of one shingle given as its words joined by single spaces (datasketch `hashfunc`)."""
    if isinstance(shingle, bytes):
        shingle = shingle.decode("utf-8", "surrogatepass")
    words = shingle.split(" ")
    acc = 0
    for w in words:
        acc = (acc * int(_Q) + reference_word_hash(w)) & _M64
    return _fmix64_int((acc + len(words)) & _M64) >> 32


def reference_shingles(text: str, ngram: int) -> list[str]:
    """The shingles of `text` as strings (words joined by one space), in order, with repeats."""
    words = normalize(text).split()
    if not words:
        return []
    if len(words) < ngram:
        return [" ".join(words)]
    return [" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)]


def to_lean_minhash(signature: np.ndarray, seed: int = 1):  # -> datasketch.LeanMinHash
    """A stored signature row as a `datasketch.LeanMinHash` (affine32 scheme)."""
    # datasketch (and scipy under it) only for interop with datasketch users
    from datasketch import LeanMinHash

    return LeanMinHash(
        seed=seed, hashvalues=np.asarray(signature, dtype=np.uint32), scheme="affine32"
    )
