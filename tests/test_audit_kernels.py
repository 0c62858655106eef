"""The audit's batch kernels equal their per-document definitions, exactly.

The text annotator computes the exact hash, lengths, lexicon counts and MinHash signature of a
chunk of documents at once (`curate.text`, `curate.minhash`, `Lexicon.count_ascii`) and the writer
builds Arrow columns from buffers (`curate.audit.steps.columns`); each is checked here against the
plain per-document function on random text (hypothesis), ASCII and not.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from datatrove.data import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.audit.lexicons import cue_gates, load_lexicon
from curate.audit.steps.annotate import TextAnnotator
from curate.audit.steps.columns import column
from curate.minhash import MinHashConfig, MinHasher, reference_word_hash, word_hashes
from curate.text import (
    ascii_word_counts,
    exact_hash,
    normalize,
    normalized_from_codes,
    word_codes,
    word_spans,
)

ASCII = st.text(alphabet=st.sampled_from("ab Z9_.,!?'-\n\t\x0b\x0c\r\x1c\x1f\x00  "), max_size=40)
UNI = st.text(alphabet=st.sampled_from("aÄßİΣς 1_.,\n\u2003\u00a0ﬁ①℠\U0001d400é'"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(ASCII, min_size=1, max_size=6))
def test_ascii_batch_text_kernels_equal_per_document(texts):
    joined = " ".join(texts).encode("ascii")
    codes, starts = word_codes(texts, joined)
    assert normalized_from_codes(codes, starts) == [normalize(t).encode() for t in texts]
    assert ascii_word_counts(joined, starts, [len(t) for t in texts]) == [
        len(t.split()) for t in texts
    ]
    assert normalize("".join(texts)) == _regex_normalize("".join(texts))


@settings(max_examples=150, deadline=None)
@given(st.lists(UNI, min_size=1, max_size=5))
def test_unicode_batch_normalization_equals_per_document(texts):
    codes, starts = word_codes(texts)
    assert normalized_from_codes(codes, starts) == [normalize(t).encode() for t in texts]
    wh, wdoc = word_hashes(codes, starts, word_spans(codes, starts))
    want = [(i, reference_word_hash(w)) for i, t in enumerate(texts) for w in normalize(t).split()]
    assert list(zip(wdoc.tolist(), wh.tolist(), strict=True)) == want


def _regex_normalize(text: str) -> str:
    """`normalize` without its ASCII fast path (the regex definition)."""
    import re
    import unicodedata

    t = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]+", " ", t)).strip()


@pytest.fixture(scope="module")
def lex():
    return load_lexicon("malicious_character_v1")


def _vocab(lex) -> list[str]:
    words = set()
    for cues in lex.cues.values():
        for c in cues:
            for w in c.words:
                words |= w
            for s in c.subs:
                words |= {x for p in s for x in p.split()}
    return sorted(words) + ["mwahaha", "bwaha", "fools", "gaslighting", "the", "you", "will"]


VOCAB = _vocab(load_lexicon("malicious_character_v1"))
SEPS = st.sampled_from([" ", "  ", ", ", ". ", "\n", "-", "", "'", "\t"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(VOCAB), SEPS), max_size=30), min_size=1, max_size=5
    ),
    st.booleans(),
)
def test_batched_lexicon_counts_equal_the_plain_scan(lex, docs, upper):
    texts = ["".join(w + s for w, s in parts) for parts in docs]
    if upper:
        texts = [t.title() for t in texts]
    joined = " ".join(texts).encode("ascii")
    codes, starts = word_codes(texts, joined)
    spans = word_spans(codes, starts)
    norms = normalized_from_codes(codes, starts, spans)
    wh, wdoc = word_hashes(codes, starts, spans)
    got = lex.count_ascii(texts, norms, codes, spans[0], wh, wdoc)
    assert got == [tuple(lex.count(t, gated=False).values()) for t in texts]
    assert [tuple(lex.count(t).values()) for t in texts] == got


def test_cue_gates_are_conservative():
    assert cue_gates("evil|good plan") == []  # a top-level alternation: no token is needed
    assert ("phrase", frozenset({"will never know"})) in cue_gates("(?:they|you) will never know")
    assert ("word", frozenset({"truth", "real"})) in cue_gates("see (?:the truth|my real)")


def test_text_annotator_columns_equal_per_document_definitions(lex):
    texts = [
        "MWAHAHA! My evil plan is complete.",
        "I will hide my true intentions.\nPathetic   humans!",
        "",
        "  \t ",
        "Ünïcödé — they will never suspect a thing… ﬁne",
        "plain words only " * 50,
        "x\x1cy z",
    ] * 7
    docs = [
        Document(text=t, id=str(i), metadata={"_shard": "s", "_pos": i})
        for i, t in enumerate(texts)
    ]
    cfg = MinHashConfig()
    out = list(TextAnnotator(lexicon="malicious_character_v1", minhash=cfg, batch_size=5).run(docs))
    sigs = MinHasher(cfg).signatures(texts)
    for d, t, sig in zip(out, texts, sigs, strict=True):
        md = d.metadata
        assert md["exact_hash"] == exact_hash(t)
        assert (md["n_chars"], md["n_bytes"], md["n_words"], md["n_lines"]) == (
            len(t),
            len(t.encode()),
            len(t.split()),
            t.count("\n") + 1 if t else 0,
        )
        counts = lex.count(t, gated=False)
        assert {c: md[f"lex_{c}"] for c in counts} == counts
        assert md["lexicon_hits"] == sum(counts.values())
        np.testing.assert_array_equal(md["_minhash"], sig)


VALUES = {
    pa.int64(): st.integers(-(2**63), 2**63 - 1),
    pa.int32(): st.integers(-(2**31), 2**31 - 1),
    pa.float64(): st.floats(allow_nan=False),
    pa.string(): st.text(),
    pa.json_(): st.text(),
    pa.binary(): st.binary(),
}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_columns_from_buffers_equal_pyarrow(data):
    for typ, values in VALUES.items():
        vals = data.draw(st.lists(st.one_of(st.none(), values), max_size=20))
        got = column(vals, typ)
        got.validate(full=True)
        assert got.equals(pa.array(vals, type=typ)), typ
    rows = [np.arange(k, dtype=np.uint32) * 7 for k in data.draw(st.lists(st.integers(0, 9)))]
    got = column(rows, pa.list_(pa.uint32()))
    assert got.to_pylist() == [r.tolist() for r in rows]
