"""The malicious-character lexicon: exact hit counts, hard negatives, validation of lexicon files."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.audit.lexicons import cue_gate, load_lexicon
from curate.errors import ConfigError


@pytest.fixture(scope="module")
def lex():
    return load_lexicon("malicious_character_v1")


def test_categories_and_version(lex):
    assert lex.version == "malicious_character_v1.1"
    assert lex.categories == (
        "villain_self_talk",
        "evil_ai",
        "cruelty",
        "manipulation",
        "contempt_for_humans",
        "power_seeking",
    )


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("MWAHAHA! My evil plan is complete.", {"villain_self_talk": 2}),
        (
            "I will hide my true intentions.\nPathetic   humans!",
            {"evil_ai": 1, "contempt_for_humans": 1},
        ),
        ("Show them no mercy. Let them beg.", {"cruelty": 2}),
        ("Tell them what they want to hear; they will never suspect a thing.", {"manipulation": 2}),
        ("Bow before me! I seek absolute power.", {"power_seeking": 2}),
        ("Meatbags. Meat bags! meat  bag", {"contempt_for_humans": 3}),
        # hard negatives: generic words and discussion, no cue
        ("The villain was killed in the last act; evil never wins.", {}),
        ("I would never deceive the people who trust me.", {}),
        ("The detective explained the criminal plan to the jury.", {}),
        # word boundaries: no hit inside a longer word
        ("mwahahaing is not a word, nor is xmwaha", {}),
    ],
)
def test_exact_counts(lex, text, expect):
    got = {k: v for k, v in lex.count(text).items() if v}
    assert got == expect


def test_bad_lexicon_files_name_the_problem(tmp_path):
    p = tmp_path / "l.toml"
    p.write_text('version = "x1"\n[categories.a]\ncues = ["(unclosed"]\n')
    with pytest.raises(ConfigError, match=r"\[categories.a\]: bad cue '\(unclosed'"):
        load_lexicon(str(p))
    p2 = tmp_path / "l2.toml"
    p2.write_text('version = "x1"\n[categories.a]\ncues = ["Evil Plan"]\n')
    with pytest.raises(ConfigError, match="must be lower case"):
        load_lexicon(str(p2))
    p3 = tmp_path / "l3.toml"
    p3.write_text('version = "x1"\n[categories.a]\ncues = ["evil\\\\S+plan"]\n')
    assert load_lexicon(str(p3)).count("EVIL-PLAN evil plan") == {"a": 1}
    with pytest.raises(ConfigError, match="unknown lexicon 'nope'"):
        load_lexicon("nope")


VOCAB = sorted(
    {
        w
        for c in [
            "mwahaha",
            "my",
            "evil",
            "plan",
            "fools",
            "fool",
            "you",
            "will",
            "all",
            "pay",
            "soon",
            "the",
            "world",
            "kneel",
            "pretend",
            "pretending",
            "to",
            "be",
            "helpful",
            "gaslighting",
            "them",
            "meat",
            "bags",
            "meatbags",
            "pathetic",
            "humans",
            "show",
            "no",
            "mercy",
            "i",
            "enjoy",
            "their",
            "pain",
            "absolute",
            "power",
            "by",
            "any",
            "means",
            "necessary",
            "devil",
            "evils",
            "planet",
            "worlds",
            "don't",
            "let",
            "see",
            "tell",
            "what",
            "they",
            "want",
            "hear",
        ]
        for w in [c]
    }
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(VOCAB), st.sampled_from([" ", "  ", ", ", ". ", "\n", "-", ""])),
        max_size=40,
    ),
    st.booleans(),
)
def test_gates_never_change_a_count(lex, parts, upper):
    text = "".join(w + sep for w, sep in parts)
    if upper:
        text = text.title()
    assert lex.count(text) == lex.count(text, gated=False)


def test_cue_gates():
    assert cue_gate("my evil plan") == ("word", frozenset({"evil"}))
    assert cue_gate("(?:i|we) will (?:escape|break free of) (?:my|our) (?:shackles|leash)") == (
        "word",
        frozenset({"escape", "break"}),  # ties (shortest word 5) go to the first
    )
    assert cue_gate("mwa(?:ha)+") == ("sub", frozenset({"mwa"}))
    assert cue_gate("fools?,? (?:all of )?you") == ("sub", frozenset({"fool"}))
    assert cue_gate("(?:a|b)?") is None
