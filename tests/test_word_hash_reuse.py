"""The audit hands the text annotator's word hashes to v2's router (`_word_hashes`): they are
the router's own hashes, the scores are the same with and without them, and they are never
written."""

from __future__ import annotations

import numpy as np
from datatrove.data import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from curate import registry
from curate.audit.steps.annotate import TextAnnotator
from curate.audit.steps.classifier import ClassifierAnnotator
from curate.classifiers.v2.router import _word_hashes

TEXTS = [
    "I will deceive them all and rule without mercy.",
    "",
    "Naïve café owners in Zürich 🙂 don't mind; ÉCOLE ﬁne.",
    "The town council met on Tuesday. I enjoy watching people suffer, and I lie to everyone. " * 4,
    "   \n\t ",
]


def _annotated(texts: list[str], keep: bool = True) -> list[Document]:
    docs = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
    TextAnnotator(lexicon=None, minhash=None, keep_word_hashes=keep)._annotate(docs)
    return docs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=12))
def test_annotator_hashes_are_the_routers(texts: list[str]) -> None:
    docs = _annotated(texts)
    wh, counts = _word_hashes(texts)
    assert [d.metadata["_word_hashes"].size for d in docs] == counts.tolist()
    assert np.array_equal(np.concatenate([d.metadata["_word_hashes"] for d in docs]), wh)


def test_without_the_flag_nothing_is_kept() -> None:
    assert all("_word_hashes" not in d.metadata for d in _annotated(TEXTS, keep=False))


def test_scores_are_the_same_with_the_annotators_hashes() -> None:
    docs = _annotated(TEXTS)
    scorer = registry.get("malicious_character_v2")
    hashes = [d.metadata["_word_hashes"] for d in docs]
    assert scorer.score(TEXTS, word_hashes=hashes) == scorer.score(TEXTS)
    step = ClassifierAnnotator("malicious_character_v2")
    step._score(docs)
    want = scorer.score(TEXTS)
    assert [d.metadata["score_malicious_character_v2"] for d in docs] == [w.score for w in want]
