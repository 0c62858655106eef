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
   characters. Either way: one array, 0 = separator (`curate.text.word_codes`, which the audit
   also reads each document's exact hash off).
2. Word boundaries come from ``np.diff`` of the nonzero mask; word hashes from one prefix sum of
   ``c_j * P**j`` over the chunk (see `word_hashes`; the audit's lexicon gate looks words up by these hashes).
3. n-gram hashes are n-1 shifted multiply-adds over the whole word array; n-grams that straddle two
   documents are masked out.
4. For each block of `PERM_BLOCK` permutations (an outer loop of ``num_perm / PERM_BLOCK``
   numpy calls over all shingles of the chunk): multiply, add, ``np.minimum.reduceat`` over the
   per-document shingle segments. Working on a cache-sized chunk lets numpy use its SIMD loops
   (bench/dedup_speed.py compares chunk sizes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from curate.errors import ConfigError
from curate.text import normalize, word_codes, word_spans

MAX_HASH = np.uint32(0xFFFFFFFF)
CHUNK_CHARS = (
    1 << 17
)  # ~40 docs of 3 KB: arrays stay in cache (bench/dedup_speed.py compares sizes)

# permutations applied per numpy call (a block of PERM_BLOCK x shingles stays in cache; fewer
# calls than one per permutation: bench/dedup_speed.py)
PERM_BLOCK = 8

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


def word_hashes(
    codes: np.ndarray,
    doc_starts: np.ndarray,
    spans: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(uint64 hash of every word in order, index of the document of each word).

    Words come from `curate.text.word_spans` (which may be given). Word sums
    ``sum_t c_t P**t`` come from one prefix sum over the whole chunk: with
    ``S_j = sum_{i<j} c_i P**i`` (separators have c = 0), a word at [s, e) has
    ``(S_e - S_s) * P**-s`` (P is odd, so invertible mod 2**64).
    """
    n = codes.size
    starts, ends, first = spans if spans is not None else word_spans(codes, doc_starts)
    if starts.size == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    pw, inv = _powers(n)
    g = np.multiply(codes, pw, dtype=np.uint64)
    pref = np.empty(n + 1, dtype=np.uint64)
    pref[0] = 0
    np.cumsum(g, out=pref[1:])
    poly = pref[ends] - pref[starts]
    poly *= inv[starts]
    poly += (ends - starts).astype(np.uint64) * _K
    wdoc = np.repeat(np.arange(doc_starts.size), np.diff(first))
    return fmix64(poly), wdoc


def _shingles(texts: Sequence[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit shingle hashes of `texts`, grouped by document in order, and each one's document."""
    codes, doc_starts = word_codes(texts)
    return shingles_of_words(*word_hashes(codes, doc_starts), len(texts), ngram)


def shingles_of_words(
    wh: np.ndarray, wdoc: np.ndarray, n_docs: int, ngram: int
) -> tuple[np.ndarray, np.ndarray]:
    """32-bit shingle hashes from `word_hashes` output (of `n_docs` documents), and each one's
    document."""
    nw = wh.size
    if nw == 0:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.int64)
    counts = np.bincount(wdoc, minlength=n_docs)
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


def char_chunks(texts: Sequence[str], idx: np.ndarray, limit: int) -> list[np.ndarray]:
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
        """The 32-bit shingle hashes of each text (for exact Jaccard on hashed shingle sets).

        In chunks of about `CHUNK_CHARS` characters like `signatures`: the kernel's temporaries
        are ~30 bytes per character, so one call over all texts (dedup's text verification
        reads tens of thousands) would hold gigabytes at once."""
        texts = list(texts)
        out: list[np.ndarray] = [np.empty(0, np.uint32)] * len(texts)
        is_ascii = np.fromiter((t.isascii() for t in texts), dtype=bool, count=len(texts))
        for group in (np.flatnonzero(is_ascii), np.flatnonzero(~is_ascii)):
            for chunk in char_chunks(texts, group, CHUNK_CHARS):
                rows = chunk.tolist()
                h, sd = _shingles([texts[i] for i in rows], self.cfg.ngram)
                bounds = np.searchsorted(sd, np.arange(len(rows) + 1)).tolist()
                for k, i in enumerate(rows):
                    out[i] = h[bounds[k] : bounds[k + 1]].copy()  # not a view of the chunk
        return out

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.full((len(texts), self.cfg.num_perm), MAX_HASH, dtype=np.uint32)
        is_ascii = np.fromiter((t.isascii() for t in texts), dtype=bool, count=len(texts))
        for group in (np.flatnonzero(is_ascii), np.flatnonzero(~is_ascii)):
            for chunk in char_chunks(texts, group, CHUNK_CHARS):
                self._sign_chunk([texts[i] for i in chunk], chunk, out)
        return out

    def sign_words(self, wh: np.ndarray, wdoc: np.ndarray, n_docs: int) -> np.ndarray:
        """Signatures (n_docs, num_perm) of documents given by their `word_hashes` (one chunk of
        `curate.text.word_codes`, all ASCII or all not: the audit's text annotator shares the
        words with the exact hash and the lexicon)."""
        out = np.full((n_docs, self.cfg.num_perm), MAX_HASH, dtype=np.uint32)
        h, sd = shingles_of_words(wh, wdoc, n_docs, self.cfg.ngram)
        self._sign(h, sd, np.arange(n_docs), out)
        return out

    def _sign_chunk(self, texts: list[str], rows: np.ndarray, out: np.ndarray) -> None:
        self._sign(*_shingles(texts, self.cfg.ngram), rows, out)

    def _sign(self, h: np.ndarray, sd: np.ndarray, rows: np.ndarray, out: np.ndarray) -> None:
        if h.size == 0:
            return
        x = fmix32(h)
        seg = np.flatnonzero(np.diff(sd, prepend=-1))
        docs = rows[sd[seg]]
        p = self.cfg.num_perm
        res = np.empty((p, seg.size), dtype=np.uint32)
        tmp = np.empty((PERM_BLOCK, x.size), dtype=np.uint32)
        for k in range(0, p, PERM_BLOCK):
            m = min(PERM_BLOCK, p - k)
            t = tmp[:m]
            np.multiply(self.a[k : k + m, None], x[None, :], out=t)
            np.add(t, self.b[k : k + m, None], out=t)
            np.minimum.reduceat(t, seg, axis=1, out=res[k : k + m])
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
