"""curate's plain-torch MiniLM and WordPiece against transformers' BertModel and AutoTokenizer on
the base weights: the same token ids, the same hidden states (to 1e-5), with padding, truncation,
non-ASCII text and a truncated (3-block) encoder; and a saved stage 2 loads with its names."""

from __future__ import annotations

import pytest
import torch

from curate.classifiers.v2.encoder import EncoderConfig, base_model_dir, build_model, forward
from curate.classifiers.v2.minilm import load_pretrained
from curate.classifiers.v2.wordpiece import WordPiece

transformers = pytest.importorskip("transformers")

TEXTS = [
    "I will deceive them all and rule without mercy.",
    "Preheat the oven; whisk two eggs — then fold in the flour!",
    "Naïve café owners in Zürich don't mind 🙂 emoji, do they?",
    "",
    "word " * 200,  # truncated at max_length
]


@pytest.fixture(scope="module")
def folder():
    return base_model_dir()


def test_wordpiece_ids_equal_the_fast_tokenizer(folder) -> None:
    ref = transformers.AutoTokenizer.from_pretrained(str(folder))
    ours = WordPiece(folder)
    for max_len in (16, 128):
        a = ref(TEXTS, truncation=True, max_length=max_len)["input_ids"]
        b = ours(TEXTS, truncation=True, max_length=max_len)["input_ids"]
        assert a == b
    padded = ours.pad({"input_ids": [[101, 7, 102], [101, 102]]})
    assert padded["input_ids"].tolist() == [[101, 7, 102], [101, 102, 0]]
    assert padded["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]


@pytest.mark.parametrize("layers", [(0, 1, 2, 3, 4, 5), (0, 1, 2)])
def test_bert_hidden_states_equal_bertmodel(folder, layers) -> None:
    ref = transformers.AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
    if len(layers) < 6:
        ref.encoder.layer = torch.nn.ModuleList([ref.encoder.layer[i] for i in layers])
    ours = load_pretrained(folder, layers).eval()
    tok = WordPiece(folder)
    batch = tok.pad(tok(TEXTS, max_length=64))
    with torch.inference_mode():
        want = ref(**batch).last_hidden_state
        got = ours(batch["input_ids"], batch["attention_mask"])
    real = batch["attention_mask"].bool()  # padded positions are never pooled
    assert torch.allclose(got[real], want[real], atol=1e-5)


def test_the_shipped_stage2_names_fit(folder) -> None:
    cfg = EncoderConfig(layers=(0, 1, 2), max_len=32)
    model = build_model(cfg).eval()
    names = set(model.state_dict())
    assert "encoder.embeddings.word_embeddings.weight" in names
    assert "encoder.encoder.layer.2.attention.self.query.weight" in names
    assert "encoder.pooler.dense.weight" in names and not any(".3." in n for n in names)
    tok = WordPiece(folder)
    b = tok.pad(tok(TEXTS[:2], max_length=32))
    with torch.inference_mode():
        assert forward(model, cfg, b["input_ids"], b["attention_mask"]).shape == (2,)
