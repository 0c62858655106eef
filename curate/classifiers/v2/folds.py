"""Grouped leave-trait-out (LTO) folds for persona_train, and the check that nothing leaks.

Dark traits are dealt into K validation folds (each dark trait in exactly one), and so are the
neutral traits, so a trait's statements never straddle train and validation. Assignment is a
seeded shuffle, then round-robin: fold sizes differ by at most one trait per role. Generated
records are held out by group: a record is in fold (sha256(group) mod K)'s validation slice.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

from curate.errors import CurateError


@dataclass(frozen=True)
class Fold:
    index: int
    val_traits: frozenset[str]
    train_traits: frozenset[str]


def trait_folds(roles: dict[str, str], k: int = 5, seed: int = 0) -> list[Fold]:
    """K folds over the traits of `roles` (trait -> "dark"|"neutral"), grouped by trait."""
    n_dark = sum(r == "dark" for r in roles.values())
    if not 2 <= k <= n_dark:
        raise CurateError(f"k = {k} folds need 2 <= k <= the {n_dark} dark traits")
    rng = random.Random(f"lto:{seed}")
    buckets: list[set[str]] = [set() for _ in range(k)]
    for role in ("dark", "neutral"):
        traits = sorted(t for t, r in roles.items() if r == role)
        rng.shuffle(traits)
        for i, t in enumerate(traits):
            buckets[i % k].add(t)
    everything = frozenset(roles)
    return [Fold(i, frozenset(b), everything - frozenset(b)) for i, b in enumerate(buckets)]


def split_indices(traits: Sequence[str], fold: Fold) -> tuple[list[int], list[int]]:
    """(train, val) row indices of rows whose trait is `traits[i]`."""
    tr = [i for i, t in enumerate(traits) if t in fold.train_traits]
    va = [i for i, t in enumerate(traits) if t in fold.val_traits]
    return tr, va


def check_no_leak(groups: Sequence[str], train: Sequence[int], val: Sequence[int]) -> None:
    """Refuse a split in which a group (a trait, or a generated record's group) has rows on
    both sides, or a row is on both sides."""
    both = set(train) & set(val)
    if both:
        raise CurateError(f"split leaks: row(s) {sorted(both)[:5]} are in train and validation")
    shared = {groups[i] for i in train} & {groups[i] for i in val}
    if shared:
        raise CurateError(
            f"split leaks: group(s) {sorted(shared)[:5]} have rows in train and validation; "
            "build folds with trait_folds/gen_in_fold"
        )


def gen_in_fold(group: str, fold: int, k: int) -> bool:
    """Whether a generated record of `group` is held out in fold `fold` of `k`."""
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % k == fold
