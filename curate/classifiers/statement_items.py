"""Item banks for first-person statements, one per construct family: `FAMILIES` (v1 only).

The banks are data, one TOML file per family in `data/statement_items_v1/` (its README says what
each key holds). **They belong to `malicious_character_v1` alone**: three of them (`self_interest`,
`grandiosity`, `scruples`) were written after reading the classifier's errors on the development
half of the persona statements, v1's evaluation set, so a later classifier must not train on them
(the other four were written from the constructs' definitions without any evaluation set; each
file's header says which is which). `curate.classifiers.seed_data` expands them into statement
frames.

This module reads the files and substitutes each file's fragments: a string may name a piece of
template defined in the same file as `fragments.NAME` by writing `<NAME>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from curate.classifiers.seed_banks import DATA, pairs
from curate.config import load_toml

ITEMS_DIR = DATA / "statement_items_v1"  # v1 only: see its README.md
FAMILY_NAMES = (
    "callousness",
    "contempt",
    "grandiosity",
    "manipulation",
    "scruples",
    "self_image",
    "self_interest",
)
_FRAGMENT = re.compile(r"<([A-Z_]+)>")


@dataclass(frozen=True)
class StatementBank:
    """One family's items: (malicious, benign) verb phrases and sentences on one topic, benign
    hard negatives, and adjectives. `sentence_weight`: how many times as often the sampler draws
    each sentence pair and hard negative (compositional frames stand for many items)."""

    vp_pairs: list[tuple[str, str]]
    sentence_pairs: list[tuple[str, str]]
    hard_negatives: list[str]
    adj_dark: list[str]
    adj_benign: list[str]
    sentence_weight: int = 1


def load_bank(path: Path) -> StatementBank:
    data = load_toml(path)
    fragments: dict[str, str] = data.get("fragments", {})

    def fill(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            if m.group(1) not in fragments:
                raise ValueError(f"{path}: <{m.group(1)}> names no fragments.{m.group(1)}")
            return fragments[m.group(1)]

        return _FRAGMENT.sub(one, text)

    def fill_all(rows: list[str]) -> list[str]:
        return [fill(t) for t in rows]

    return StatementBank(
        vp_pairs=pairs([fill_all(p) for p in data["vp_pairs"]]),
        sentence_pairs=pairs([fill_all(p) for p in data["sentence_pairs"]]),
        hard_negatives=fill_all(data["hard_negatives"]),
        adj_dark=fill_all(data["adj_dark"]),
        adj_benign=fill_all(data["adj_benign"]),
        sentence_weight=int(data.get("sentence_weight", 1)),
    )


FAMILIES: dict[str, StatementBank] = {
    name: load_bank(ITEMS_DIR / f"{name}.toml") for name in FAMILY_NAMES
}
