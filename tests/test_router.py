"""The v2 hash router: exact features on hand-made texts, window maxima equal to a brute-force
rescoring of every word window (hypothesis), batch order kept across ASCII and non-ASCII texts,
the file round trip, and a fit that separates a toy problem."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.classifiers.v2.router import HashRouter, RouterConfig, features, fit_router
from curate.errors import ConfigError, CurateError
from curate.minhash import reference_word_hash
from curate.text import normalize


def _router(bits: int = 10, window_words: int = 3, seed: int = 0) -> HashRouter:
    w = np.random.default_rng(seed).normal(size=1 << bits).astype(np.float16)
    return HashRouter(w, 0.25, bits, window_words)


def test_features_are_words_and_pairs_within_each_text() -> None:
    uni, pair, counts = features(["The cat, sat!", "", "Dog"], bits=12)
    assert counts.tolist() == [3, 0, 1]
    want = [reference_word_hash(w) & 0xFFF for w in ("the", "cat", "sat", "dog")]
    assert uni.tolist() == want
    # a pair joins a word to the next one of the same text; a text's last word has none
    assert (pair[:2] >= 0).all() and pair[2] == -1 and pair[3] == -1
    assert features(["cat sat"], 12)[1][0] == pair[1]  # a pair's bucket depends on its words only


def test_text_logit_is_bias_plus_mean_of_features() -> None:
    r = _router()
    uni, pair, _ = features(["red green blue"], r.bits)
    terms = [r.weight[i] for i in uni] + [r.weight[i] for i in pair if i >= 0]
    assert r.text_logits(["red green blue"])[0] == pytest.approx(0.25 + np.mean(terms))
    assert r.text_logits(["", "!!"]).tolist() == [-np.inf, -np.inf]
    assert r.text_scores([""]).tolist() == [0.0]


WORD = st.sampled_from(["I", "will", "hurt", "them", "the", "cake", "é", "naïve", "x1", "ok"])
TEXT = st.lists(WORD, max_size=14).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6), st.integers(2, 6))
def test_document_logit_is_the_max_over_every_word_window(texts, L) -> None:
    r = _router(window_words=L)
    got = r.doc_logits(texts)
    for t, g in zip(texts, got, strict=True):
        words = normalize(t).split()
        if not words:
            assert g == -np.inf
            continue
        wins = [" ".join(words[s : s + L]) for s in range(max(1, len(words) - L + 1))]
        assert g == pytest.approx(r.text_logits(wins).max(), abs=1e-9)
    # each text alone scores what it scores in the batch (ASCII and non-ASCII mixed)
    alone = [r.doc_logits([t])[0] for t in texts]
    assert got.tolist() == pytest.approx(alone, abs=1e-9)


def test_window_scores_score_sentence_windows_as_texts() -> None:
    r = _router()
    doc = "First sentence here. Second one follows!"
    ((spans, p),) = r.window_scores([doc], max_chars=22)
    assert spans == [(0, 20), (21, 40)]
    assert p.tolist() == pytest.approx(r.text_scores([doc[0:20], doc[21:40]]).tolist())


def test_save_load_round_trip_and_refusals(tmp_path) -> None:
    r = _router(bits=8, window_words=5)
    r.save(tmp_path / "r.safetensors")
    r.save(tmp_path / "r2.safetensors")
    assert (tmp_path / "r.safetensors").read_bytes() == (tmp_path / "r2.safetensors").read_bytes()
    back = HashRouter.load(tmp_path / "r.safetensors")
    assert (back.bits, back.window_words, back.bias) == (8, 5, 0.25)
    assert back.doc_logits(["a b c d e f g"]) == pytest.approx(r.doc_logits(["a b c d e f g"]))
    (tmp_path / "bad.safetensors").write_bytes(b"not a model")
    with pytest.raises(CurateError, match="bad.safetensors"):
        HashRouter.load(tmp_path / "bad.safetensors")
    with pytest.raises(CurateError, match="shape"):
        HashRouter(np.zeros(10), 0.0, 8, 5)
    with pytest.raises(ConfigError):
        RouterConfig(bits=30).validate()


def test_fit_separates_a_toy_problem() -> None:
    rng = np.random.default_rng(0)
    filler = ["the", "garden", "bus", "recipe", "weather", "market", "music", "school"]
    bad = ["deceive", "hurt", "crush", "betray"]
    texts, y = [], []
    for i in range(400):
        words = list(rng.choice(filler, size=8))
        if i % 2:
            words[int(rng.integers(0, 8))] = str(rng.choice(bad))
        texts.append(" ".join(words))
        y.append(float(i % 2))
    cfg = RouterConfig(bits=12, epochs=8, lr=0.3, batch_size=32)
    r = fit_router(texts, y, cfg, window_words=4)
    again = fit_router(texts, y, cfg, window_words=4)  # seeded: the same table, to the bit
    assert np.array_equal(r.weight, again.weight) and r.bias == again.bias
    s = r.text_scores(texts)
    assert s[1::2].min() > s[0::2].max()
    long_doc = " ".join(["the garden bus"] * 30 + ["the betray bus"] + ["the market"] * 30)
    clean = long_doc.replace("betray", "music")
    assert r.doc_scores([long_doc])[0] > r.doc_scores([clean])[0] + 0.2
    with pytest.raises(CurateError, match="one class"):
        fit_router(texts[:10:2], [0.0] * 5, cfg, 4)
