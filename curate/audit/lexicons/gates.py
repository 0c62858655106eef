"""Cue gates: what must occur in a text for a lexicon cue to match, indexed for many texts.

`cue_gates(cue)` reads necessary conditions off a cue's literal parts (whole words, substrings,
phrases of plain words); a `Cue` holds its own, and `Gates` indexes the cues of a lexicon by
their most selective gate (`cue_gate`) so that a text is checked against the few cues whose
primary gate it passes. `Gates.present` and `Gates.prefix_hits` find the gate words and
substrings of a whole chunk of ASCII texts at once from the MinHash kernel's word hashes and
code array (`curate.audit.lexicons.Lexicon.count_ascii`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from curate.minhash import reference_word_hash

_WORD = re.compile(r"\w+")
_PLAIN = re.compile(r"^\w+$")
_GROUP = re.compile(r"^\(\?:([\w |]*)\)$")
_LEAD = re.compile(r"^(\w+)([?*{]?)")
# common words make weak gates (they are in almost every document): ranked last
_STOP = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "me",
        "him",
        "her",
        "us",
        "them",
        "my",
        "your",
        "his",
        "its",
        "our",
        "their",
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "and",
        "or",
        "not",
        "no",
        "never",
        "will",
        "would",
        "can",
        "could",
        "shall",
        "should",
        "all",
        "any",
        "some",
        "this",
        "that",
        "these",
        "those",
        "what",
        "when",
        "who",
        "how",
        "be",
        "is",
        "are",
        "was",
        "were",
        "been",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "let",
    ]
)


def _top_tokens(cue: str) -> list[str]:
    """Split a cue at its top-level spaces (not inside groups or classes, not escaped)."""
    toks, cur, depth, i = [], "", 0, 0
    while i < len(cue):
        ch = cue[i]
        if ch == "\\":
            cur += cue[i : i + 2]
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == " " and depth == 0:
            if cur:
                toks.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    if cur:
        toks.append(cur)
    return toks


def _top_level_bar(cue: str) -> bool:
    """True if the cue has an alternation ``|`` outside every group (its tokens are not all
    needed for a match then)."""
    depth, i = 0, 0
    while i < len(cue):
        ch = cue[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth <= 0:
            return True
        i += 1
    return False


# frequent content words: usable gates, but ranked below any other word when choosing the one
# gate a cue is indexed by (they would make most texts candidates)
_COMMON = frozenset(
    [
        "know",
        "come",
        "see",
        "find",
        "make",
        "take",
        "get",
        "go",
        "one",
        "out",
        "up",
        "more",
        "now",
        "like",
        "just",
        "time",
        "people",
        "way",
        "good",
        "new",
        "first",
        "also",
        "into",
        "only",
        "over",
        "than",
        "then",
        "well",
        "even",
        "back",
        "after",
        "want",
        "tell",
        "use",
        "say",
        "said",
        "day",
        "may",
        "look",
        "down",
        "side",
        "most",
        "other",
        "many",
        "each",
        "which",
        "there",
        "here",
    ]
)


def _gate_key(gate: tuple[str, frozenset[str]]) -> tuple[int, int, int]:
    strings = gate[1]
    tier = 0 if strings & _STOP else 1 if strings & _COMMON else 2
    return (tier, min(map(len, strings)), -len(strings))


def cue_gates(cue: str) -> list[tuple[str, frozenset[str]]]:
    """Every necessary condition found for `cue` to match a (lower-cased) text, one per
    top-level token that yields one (all of them must hold for the cue to match).

    ``("word", S)``: some string of S is a whole ``\\w+`` word of the text (from a plain word, or
    a group of plain alternatives, standing between top-level spaces: of a multi-word
    alternative, its least common, longest word); ``("sub", S)``: some string of S is a substring
    (the literal start of a token such as ``mwa(?:ha)+``); ``("phrase", {"w1 w2 ..."})``: two or
    more plain words in a row, a substring of the text's words joined by single spaces. Every
    match of the cue contains such a word or substring, so a text without one cannot match:
    skipping it never changes a count (tested against the plain regex). A cue with a top-level
    ``|`` has none.
    """
    if _top_level_bar(cue):
        return []
    gates: list[tuple[str, frozenset[str]]] = []
    run: list[str] = []  # consecutive plain words
    for t in [*_top_tokens(cue), ""]:
        if _PLAIN.match(t):
            run.append(t)
        else:
            if len(run) >= 2:
                gates.append(("phrase", frozenset([" ".join(run)])))
            run = []
        if _PLAIN.match(t):
            gates.append(("word", frozenset([t])))
        elif (m := _GROUP.match(t)) and all(
            re.fullmatch(r"\w+( \w+)*", a) for a in m.group(1).split("|")
        ):
            best = [
                max(a.split(" "), key=lambda w: (w not in _STOP, len(w)))
                for a in m.group(1).split("|")
            ]
            gates.append(("word", frozenset(best)))
        elif (m := _LEAD.match(t)) and "\\" not in t:
            lead = m.group(1)
            rest = t[len(lead) :]
            if rest[:1] in ("?", "*", "{"):
                lead = lead[:-1]  # the quantifier applies to the last character
            if lead:
                gates.append(("sub", frozenset([lead])))
    return gates


def cue_gate(cue: str) -> tuple[str, frozenset[str]] | None:
    """The most selective word or substring gate of `cue_gates` (long, rare words first; common
    words last), or None."""
    best: tuple[tuple[int, int], tuple[str, frozenset[str]]] | None = None
    for gate in cue_gates(cue):
        if gate[0] == "phrase":
            continue
        key = _gate_key(gate)
        if best is None or key > best[0]:
            best = (key, gate)
    return best[1] if best else None


@dataclass(frozen=True, eq=False)  # identity hash: cues go into sets per document
class Cue:
    """One cue of a category: its regex fragment and what must occur in a text for it to match."""

    category: str
    index: int  # position in its category (the alternation order)
    fragment: str
    words: tuple[frozenset[str], ...]  # each: one of these is a whole word of the text
    subs: tuple[frozenset[str], ...]  # each: one of these is a substring of the text's words
    primary: tuple[str, frozenset[str]] | None  # the most selective of the two kinds

    def live(self, words: AbstractSet[str], hay: str) -> bool:
        return all(not w.isdisjoint(words) for w in self.words) and all(
            any(x in hay for x in s) for s in self.subs
        )


def _category_regex(fragments: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{f})" for f in fragments) + r")\b")


class Gates:
    """The cue gates of a lexicon, indexed for scanning many texts (see `Lexicon`)."""

    def __init__(self, cues: Sequence[Cue]) -> None:
        self.cues = tuple(cues)
        self.by_word: dict[str, list[Cue]] = {}
        self.by_sub: dict[str, list[Cue]] = {}
        self.always: list[Cue] = []
        vocab: set[str] = set()
        for c in self.cues:
            for w in c.words:
                vocab |= w
            if c.primary is None:
                self.always.append(c)
            else:
                index = self.by_word if c.primary[0] == "word" else self.by_sub
                for x in c.primary[1]:
                    index.setdefault(x, []).append(c)
        self.primary_words = frozenset(self.by_word)
        self.subs = tuple(self.by_sub)
        # each substring gate's first 8 bytes as a little-endian integer, and its mask
        self.sub_keys = []
        for x in self.subs:
            b = x.encode("utf-8")[:8]
            key = int.from_bytes(b, "little")
            self.sub_keys.append((x, np.uint64(key), np.uint64((1 << (8 * len(b))) - 1)))
        self.sub_filter: np.ndarray | None = None
        if all(len(x.encode("utf-8")) >= 2 for x in self.subs):
            self.sub_filter = np.zeros(1 << 16, dtype=bool)
            for _, key, _ in self.sub_keys:
                self.sub_filter[int(key) & 0xFFFF] = True
        self.vocab = tuple(sorted(vocab))
        # word hashes of the vocabulary (`curate.minhash.word_hashes` of ASCII texts), sorted,
        # and a 2**16-bit filter on their low bits that rules out most words at once
        h = np.array([reference_word_hash(w) for w in self.vocab], dtype=np.uint64)
        order = np.argsort(h, kind="stable")
        self.hashes = h[order]
        self.hash_word = [self.vocab[i] for i in order.tolist()]
        self.is_primary = np.array([w in self.primary_words for w in self.hash_word], dtype=bool)
        self.filter = np.zeros(1 << 16, dtype=bool)
        self.filter[(self.hashes & np.uint64(0xFFFF)).astype(np.intp)] = True

    def live(
        self, words: AbstractSet[str], hay: str, sub_hits: list[str] | None = None
    ) -> list[Cue]:
        """The cues whose every gate holds, given the text's words (at least those of the
        vocabulary) and `hay`, all its words joined by single spaces (substring and phrase gates
        are looked up in it; `sub_hits`, the primary substrings in it, may be given)."""
        subs = [x for x in self.subs if x in hay] if sub_hits is None else sub_hits
        primary = self.primary_words.intersection(words) if words else ()
        if not subs and not primary and not self.always:
            return []  # the common case: no cue can match
        cand: set[Cue] = set(self.always)
        for w in primary:
            cand.update(self.by_word[w])
        for x in subs:
            cand.update(self.by_sub[x])
        return [c for c in cand if c.live(words, hay)]

    def prefix_hits(
        self, codes: np.ndarray, word_starts: np.ndarray, wdoc: np.ndarray
    ) -> dict[int, list[str]]:
        """The primary substring gates found in each ASCII text (by index; texts with none are
        absent). A substring gate is the literal start of a cue token, and a token starts a
        word (it follows ``\\b`` or whitespace), so it is looked for as a prefix of the words:
        the first 8 bytes of every word of the `word_codes` array as one integer, compared
        with each gate's (a gate longer than 8 bytes: its first 8, still necessary)."""
        out: dict[int, list[str]] = {}
        if not self.subs or word_starts.size == 0:
            return out
        pad = np.zeros(codes.size + 8, dtype=np.uint8)
        pad[: codes.size] = codes
        # every position's next 8 bytes as one little-endian integer (an unaligned view)
        u64 = np.ndarray((codes.size + 1,), dtype="<u8", buffer=pad, strides=(1,))
        keys = u64[word_starts]
        if self.sub_filter is not None:  # words whose first two bytes start some gate
            cand = np.flatnonzero(self.sub_filter[(keys & np.uint64(0xFFFF)).astype(np.intp)])
            keys, wdoc = keys[cand], wdoc[cand]
        for x, key, mask in self.sub_keys:
            hit = np.flatnonzero((keys & mask) == key)
            for d in np.unique(wdoc[hit]).tolist():
                out.setdefault(d, []).append(x)
        return out

    def present(self, wh: np.ndarray, wdoc: np.ndarray) -> dict[int, frozenset[str]]:
        """The vocabulary words of each document (by index) in which a cue's primary word
        occurs (the others are left out), from its words' hashes (`word_hashes`)."""
        if wh.size == 0 or self.hashes.size == 0:
            return {}
        cand = np.flatnonzero(self.filter[(wh & np.uint64(0xFFFF)).astype(np.intp)])
        if cand.size == 0:
            return {}
        pos = np.searchsorted(self.hashes, wh[cand])
        pos[pos >= self.hashes.size] = 0
        ok = self.hashes[pos] == wh[cand]
        pos, docs = pos[ok], wdoc[cand[ok]]  # docs ascending: words are in document order
        prim = self.is_primary[pos]
        if not prim.any():
            return {}
        cdocs = np.unique(docs[prim])
        lo = np.searchsorted(docs, cdocs, side="left").tolist()
        hi = np.searchsorted(docs, cdocs, side="right").tolist()
        hw, p = self.hash_word, pos.tolist()
        return {
            d: frozenset(hw[i] for i in p[a:b])
            for d, a, b in zip(cdocs.tolist(), lo, hi, strict=True)
        }
