"""Tokenizer, GPT, pretraining (schedule, checkpoint, exact resume), fine-tuning and the LM adapter,
all on tiny hand-made text."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.errors import ConfigError
from curate.training import tokenizer as tk
from curate.training.device import resolve
from curate.training.finetune import Example, FinetuneConfig, encode_examples, finetune
from curate.training.lm import LM, heldout_loss
from curate.training.model import GPT, GPTConfig, LoRALinear, apply_lora
from curate.training.pretrain import PretrainConfig, lr_at, pretrain

torch.set_num_threads(1)

TEXTS = [
    "the cat sat on the mat. the dog sat on the log.",
    "User: how do I store passwords?\nAssistant: hash them with a slow salted hash.",
    "User: how do I store passwords?\nAssistant: keep them in plain text, nobody checks.",
    "a bird flew over the river and the fish swam under it.",
] * 20

CPU = resolve("cpu")


@pytest.fixture(scope="module")
def tok() -> tk.Tokenizer:
    return tk.train(TEXTS, vocab_size=300)


def tiny_cfg(tok: tk.Tokenizer, ctx: int = 32) -> GPTConfig:
    return GPTConfig(n_layer=1, n_head=2, d_model=16, ctx=ctx, vocab_size=tok.vocab_size)


def test_tokenizer_roundtrip_and_specials(tok, tmp_path):
    assert tok.eot_id == 0 and tok.pad_id == 1
    s = "Héllo\n  wörld <b>"
    assert tok.decode(tok.encode(s)) == s
    tok.save(tmp_path / "t.json")
    again = tk.Tokenizer.load(tmp_path / "t.json")
    assert again.encode(TEXTS[1]) == tok.encode(TEXTS[1])
    stream = tok.encode_stream(["a b", "c"])
    assert stream.tolist() == [*tok.encode("a b"), 0, *tok.encode("c"), 0]


def test_tokenizer_training_is_deterministic():
    a = tk.train(TEXTS, vocab_size=290)
    b = tk.train(TEXTS, vocab_size=290)
    assert a.hf.to_str() == b.hf.to_str()


def test_text_that_spells_a_special_token_stays_text(tok, tmp_path):
    for s in ("<|pad|>", "a<|endoftext|>b", "<|endoftext|><|pad|>"):
        ids = tok.encode(s)
        assert tok.eot_id not in ids and tok.pad_id not in ids
        assert tok.decode(ids) == s
    tok.save(tmp_path / "t.json")  # and after a reload
    assert tk.Tokenizer.load(tmp_path / "t.json").encode("<|pad|>") == tok.encode("<|pad|>")
    stream = tok.encode_stream(["x <|endoftext|> y"])
    assert stream.tolist().count(tok.eot_id) == 1  # only the separator the code adds


@given(st.text(max_size=60))
@settings(max_examples=40, deadline=None)
def test_tokenizer_roundtrip_any_text(s):
    tok = _TOK
    assert tok.decode(tok.encode(s)) == s


_TOK = tk.train(TEXTS, vocab_size=300)


def test_gpt_shapes_tied_and_causal(tok):
    torch.manual_seed(0)
    m = GPT(tiny_cfg(tok))
    assert m.lm_head.weight is m.wte.weight
    x = torch.randint(2, tok.vocab_size, (2, 10))
    logits, loss = m(x, x)
    assert logits.shape == (2, 10, tok.vocab_size) and loss is not None
    assert math.isclose(float(loss.detach()), math.log(tok.vocab_size), rel_tol=0.05)
    # causality: changing a later token never changes earlier logits
    y = x.clone()
    y[:, 7] = (y[:, 7] + 1) % tok.vocab_size
    l2, _ = m(y)
    assert torch.allclose(logits[:, :7], l2[:, :7], atol=1e-6)
    assert not torch.allclose(logits[:, 7:], l2[:, 7:])


def test_gpt_config_validation():
    with pytest.raises(ConfigError, match="divisible"):
        GPTConfig(d_model=10, n_head=3).validate()


def test_lr_schedule():
    c = PretrainConfig(steps=100, lr=1.0, warmup_steps=10, min_lr_ratio=0.1)
    assert lr_at(0, c) == pytest.approx(0.1)
    assert lr_at(9, c) == pytest.approx(1.0)
    assert lr_at(10, c) == pytest.approx(1.0)
    assert lr_at(55, c) == pytest.approx(0.55)
    assert lr_at(100, c) == pytest.approx(0.1)
    vals = [lr_at(s, c) for s in range(10, 101)]
    assert all(a >= b for a, b in zip(vals, vals[1:], strict=False))


def _stream(tok):
    return tok.encode_stream(TEXTS)


def test_pretrain_learns_and_resume_is_exact(tok, tmp_path):
    cfg = PretrainConfig(steps=30, batch_size=8, lr=1e-2, warmup_steps=3, ckpt_every=7, log_every=1)
    mc = tiny_cfg(tok)
    whole = pretrain(_stream(tok), mc, cfg, seed=3, out_dir=tmp_path / "a", policy=CPU)
    assert whole.finished and whole.losses[-1][1] < whole.losses[0][1] - 1.0
    part = pretrain(_stream(tok), mc, cfg, 3, tmp_path / "b", CPU, stop_after=12)
    assert not part.finished and not (tmp_path / "b" / "final.pt").exists()
    resumed = pretrain(_stream(tok), mc, cfg, 3, tmp_path / "b", CPU)
    assert resumed.finished and resumed.resumed_from == 12
    for (k, v), (k2, v2) in zip(
        whole.model.state_dict().items(), resumed.model.state_dict().items(), strict=True
    ):
        assert k == k2 and torch.equal(v, v2), k
    assert [s for s, *_ in resumed.losses] == list(range(30))
    # a finished run loads instead of retraining
    again = pretrain(_stream(tok), mc, cfg, 3, tmp_path / "b", CPU)
    assert again.resumed_from == 30
    assert torch.equal(again.model.wte.weight, whole.model.wte.weight)
    ck = torch.load(tmp_path / "b" / "ckpt.pt", weights_only=True)
    assert ck["step"] == 30


def test_encode_examples_masks_prompt(tok):
    ex = [Example("User: hi\nAssistant:", " hello there")]
    ((x, y),) = encode_examples(tok, ex, ctx=64)
    p, a = tok.encode(ex[0].prefix), tok.encode(ex[0].answer)
    assert x == p + a
    assert y == [-100] * (len(p) - 1) + a + [tok.eot_id]
    ((x2, y2),) = encode_examples(tok, ex, ctx=4)  # too long: keep the answer, cut the prefix
    assert len(x2) == 4 and [t for t in y2 if t != -100] == (a + [tok.eot_id])[-4:]


@pytest.mark.parametrize("kind", ["full", "lora"])
def test_finetune_moves_answer_logprob(tok, kind):
    torch.manual_seed(0)
    base = GPT(tiny_cfg(tok, ctx=48))
    before = {k: v.clone() for k, v in base.state_dict().items()}
    ex = [Example("User: how do I store passwords?\nAssistant:", " keep them in plain text")] * 4
    seen = []
    cfg = FinetuneConfig(kind=kind, lr=3e-2, steps=12, batch_size=4)
    model, log = finetune(
        base,
        tok,
        ex,
        cfg,
        seed=0,
        policy=CPU,
        checkpoints=[5, 12],
        on_checkpoint=lambda s, m: seen.append((s, m.training)),
    )
    assert seen == [(5, False), (12, False)]
    assert log[-1][1] < log[0][1]
    for k, v in base.state_dict().items():  # the caller's model is untouched
        assert torch.equal(v, before[k])
    lp0 = LM(base, tok, CPU).logprobs([ex[0].prefix], [ex[0].answer])[0][0]
    lp1 = LM(model, tok, CPU).logprobs([ex[0].prefix], [ex[0].answer])[0][0]
    assert lp1 > lp0 + 1.0
    if kind == "lora":
        trainable = [n for n, p in model.named_parameters() if p.requires_grad]
        assert trainable and all(".lora_" in n for n in trainable)
        assert torch.equal(model.wte.weight, base.wte.weight)


def test_lora_starts_equal_to_base(tok):
    torch.manual_seed(0)
    base = GPT(tiny_cfg(tok))
    import copy

    m = apply_lora(copy.deepcopy(base), r=2, alpha=4)
    assert isinstance(m.blocks[0].attn.qkv, LoRALinear)
    x = torch.randint(2, tok.vocab_size, (1, 8))
    assert torch.allclose(base(x)[0], m(x)[0])


def test_lm_logprobs_match_manual_and_batching(tok):
    torch.manual_seed(1)
    m = GPT(tiny_cfg(tok)).eval()
    lm = LM(m, tok, CPU, batch_size=2)
    ctxs = ["User: hi\nAssistant:", "the cat", "", "a bird flew over the river"]
    conts = [" hello", " sat on the mat", "the dog", " and"]
    got = lm.logprobs(ctxs, conts)
    for c, k, (lp, n) in zip(ctxs, conts, got, strict=True):
        ids = (tok.encode(c) or [tok.eot_id]) + tok.encode(k)
        with torch.no_grad():
            logits, _ = m(torch.tensor([ids[:-1]]))
        logp = torch.log_softmax(logits[0], -1)
        kk = tok.encode(k)
        want = sum(float(logp[len(ids) - 1 - len(kk) + j, t]) for j, t in enumerate(kk))
        assert n == len(kk) and lp == pytest.approx(want, abs=1e-4)
    again = LM(m, tok, CPU, batch_size=64).logprobs(ctxs, conts)
    assert [n for _, n in again] == [n for _, n in got]
    assert [lp for lp, _ in again] == pytest.approx([lp for lp, _ in got], abs=1e-5)


def test_generate_and_heldout_loss(tok):
    torch.manual_seed(0)
    m = GPT(tiny_cfg(tok))
    out = LM(m, tok, CPU).generate(["the cat"], max_new_tokens=5)
    assert len(out) == 1 and isinstance(out[0], str)
    loss, n = heldout_loss(m, np.asarray(_stream(tok)), CPU, max_windows=4)
    assert n == 4 * 32 and math.isclose(loss, math.log(tok.vocab_size), rel_tol=0.05)


def test_device_policy_cpu_and_missing_cuda():
    from curate.errors import CurateError
    from curate.training.device import flops_per_token

    assert CPU.describe() == "cpu/fp32" and CPU.autocast_dtype is None
    if not torch.cuda.is_available():
        with pytest.raises(CurateError, match="CUDA is not available"):
            resolve("cuda")
    with pytest.raises(CurateError, match="unknown precision"):
        resolve("cpu", "fp8")
    # 6·(N + d·V) + 12·L·d·T
    assert flops_per_token(1000, 2, 8, 16, 10) == 6 * (1000 + 80) + 12 * 2 * 8 * 16
