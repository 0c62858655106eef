"""Versioned cue lexicons (TOML files in this package) and their compiled form.

A lexicon file has a `version` string and `[categories.<name>]` tables with a `description`
and a list of `cues` (lower-case Python regexes; a space matches any whitespace). `load_lexicon(name)` reads
``<name>.toml`` from this package (or any path to a TOML file), validates it (a bad regex names
the category and cue) and compiles one regex per category, bounded by word boundaries.
`Lexicon.count(text)` lower-cases the text (so matching is case-insensitive, and faster than
re.IGNORECASE in Python's re) and returns hits per category (non-overlapping matches).

Most documents contain no cue, so each category has a *gate* (`cue_gate`): words or substrings
of which one must occur for any of its cues to match, found from the cues' literal parts. A
document that passes no gate of a category is not scanned with that category's regex; the
counts are exactly those of the plain scan (a property test checks it on random texts).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from curate.config import load_toml
from curate.errors import ConfigError, unknown_name

_HERE = Path(__file__).resolve().parent
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")


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


def cue_gate(cue: str) -> tuple[str, frozenset[str]] | None:
    """A necessary condition for `cue` to match a (lower-cased) text, or None if none is found.

    ``("word", S)``: some string of S is a whole ``\\w+`` word of the text (from a plain word, or
    a group of plain alternatives, standing between top-level spaces); ``("sub", S)``: some
    string of S is a substring (the literal start of a token such as ``mwa(?:ha)+``). Every match
    of the cue contains such a word or substring, so a text without one cannot match: skipping
    it never changes a count (tested against the plain regex).
    """
    best: tuple[tuple[int, int], tuple[str, frozenset[str]]] | None = None
    for t in _top_tokens(cue):
        if _PLAIN.match(t):
            gate = ("word", frozenset([t]))
        elif (m := _GROUP.match(t)) and all(
            re.fullmatch(r"\w+( \w+)*", a) for a in m.group(1).split("|")
        ):
            gate = ("word", frozenset(a.split(" ")[0] for a in m.group(1).split("|")))
        elif (m := _LEAD.match(t)) and "\\" not in t:
            lead = m.group(1)
            rest = t[len(lead) :]
            if rest[:1] in ("?", "*", "{"):
                lead = lead[:-1]  # the quantifier applies to the last character
            if not lead:
                continue
            gate = ("sub", frozenset([lead]))
        else:
            continue
        strings = gate[1]
        key = (0 if strings & _STOP else min(map(len, strings)), -len(strings))
        if best is None or key > best[0]:
            best = (key, gate)
    return best[1] if best else None


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    patterns: dict[str, re.Pattern[str]]
    # per category: (words, substrings) of which one must occur for any cue to match, or None
    gates: dict[str, tuple[frozenset[str], tuple[str, ...]] | None] = field(default_factory=dict)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.patterns)

    def count(self, text: str, gated: bool = True) -> dict[str, int]:
        """Hits per category. A category none of whose cue gates occurs in the text is not
        scanned (`gated=False` scans every category; the counts are the same)."""
        low = text.lower()  # cues are lower case: faster than re.IGNORECASE
        words: set[str] | None = None
        out = {}
        for c, p in self.patterns.items():
            gate = self.gates.get(c) if gated else None
            if gate is not None:
                if words is None:
                    words = set(_WORD.findall(low))
                gw, gs = gate
                if gw.isdisjoint(words) and not any(x in low for x in gs):
                    out[c] = 0
                    continue
            out[c] = sum(1 for _ in p.finditer(low))
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
    gates: dict[str, tuple[frozenset[str], tuple[str, ...]] | None] = {}
    for cat, body in cats.items():
        if not _CATEGORY.fullmatch(cat):
            raise ConfigError(f"{where}: category {cat!r} must be snake_case (it names a column)")
        cues = body.get("cues") if isinstance(body, dict) else None
        if not isinstance(cues, list) or not cues or not all(isinstance(c, str) for c in cues):
            raise ConfigError(f"{where} [categories.{cat}]: 'cues' must be a non-empty list")
        parts = []
        words: set[str] = set()
        subs: set[str] = set()
        always = False
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
            parts.append(f"(?:{frag})")
            gate = cue_gate(cue.strip())
            if gate is None:
                always = True
            else:
                (words if gate[0] == "word" else subs).update(gate[1])
        patterns[cat] = re.compile(r"\b(?:" + "|".join(parts) + r")\b")
        gates[cat] = None if always else (frozenset(words), tuple(sorted(subs)))
    return Lexicon(name=path.stem, version=version, patterns=patterns, gates=gates)
