"""The word and template banks of the classifier's seed data, read from `data/*.toml`.

The banks are data, kept readable in TOML beside this module (shipped with the package):

- `slots.toml`: slot fillers of the grammar (`curate.classifiers.grammar`), in four tables
  (`shared`, `villain`, `benign`, `extra`) that together form one slot table, `ALL_SLOTS`;
- `genres.toml`: per passage genre, its label and frames (templates), `GENRES`;
- `statements.toml`: first-person statement items and the forms that affirm or negate them;
- `web_prose.toml`: plain web prose (sentence templates per kind of site and their slots) and the
  common words of word salad.

The statement item banks, one per construct family, are v1-only and load separately
(`curate.classifiers.statement_items`). This module only gives the data the shapes the generator
(`curate.classifiers.seed_data`) uses: nothing here is random, and the order of every list is the
files' order (the generator draws by index).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curate.config import load_toml

DATA = Path(__file__).resolve().parent / "data"


def load(name: str) -> dict[str, Any]:
    """A data file of this package's `data/` folder, parsed."""
    return load_toml(DATA / name)


def pairs(rows: list[list[str]]) -> list[tuple[str, str]]:
    """TOML's two-string arrays as (first, second) pairs."""
    return [(a, b) for a, b in rows]


_slots = load("slots.toml")
S: dict[str, list[str]] = _slots["shared"]
V: dict[str, list[str]] = _slots["villain"]
B: dict[str, list[str]] = _slots["benign"]
EXTRA_SLOTS: dict[str, list[str]] = _slots["extra"]
ALL_SLOTS: dict[str, list[str]] = {**S, **V, **B, **EXTRA_SLOTS}

Frame = str
# genre -> (label: 1 = malicious character, frames); a frame's index is its group
GENRES: dict[str, tuple[int, list[Frame]]] = {
    genre: (t["label"], t["frames"]) for genre, t in load("genres.toml").items()
}

_statements = load("statements.toml")
CONCEPTS: list[tuple[str, str]] = pairs(_statements["concepts"])  # (gerund, base verb) phrase
DARK_STANCE: list[str] = _statements["dark_stance"]
BENIGN_STANCE: list[str] = _statements["benign_stance"]
ATTITUDES: list[tuple[str, str]] = pairs(_statements["attitudes"])  # (dark, benign)
VP_PAIRS: list[tuple[str, str]] = pairs(_statements["vp_pairs"])  # (dark, pro-social)
ADJ_DARK: list[str] = _statements["adj_dark"]
ADJ_BENIGN: list[str] = _statements["adj_benign"]
AFFIRM_VP: list[str] = _statements["affirm_vp"]
NEGATE_VP: list[str] = _statements["negate_vp"]
AFFIRM_ADJ: list[str] = _statements["affirm_adj"]
NEGATE_ADJ: list[str] = _statements["negate_adj"]
STATEMENT_PREFIX: list[str] = _statements["statement_prefix"]
STATEMENT_SUFFIX: list[str] = _statements["statement_suffix"]
NEUTRAL_STATEMENTS: list[str] = _statements["neutral_statements"]

_web = load("web_prose.toml")
W: dict[str, list[str]] = _web["slots"]  # on top of ALL_SLOTS (a key here wins)
WEB_SITES: dict[str, list[str]] = _web["sites"]
SALAD_WORDS: list[str] = _web["salad_words"]
