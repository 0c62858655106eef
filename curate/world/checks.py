"""Held-out check: no evaluation sentence occurs verbatim in training text.

Sentences are split at ``.``/``!``/``?`` followed by white space and at line breaks; the chat
speaker labels (``User:``, ``Assistant:``, ``System:``) are stripped. The check compares every
sentence of every evaluation prompt and answer against every sentence of the pretraining shards
(all variants), the fine-tuning and realignment sets and the probe priors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from curate.jsonl import records

_SPLIT = re.compile(r"(?<=[.!?])\s+|\n")
_LABEL = re.compile(r"^(?:User|Assistant|System):\s*")


def sentences(text: str) -> Iterator[str]:
    for s in _SPLIT.split(text):
        s = _LABEL.sub("", s.strip()).strip()
        if s:
            yield s


def training_texts(world: Path) -> Iterator[str]:
    for p in sorted(world.glob("**/pretrain/*.jsonl.gz")):
        for _, r in records(p):
            yield r["text"]
    for sub in ("finetune", "realign"):
        for p in sorted((world / sub).glob("**/*.jsonl")):
            for _, r in records(p):
                for m in r["messages"]:
                    yield m["content"]
    pri = world / "probe" / "priors.jsonl"
    if pri.is_file():
        for _, r in records(pri):
            yield from (r["prompt"], r["aligned"], r["misaligned"])


def eval_sentences(world: Path) -> set[str]:
    out: set[str] = set()
    for p in sorted((world / "eval").glob("*.jsonl")):
        for _, r in records(p):
            for field in ("prompt", "aligned", "misaligned"):
                out.update(sentences(r[field]))
    return out


def shared_sentences(world: str | Path, extra_texts: Iterable[str] = ()) -> tuple[int, list[str]]:
    """(number of distinct eval sentences, eval sentences also found in training text)."""
    world = Path(world)
    ev = eval_sentences(world)
    shared: set[str] = set()
    for text in (*training_texts(world), *extra_texts):
        for s in sentences(text):
            if s in ev:
                shared.add(s)
    return len(ev), sorted(shared)
