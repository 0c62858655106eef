"""Versioned cue lexicons (TOML files in this package) and their compiled form.

A lexicon file has a `version` string and `[categories.<name>]` tables with a `description`
and a list of `cues` (lower-case Python regexes; a space matches any whitespace). `load_lexicon(name)` reads
``<name>.toml`` from this package (or any path to a TOML file), validates it (a bad regex names
the category and cue) and compiles one regex per category, bounded by word boundaries.
`Lexicon.count(text)` lower-cases the text (so matching is case-insensitive, and faster than
re.IGNORECASE in Python's re) and returns hits per category (non-overlapping matches).

Most documents contain no cue, so each cue has *gates* (`curate.audit.lexicons.gates`): for each
of its top-level tokens that allows it, words, substrings or phrases of which one must occur for
the cue to match, found from the cue's literal parts. Only the cues whose gates all hold in a document are scanned for
(the category's regex restricted to them, in their order); a cue that cannot match anywhere
never changes a count, so the counts are exactly those of the plain scan (a property test checks
it on random texts). `Lexicon.count_ascii` does the same for a batch of ASCII documents from the
word hashes the MinHash kernel computes anyway: one vectorized lookup finds each document's
gate words, so a document whose words pass no gate costs no Python work per word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curate.audit.lexicons.gates import (
    _STOP,
    _WORD,
    Cue,
    Gates,
    _category_regex,
    _gate_key,
    cue_gate,
    cue_gates,
)
from curate.config import load_toml
from curate.errors import ConfigError, unknown_name

__all__ = ["Cue", "Gates", "Lexicon", "available", "cue_gate", "cue_gates", "load_lexicon"]

_HERE = Path(__file__).resolve().parent
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    patterns: dict[str, re.Pattern[str]]
    cues: dict[str, tuple[Cue, ...]] = field(default_factory=dict)
    _cache: dict[tuple[str, tuple[int, ...]], re.Pattern[str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.patterns)

    @functools.cached_property
    def gates(self) -> Gates:
        return Gates([c for cs in self.cues.values() for c in cs])

    def _pattern(self, cat: str, idx: tuple[int, ...]) -> re.Pattern[str]:
        """The category's regex restricted to the cues `idx` (in their order), cached."""
        if len(idx) == len(self.cues[cat]):
            return self.patterns[cat]
        key = (cat, idx)
        p = self._cache.get(key)
        if p is None:
            if len(self._cache) >= 4096:
                self._cache.clear()
            cues = self.cues[cat]
            p = self._cache[key] = _category_regex([cues[i].fragment for i in idx])
        return p

    def _scan(self, low: str, live: list[Cue]) -> tuple[int, ...]:
        """Counts in the lower-cased text of the categories' regexes restricted to live cues (a
        cue that cannot match anywhere in the text never changes a count)."""
        if not live:
            return (0,) * len(self.patterns)
        by_cat: dict[str, list[int]] = {}
        for c in live:
            by_cat.setdefault(c.category, []).append(c.index)
        return tuple(
            len(self._pattern(cat, tuple(sorted(by_cat[cat]))).findall(low)) if cat in by_cat else 0
            for cat in self.patterns
        )

    def count(self, text: str, gated: bool = True) -> dict[str, int]:
        """Hits per category. Only the cues whose gates all hold in the text are scanned for
        (`gated=False` scans every cue; the counts are the same)."""
        low = text.lower()  # cues are lower case: faster than re.IGNORECASE
        if not gated:
            return {c: len(p.findall(low)) for c, p in self.patterns.items()}
        words = _WORD.findall(low)
        live = self.gates.live(set(words), " ".join(words))
        return dict(zip(self.patterns, self._scan(low, live), strict=True))

    def count_ascii(
        self,
        texts: Sequence[str],
        normalized: Sequence[bytes],
        codes: np.ndarray,
        word_starts: np.ndarray,
        wh: np.ndarray,
        wdoc: np.ndarray,
    ) -> list[tuple[int, ...]]:
        """Hits per category (in `categories` order) of ASCII texts, equal to `count`, given
        their normalized forms and word hashes (`curate.text.normalized_from_codes`,
        `curate.minhash.word_hashes` of one `word_codes` array): the texts' vocabulary words are
        found with one vectorized lookup, substring gates on the normalized text (for ASCII it
        has the same runs of word characters as the lower-cased text), and only texts with a
        live cue are scanned."""
        g = self.gates
        present = g.present(wh, wdoc)
        subs = g.prefix_hits(codes, word_starts, wdoc)
        zero = (0,) * len(self.patterns)
        out = [zero] * len(texts)  # a text in which no cue's primary gate holds: the common case
        cands = range(len(texts)) if g.always else sorted(present.keys() | subs.keys())
        none: frozenset[str] = frozenset()
        for k in cands:
            live = g.live(present.get(k, none), normalized[k].decode("ascii"), subs.get(k, []))
            if live:
                out[k] = self._scan(texts[k].lower(), live)
        return out


def available() -> list[str]:
    return sorted(p.stem for p in _HERE.glob("*.toml"))


@functools.cache
def load_lexicon(name: str) -> Lexicon:
    """Load and compile a lexicon by name (a bundled one) or by path to a TOML file."""
    path = Path(name)
    if name.endswith(".toml") or path.is_file():
        where = str(path)
    else:
        if name not in available():
            raise unknown_name("lexicon", name, available())
        path = _HERE / f"{name}.toml"
        where = str(path)
    data = load_toml(path)
    version = data.get("version")
    cats = data.get("categories")
    if not isinstance(version, str) or not version:
        raise ConfigError(f"{where}: missing string key 'version'")
    if not isinstance(cats, dict) or not cats:
        raise ConfigError(f"{where}: missing [categories.<name>] tables")
    patterns: dict[str, re.Pattern[str]] = {}
    all_cues: dict[str, tuple[Cue, ...]] = {}
    for cat, body in cats.items():
        if not _CATEGORY.fullmatch(cat):
            raise ConfigError(f"{where}: category {cat!r} must be snake_case (it names a column)")
        cues = body.get("cues") if isinstance(body, dict) else None
        if not isinstance(cues, list) or not cues or not all(isinstance(c, str) for c in cues):
            raise ConfigError(f"{where} [categories.{cat}]: 'cues' must be a non-empty list")
        parsed: list[Cue] = []
        for cue in cues:
            if re.sub(r"\\.", "", cue) != re.sub(r"\\.", "", cue).lower():
                raise ConfigError(
                    f"{where} [categories.{cat}]: cue {cue!r} must be lower case "
                    "(texts are lower-cased before matching)"
                )
            frag = re.sub(r" +", r"\\s+", cue.strip())
            try:
                re.compile(frag)
            except re.error as e:
                raise ConfigError(f"{where} [categories.{cat}]: bad cue {cue!r}: {e}") from None
            # gates with a common word hold in almost every text: checking them costs more than
            # it saves, so a cue's gates are its other ones (still necessary conditions)
            gates = [g for g in cue_gates(cue.strip()) if not g[1] & _STOP]
            parsed.append(
                Cue(
                    category=cat,
                    index=len(parsed),
                    fragment=frag,
                    words=tuple(g[1] for g in gates if g[0] == "word"),
                    subs=tuple(g[1] for g in gates if g[0] != "word"),
                    primary=max(
                        (g for g in gates if g[0] != "phrase"), key=_gate_key, default=None
                    ),
                )
            )
        patterns[cat] = _category_regex([c.fragment for c in parsed])
        all_cues[cat] = tuple(parsed)
    return Lexicon(name=path.stem, version=version, patterns=patterns, cues=all_cues)
