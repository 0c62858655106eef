"""Scoring windows: a document split into paragraph-sized pieces with their character offsets.

A document is split into paragraphs (blank lines); a paragraph longer than `max_chars` is split at
sentence ends (or, failing that, at the last space) into pieces of at most `max_chars`; a
paragraph shorter than `min_chars` is merged into the next one. Each window keeps its [start, end)
character offsets in the original text, so a score can point at the passage it came from. Both
stages of the cascade (`curate.classifiers.cascade`) score windows, and training cuts its
calibration documents the same way.
"""

from __future__ import annotations

import re

_PARA = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENT_END = re.compile(r"[.!?…][\"')\]]*\s+")


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cut_points = [m.end() for m in _SENT_END.finditer(text, start, end)]
    s = start
    while end - s > max_chars:
        limit = s + max_chars
        cands = [c for c in cut_points if s < c <= limit]
        if cands:
            c = cands[-1]
        else:
            sp = text.rfind(" ", s + 1, limit)
            c = sp + 1 if sp > s else limit
        e = c
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        s = c
    if end > s:
        out.append((s, end))
    return out


def windows(text: str, max_chars: int = 600, min_chars: int = 80) -> list[tuple[int, int]]:
    """[start, end) offsets of the scoring windows of `text` (see the module docstring).

    Every non-space character of `text` lies in exactly one window; an empty or all-space text
    has no windows."""
    paras: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        paras.append((pos, m.start()))
        pos = m.end()
    paras.append((pos, len(text)))
    spans: list[tuple[int, int]] = []
    pending: int | None = None  # start of a short paragraph waiting to be merged
    for s, e in paras:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if pending is not None:
            s = pending
            pending = None
        if e - s < min_chars:
            pending = s
            last_end = e
            continue
        spans.extend(_split_long(text, s, e, max_chars) if e - s > max_chars else [(s, e)])
    if pending is not None:
        spans.append((pending, last_end))
    return spans
