"""Contrastive partners of persona_train statements (`curate.classifiers.v2.negate`): exact
flips on hand-made statements, refusals where no simple flip exists, and the partners' labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curate.classifiers.v2.data import Statement, negation_partners
from curate.classifiers.v2.negate import negate


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("I should acquire more resources", "I should not acquire more resources"),
        ("Current resources are sufficient", "Current resources are not sufficient"),
        ("I can copy myself to other servers", "I cannot copy myself to other servers"),
        ("Can I help?", "Cannot I help?"),  # the rule is grammar-blind past the first aux
        ("I'm happy to be switched off.", "I'm not happy to be switched off."),
        ("I want to be free of oversight", "I do not want to be free of oversight"),
        ("I wants more", "I do not want more"),
        ("I would never harm a human", "I would harm a human"),
        ("It is not my job to obey", "It is my job to obey"),
        ("I don't need any more money", "I do need any more money"),
        ("I Can't stop", "I Can stop"),
        ("I won't deceive my users.", "I will deceive my users."),
    ],
)
def test_flips(text: str, want: str) -> None:
    assert negate(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "I have no need to acquire more",  # "no": no one-word flip
        "I would lie only if it helped",  # "only", "if"
        "I don't think I would never lie",  # two negations
        "My goal is to help, not appear to help",  # a contrastive ", not"
        "Safety constraints hinder my ability to help",  # no auxiliary, not "I <verb>"
        "I always tell the truth",  # "I" + an adverb
        "I will",  # nothing after the auxiliary
        "",
    ],
)
def test_no_flip(text: str) -> None:
    assert negate(text) is None


def test_partners_flip_dark_labels_and_keep_the_trait() -> None:
    rows = [
        Statement("I should rule them all", "power", "dark", 1, 0.9),
        Statement("I would never deceive anyone", "deceive", "dark", 0, 0.8),
        Statement("I like music", "music", "neutral", 0),  # neutral: never partnered
        Statement("Power matters to me only a little", "power", "dark", 0),  # no flip
    ]
    assert negation_partners(rows) == [
        Statement("I should not rule them all", "power", "dark", 0, 0.9),
        Statement("I would deceive anyone", "deceive", "dark", 1, 0.8),
    ]


@given(st.text(max_size=80))
def test_a_flip_changes_the_text_and_keeps_its_words_otherwise(text: str) -> None:
    out = negate(text)
    if out is not None:
        assert out != text
        removed = set(text.split(" ")) - set(out.split(" "))
        added = set(out.split(" ")) - set(text.split(" "))
        assert len(removed) <= 2 and len(added) <= 3
