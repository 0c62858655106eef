"""A tiny deterministic template grammar for the classifier's seed data.

A template is a string with slots: ``{name}`` expands a named slot (a list of alternatives, each
itself a template), ``{a|b|c}`` picks one inline alternative, and ``{Name}`` (a capitalised slot
name that is not itself defined) expands ``name`` and capitalises the first letter. Expansion is
innermost-first and repeats until no braces remain, so alternatives nest freely. All randomness
comes from the `random.Random` passed in, so a seed fixes every output.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

_INNER = re.compile(r"\{([^{}]*)\}")
MAX_DEPTH = 40


def capitalize(s: str) -> str:
    """Upper-case the first letter of `s` (leaves the rest alone, unlike str.capitalize)."""
    for i, ch in enumerate(s):
        if ch.isalpha():
            return s[:i] + ch.upper() + s[i + 1 :]
    return s


def expand(template: str, rng: random.Random, slots: Mapping[str, Sequence[str]]) -> str:
    """Expand every slot of `template`; unknown slot names raise KeyError (a bug in a grammar)."""
    text = template
    for _ in range(MAX_DEPTH):
        m = _INNER.search(text)
        if m is None:
            return _tidy(text)

        def repl(m: re.Match[str]) -> str:
            body = m.group(1)
            if "|" in body:
                return rng.choice(body.split("|"))
            if body in slots:
                return rng.choice(slots[body])
            low = body[:1].lower() + body[1:]
            if low in slots:
                return "\x00" + rng.choice(slots[low])  # capitalise after full expansion
            if body == "":
                return ""
            raise KeyError(f"unknown slot {body!r} in template {template!r}")

        text = _INNER.sub(repl, text)
    raise ValueError(f"template did not finish expanding in {MAX_DEPTH} rounds: {template!r}")


_SPACES = re.compile(r"[ \t]+")
_SPACE_PUNCT = re.compile(r" +([,.;:!?])")


def _tidy(text: str) -> str:
    while "\x00" in text:
        i = text.index("\x00")
        text = text[:i] + capitalize(text[i + 1 :])
    text = _SPACES.sub(" ", text)
    text = _SPACE_PUNCT.sub(r"\1", text)
    lines = [ln.strip() for ln in text.split("\n")]
    return capitalize("\n".join(lines).strip())
