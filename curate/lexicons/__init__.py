"""Versioned cue lexicons (TOML files in this package) and their compiled form.

A lexicon file has a `version` string and `[categories.<name>]` tables with a `description`
and a list of `cues` (lower-case Python regexes; a space matches any whitespace). `load_lexicon(name)` reads
``<name>.toml`` from this package (or any path to a TOML file), validates it (a bad regex names
the category and cue) and compiles one regex per category, bounded by word boundaries.
`Lexicon.count(text)` lower-cases the text (so matching is case-insensitive, and faster than
re.IGNORECASE in Python's re) and returns hits per category (non-overlapping matches).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from curate.config import load_toml
from curate.errors import ConfigError, unknown_name

_HERE = Path(__file__).resolve().parent
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    patterns: dict[str, re.Pattern[str]]

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.patterns)

    def count(self, text: str) -> dict[str, int]:
        low = text.lower()  # cues are lower case: faster than re.IGNORECASE
        return {c: sum(1 for _ in p.finditer(low)) for c, p in self.patterns.items()}


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
    for cat, body in cats.items():
        if not _CATEGORY.match(cat):
            raise ConfigError(f"{where}: category {cat!r} must be snake_case (it names a column)")
        cues = body.get("cues") if isinstance(body, dict) else None
        if not isinstance(cues, list) or not cues or not all(isinstance(c, str) for c in cues):
            raise ConfigError(f"{where} [categories.{cat}]: 'cues' must be a non-empty list")
        parts = []
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
        patterns[cat] = re.compile(r"\b(?:" + "|".join(parts) + r")\b")
    return Lexicon(name=path.stem, version=version, patterns=patterns)
