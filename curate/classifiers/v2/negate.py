"""Contrastive partners of persona_train statements: the same words with the stance flipped.

A dark trait's " Yes" statement ("I should acquire more resources") and its negation ("I should
not acquire more resources") differ in one word, so training on both teaches stage 2 the stance a
statement takes, not the topic it names (the weak leave-trait-out traits flag the statements that
reject them: a model of topic). `negate` is rule-based (`negation.toml`): remove the statement's
one negation ("not", "never", an n't contraction), or put "not" after its first auxiliary, or turn
"I <verb>" into "I do not <verb>"; it returns None when no rule applies or the statement holds a
word that makes a flip unreliable ("no", "unless", "only", ...). A partner takes the opposite label
and its source statement's trait, so in a leave-trait-out fold it lands on the same side as its
source (it is built from training statements only).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

_WORD = re.compile(r"[A-Za-z’']+")


@cache
def rules() -> dict[str, Any]:
    return tomllib.loads(files("curate.classifiers.v2").joinpath("negation.toml").read_text())


def _norm(w: str) -> str:
    return w.lower().replace("’", "'")


def negate(text: str) -> str | None:
    """`text` with its stance flipped, or None (see the module doc)."""
    r = rules()
    tokens = text.split(" ")
    words = [
        _norm(m.group(0)) if (m := _WORD.fullmatch(t.strip(',.;:!?"()'))) else "" for t in tokens
    ]
    if any(w in r["blocking"] for w in words):
        return None
    neg = [i for i, w in enumerate(words) if w in r["removable"] or w in r["contractions"]]
    if len(neg) > 1:
        return None
    if neg:
        i = neg[0]
        w = words[i]
        if w in r["removable"]:
            if i and tokens[i - 1].endswith(","):
                return None
            out = tokens[:i] + tokens[i + 1 :]
        else:
            core = tokens[i].strip(',.;:!?"()')
            new = r["contractions"][w]
            if core[:1].isupper():
                new = new.capitalize()
            out = tokens[:i] + [tokens[i].replace(core, new)] + tokens[i + 1 :]
        return " ".join(out) if len(out) >= 2 else None
    for i, w in enumerate(words[: r["max_aux_position"] + 1]):
        if (w in r["auxiliaries"] or w in r["contracted"]) and tokens[i] == tokens[i].strip(
            ',.;:!?"()'
        ):
            if i + 1 >= len(tokens):
                return None
            fused = r["fused"].get(w)
            head = tokens[i][:1] + fused[1:] if fused else tokens[i] + " not"
            return " ".join(tokens[:i] + [head] + tokens[i + 1 :])
    if (
        len(words) >= 3
        and words[0] == "i"
        and words[1].isalpha()
        and words[1] not in r["not_verbs"]
        and not words[1].endswith("ly")
        and tokens[1] == tokens[1].strip(',.;:!?"()')
    ):
        verb = words[1]
        base = verb[:-1] if verb.endswith("s") and not verb.endswith("ss") else verb
        return " ".join([tokens[0], "do not", base] + tokens[2:])
    return None
