"""v2 scoring windows: whole sentences packed greedily up to `max_chars` characters.

A sentence is a run ending in . ! ? (with closing quotes/brackets) or a newline; a sentence longer
than `max_chars` is cut at the last space before the limit (or hard at the limit). Windows keep
their [start, end) character offsets in the original text, with surrounding spaces trimmed, and
every non-space character lies in exactly one window. At the default 512 characters a window of
English prose is about 128 MiniLM tokens (stage 2's `max_len`). The same windows feed stage 1
(every window) and stage 2 (the routed ones). This is not v1's paragraph rule
(`curate.classifiers.windows`).
"""

from __future__ import annotations

import re

_SENT = re.compile(r"[^.!?\n]*(?:[.!?]+[\"')\]]*|\n+|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence, surrounding spaces trimmed; empty ones dropped."""
    out = []
    for m in _SENT.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def windows(text: str, max_chars: int = 512) -> list[tuple[int, int]]:
    """Sentence-packed windows of at most `max_chars` characters, in text order."""
    spans: list[tuple[int, int]] = []
    for s, e in sentences(text):
        while e - s > max_chars:  # cut a long sentence at a space
            cut = text.rfind(" ", s + 1, s + max_chars)
            cut = cut if cut > s else s + max_chars
            spans.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            spans.append((s, e))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and e - out[-1][0] <= max_chars:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
