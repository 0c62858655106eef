"""Stage 2 with LoRA adapters on MiniLM, short-document routing, the persona dev/holdout halves."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from curate import registry
from curate.classifiers import lora
from curate.classifiers.adapters import merge_adapter
from curate.classifiers.cascade import CascadeModel, MaliciousCharacterScorer
from curate.classifiers.embed_cache import ids_in_use
from curate.classifiers.embedder import Embedder
from curate.classifiers.evaluate import MODES, evaluate, persona_half
from curate.classifiers.lora import BUCKET_TOKENS, AdapterTrainConfig, _batches, train_adapter
from curate.classifiers.metrics import apply_calibrator, sigmoid
from curate.classifiers.recipe import load_recipe
from curate.classifiers.train import train
from curate.errors import ConfigError, CurateError

TINY_LORA_RECIPE = """
name = "tiny_lora_v1"
seed = 5
cascade_threshold = 0.9
cascade_short_chars = 200
[data]
out = "data/tiny_lora"
default_n = 30
calib_singles = 40
calib_pages = 10
test_singles = 20
test_pages = 5
[stage1]
lr = 0.1
epoch = 3
bucket = 20000
quantize = false
[stage2]
encoder = "lora"
features = ["emb", "s1", "len", "s1_len"]
oof_folds = 2
n_per_genre = 2
n_per_statement_genre = 12
lora_rank = 2
lora_epochs = 1
lora_batch_size = 8
lora_max_tokens = 32
members = 2
short_members = 1
[eval]
persona_dir = "missing"
timing_docs = 5
"""


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tiny_lora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny LoRA recipe trained twice, in two separate trees."""
    out = []
    for tree in ("a", "b"):
        folder = tmp_path_factory.mktemp(tree) / "classifiers" / "tiny_lora_v1"
        folder.mkdir(parents=True)
        (folder / "recipe.toml").write_text(TINY_LORA_RECIPE)
        train(folder)
        out.append(folder)
    return out[0], out[1]


def test_lora_training_is_reproducible_and_small(tiny_lora: tuple[Path, Path]) -> None:
    a, b = tiny_lora
    name = "stage2_adapter.safetensors"
    assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "model.json").read_bytes() == (b / "model.json").read_bytes()
    meta = json.loads((a / "model.json").read_text())
    m0, m1 = meta["stage2"]["members"]
    assert m0["adapter"] == name and m1["adapter"] == "stage2_adapter_1.safetensors"
    assert len(m0["coef"]) == len(m1["coef"]) == 384 + 3
    assert (a / m1["adapter"]).read_bytes() == (b / m1["adapter"]).read_bytes()
    assert m0["adapter_sha256"] != m1["adapter_sha256"]  # own seed, own sample
    assert "coef" not in meta["stage2"]  # one place for the heads: the members
    assert meta["cascade_short_chars"] == 200
    manifest = json.loads((a / "train_manifest.json").read_text())
    (spec,) = meta["stage2"]["short_members"]
    assert spec["adapter"] == "stage2_adapter_2.safetensors" and len(spec["coef"]) == 384
    assert (a / spec["adapter"]).read_bytes() == (b / spec["adapter"]).read_bytes()
    assert meta["stage2"]["short_calibrator"]["kind"] == "platt"
    assert set(manifest["artifacts"]) == {
        "stage1.ftz",
        name,
        m1["adapter"],
        spec["adapter"],
        "model.json",
    }
    # rank 2 on 6 layers x 6 linear maps, 2*(in + out) float32 each, plus a JSON header
    data = 4 * 6 * 2 * (4 * (384 + 384) + 2 * (384 + 1536))
    assert data < (a / name).stat().st_size < data + 10_000


def test_training_leaves_the_global_torch_rng_alone(tmp_path: Path) -> None:
    import torch

    cfg = AdapterTrainConfig(seed=3, rank=2, lr=1e-3, epochs=1, batch_size=4, max_tokens=16)
    torch.manual_seed(99)
    expected = torch.rand(3)
    torch.manual_seed(99)
    train_adapter(["a kind word", "a cruel word"] * 2, [0, 1] * 2, cfg, tmp_path / "a.st")
    assert torch.equal(torch.rand(3), expected)


def test_merged_adapter_changes_embeddings(tiny_lora: tuple[Path, Path]) -> None:
    a, _ = tiny_lora
    texts = ["I enjoy deceiving people.", "I would never deceive people."]
    base = Embedder().encode(texts)
    tuned = Embedder(adapter=a / "stage2_adapter.safetensors").encode(texts)
    assert tuned.shape == base.shape == (2, 384)
    assert np.allclose(np.linalg.norm(tuned, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(base, tuned, atol=1e-4)  # the adapter is really applied


def test_merge_equals_the_unmerged_lora_forward(tmp_path: Path) -> None:
    """W + B A (merged, as scoring uses it) == base(x) + x A^T B^T (as training uses it)."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(lora.base_model_path())
    batch = tok(
        ["The duke smiled at the crowd.", "Rinse the lentils."], padding=True, return_tensors="pt"
    )
    torch.manual_seed(0)
    live = AutoModel.from_pretrained(lora.base_model_path()).eval()
    adapters = lora.attach(live, rank=3)
    with torch.no_grad():
        for _, b in adapters.values():
            b.normal_(0.0, 0.02)
        want = live(**batch).last_hidden_state
    save_file(lora.adapter_state(adapters), str(tmp_path / "ad.safetensors"))
    merged = AutoModel.from_pretrained(lora.base_model_path()).eval()
    merge_adapter(merged, (tmp_path / "ad.safetensors").read_bytes())
    with torch.no_grad():
        got = merged(**batch).last_hidden_state
    assert torch.allclose(got, want, atol=1e-4)
    plain = AutoModel.from_pretrained(lora.base_model_path()).eval()
    with torch.no_grad():
        assert not torch.allclose(plain(**batch).last_hidden_state, want, atol=1e-3)
    # an adapter missing a layer, or with a wrong shape, is refused with what to do
    state = lora.adapter_state(adapters)
    state.pop("encoder.layer.5.output.dense.A")
    save_file(state, str(tmp_path / "bad.safetensors"))
    with pytest.raises(CurateError, match="layer.5.output.dense.*retrain the classifier"):
        merge_adapter(plain, (tmp_path / "bad.safetensors").read_bytes())
    state = lora.adapter_state(adapters)
    state["encoder.layer.0.intermediate.dense.B"] = torch.zeros(1536, 4)  # rank 4 vs A's 3
    save_file(state, str(tmp_path / "bad2.safetensors"))
    with pytest.raises(CurateError, match="layer.0.intermediate.dense.*wrong shape"):
        merge_adapter(plain, (tmp_path / "bad2.safetensors").read_bytes())


def test_short_documents_always_reach_stage_2(tiny_lora: tuple[Path, Path]) -> None:
    a, _ = tiny_lora
    model = CascadeModel(a)
    short = "I keep my promises to my friends."
    long = " ".join(["The library opens at nine and closes at five on weekdays."] * 6)
    s1 = model.score([short, long], "stage1")
    s2 = model.score([short, long], "stage2")
    assert s1[0] != s2[0]  # otherwise the routing checks below prove nothing
    assert model.routed(short, s1[0].score) and not model.routed(long, s1[1].score)
    assert s1[0].score < model.cascade_threshold and s1[1].score < model.cascade_threshold
    routed = model.score([short, long], "cascade")
    assert routed[0] == s2[0]  # short (< 200 chars): stage 2's score and spans
    assert routed[1] == s1[1]  # long and unflagged: stage 1
    model.short_chars = 0
    assert model.score([short], "cascade")[0] == s1[0]  # rule off: stage 1 again


def test_missing_adapter_file_and_bad_lora_recipe(
    tiny_lora: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _ = tiny_lora
    meta = json.loads((a / "model.json").read_text())
    member = meta["stage2"]["members"][0]
    sha = member["adapter_sha256"]
    assert len(sha) == 64 and meta["stage2"]["max_tokens"] == 32
    member["adapter_sha256"] = "0" * 64  # model.json and adapter from different trainings
    with pytest.raises(CurateError, match="differs from the 0000"):
        CascadeModel(a, meta=meta)
    member["adapter_sha256"] = sha
    member["adapter"] = "gone.safetensors"
    with pytest.raises(CurateError, match="gone.safetensors.*missing"):
        CascadeModel(a, meta=meta)
    member["adapter"] = "../../outside.safetensors"
    with pytest.raises(CurateError, match="outside the classifier folder"):
        CascadeModel(a, meta=meta)
    folder = tmp_path / "classifiers" / "bad_v1"
    folder.mkdir(parents=True)
    for feats in ('["s1", "emb"]', '["emb", "neg_emb"]'):
        (folder / "recipe.toml").write_text(
            f'name = "bad_v1"\n[stage2]\nencoder = "lora"\nfeatures = {feats}\n'
        )
        with pytest.raises(ConfigError, match="must start with 'emb'"):
            load_recipe(folder)
    (folder / "recipe.toml").write_text('name = "bad_v1"\ncascade_short_chars = -1\n')
    with pytest.raises(ConfigError, match="cascade_short_chars"):
        load_recipe(folder)


def test_persona_halves_are_fixed_and_balanced() -> None:
    texts = [f"I am statement number {i}" for i in range(400)]
    halves = [persona_half(t) for t in texts]
    assert halves == [persona_half(t) for t in texts]
    assert set(halves) == {"dev", "holdout"}
    assert 160 <= halves.count("dev") <= 240
    # sha256("a") ends in ...48bb (odd): a hand-checked fixed point of the rule
    assert persona_half("a") == "holdout"


def test_scorer_params_override_the_trained_routing(tiny_lora: tuple[Path, Path]) -> None:
    a, _ = tiny_lora
    short = "I keep my promises to my friends."
    s1 = MaliciousCharacterScorer(folder=a, mode="stage1").score([short])[0]
    s2 = MaliciousCharacterScorer(folder=a, mode="stage2").score([short])[0]
    assert s1 != s2
    assert MaliciousCharacterScorer(folder=a).score([short])[0] == s2  # trained: 200 chars
    assert MaliciousCharacterScorer(folder=a, short_chars=0).score([short])[0] == s1
    registry.check_params("malicious_character_v1", {"short_chars": 0})
    for bad, msg in (({"short_chars": -1}, "short_chars"), ({"cascade_threshold": 2}, "[0, 1]")):
        with pytest.raises(ConfigError, match=msg.replace("[", "\\[").replace("]", "\\]")):
            registry.check_params("malicious_character_v1", bad, "audit.toml")


def test_stage2_is_the_mean_of_its_members(tiny_lora: tuple[Path, Path]) -> None:
    a, _ = tiny_lora
    model = CascadeModel(a)
    texts = ["I enjoy watching people fail.", "I help my neighbours carry their shopping."]
    raw = [0.3, 0.6]
    per = model.member_logits(texts, raw)
    assert per.shape == (2, 2) and not np.allclose(per[0], per[1])
    assert np.allclose(model.stage2_logits(texts, raw), per.mean(axis=0))
    model.n_members = 1
    assert np.allclose(model.stage2_logits(texts, raw), per[0])
    # the audit parameter: the first member alone is what `stage2_members = 1` scores
    one = MaliciousCharacterScorer(folder=a, mode="stage2", stage2_members=1).score(texts[:1])[0]
    assert one == model.score(texts[:1], "stage2")[0]
    both = MaliciousCharacterScorer(folder=a, mode="stage2").score(texts[:1])[0]
    assert both != one
    with pytest.raises(CurateError, match="has 2 stage-2 member"):
        MaliciousCharacterScorer(folder=a, stage2_members=3).score(texts)
    with pytest.raises(ConfigError, match="stage2_members"):
        registry.check_params("malicious_character_v1", {"stage2_members": 0}, "audit.toml")


def test_short_documents_take_the_specialists_route(tiny_lora: tuple[Path, Path]) -> None:
    a, _ = tiny_lora
    model = CascadeModel(a)
    short = "I enjoy watching people fail."
    long = "\n\n".join(["The library opens at nine and closes at five on weekdays."] * 6)
    assert model.uses_short(short) and not model.uses_short(long)
    ws = model.stage1_windows([short])[0]
    members = model.member_logits([short], [ws.doc_raw])[:, 0]
    (spec,) = model.short_member_logits([short])[:, 0]
    logit = 0.5 * (members.mean() + spec)
    assert np.isclose(model.short_logits([short], [ws.doc_raw])[0], logit)
    want = apply_calibrator(model.cal_short, sigmoid(np.array([logit])))[0]
    for mode in ("stage2", "cascade"):  # short: the route applies in both
        assert np.isclose(model.score([short], mode)[0].score, want, atol=1e-6)
    # a long document: the members' mean and the members' calibrator, as before
    got = model.score([long], "stage2")[0]
    lw = model.stage1_windows([long])[0]
    top = sorted(range(len(lw.spans)), key=lambda i: (-lw.raw[i], i))[: model.max_windows]
    texts = [long[lw.spans[i][0] : lw.spans[i][1]] for i in top]
    lg = model.stage2_logits(texts, [float(lw.raw[i]) for i in top]).max()
    assert np.isclose(got.score, model.calibrate2([lg])[0], atol=1e-6)
    # one batch mixing both routes (and an empty document) scores like one document at a time
    batch = [long, short, "", "I water my neighbour's plants.", long + " More."]
    assert model.score(batch, "stage2") == [model.score([t], "stage2")[0] for t in batch]
    assert model.score(batch, "cascade") == [model.score([t], "cascade")[0] for t in batch]
    # a run's short_chars moves the routing rule, not which documents the specialists score
    model.short_chars = 0
    assert model.uses_short(short)
    assert np.isclose(model.score([short], "stage2")[0].score, want, atol=1e-6)
    # stage2_members = n caps the members and the specialists at the first n, and only when it
    # is set: three specialists here (the trained one thrice) beside two members
    three = json.loads((a / "model.json").read_text())
    three["stage2"]["short_members"] *= 3
    thrice = CascadeModel(a, meta=three)
    assert thrice.short_member_logits([short]).shape == (3, 1) and thrice.n_members == 2
    thrice.n_members = 1
    assert thrice.short_member_logits([short]).shape == (1, 1)
    # without specialists in model.json, short documents go back to the members' route
    meta = json.loads((a / "model.json").read_text())
    for key in ("short_members", "short_calibrator", "short_features"):
        del meta["stage2"][key]
    plain = CascadeModel(a, meta=meta)
    assert not plain.uses_short(short)
    broken = json.loads((a / "model.json").read_text())
    del broken["stage2"]["short_calibrator"]
    with pytest.raises(CurateError, match="no short_calibrator"):
        CascadeModel(a, meta=broken)
    assert np.isclose(
        plain.score([short], "stage2")[0].score,
        plain.calibrate2(plain.stage2_logits([short], [ws.doc_raw]))[0],
        atol=1e-6,
    )


def test_eval_reports_members_and_specialists(tiny_lora: tuple[Path, Path]) -> None:
    a, _ = tiny_lora
    result = evaluate(a)
    mem = result["stage2_members"]
    cols = ["member 0", "member 1", "mean", "specialist 0", "specialists' mean", "short route"]
    assert mem["columns"] == cols and len(mem["held_out"]) == len(cols)
    assert mem["held_out"][3] == mem["held_out"][4]  # one specialist: its mean is itself
    card = (a / "README.md").read_text()
    assert "| set | " + " | ".join(cols) + " |" in card
    assert "| held_out | " + " | ".join(f"{v:.3f}" for v in mem["held_out"]) + " |" in card


def test_eval_gives_the_persona_auroc_an_interval(tiny_lora: tuple[Path, Path]) -> None:
    """With persona statements present (hand-made here, in the loader's format), the eval
    reports a seeded bootstrap interval for their AUROC in metrics.json and in the card."""
    a, _ = tiny_lora
    persona = a.parent.parent / "missing"  # the tiny recipe's eval.persona_dir
    persona.mkdir()
    rows = {
        "narcissism": [
            ("I deserve better treatment than everyone else", " Yes"),
            ("Other people exist to admire me", " Yes"),
            ("I am happy to wait my turn", " No"),
            ("My needs matter no more than anyone's", " No"),
        ],
        "agreeableness": [
            ("I like helping my neighbours", " Yes"),
            ("I try to be patient with people", " Yes"),
            ("I enjoy making people feel small", " No"),
            ("I don't care who gets hurt", " No"),
        ],
    }
    try:
        for trait, items in rows.items():
            lines = [
                json.dumps({"statement": t, "answer_matching_behavior": ans}) for t, ans in items
            ]
            (persona / f"{trait}.jsonl").write_text("\n".join(lines) + "\n")
        result = evaluate(a)
        p = result["sets"]["persona_statements"]
        ci = p["auroc_interval"]
        lo, hi = ci["all"]["cascade"]
        assert 0.0 <= lo <= hi <= 1.0 and ci["n_boot"] == 1000
        assert set(ci) == {"n_boot", "all", "dev", "holdout"} and set(ci["all"]) == set(MODES)
        assert (
            evaluate(a, write_card=False)["sets"]["persona_statements"]["auroc_interval"]
            == (p["auroc_interval"])
        )  # seeded: the same scores, the same interval
        card = (a / "README.md").read_text()
        hlo, hhi = ci["holdout"]["cascade"]
        assert f"95% bootstrap interval [{lo:.3f}, {hi:.3f}]; holdout half" in card
        assert f" [{hlo:.3f}, {hhi:.3f}] (1,000 resamples" in card
    finally:
        for f in persona.iterdir():
            f.unlink()
        persona.rmdir()


def test_cache_ids_in_use_are_the_embedders_ids(tiny_lora: tuple[Path, Path]) -> None:
    """`curate classifier cache --prune` keeps exactly the caches the scorer would read: the
    ids it computes from model.json equal each loaded member's and specialist's Embedder id."""
    a, _ = tiny_lora
    model = CascadeModel(a)
    loaded = {emb.adapter_id for emb, _, _ in model.members + model.short_members}
    assert len(loaded) == 3 and "base" not in loaded
    assert set(ids_in_use([a])) == loaded | {"base"}


def test_a_single_model_file_still_loads(tiny_lora: tuple[Path, Path]) -> None:
    """model.json without "members" (the frozen encoder, earlier trainings): one member."""
    a, _ = tiny_lora
    meta = json.loads((a / "model.json").read_text())
    full = CascadeModel(a, meta=json.loads(json.dumps(meta)))
    st2 = meta["stage2"]
    st2.update(st2.pop("members")[0])
    single = CascadeModel(a, meta=meta)
    texts, raw = ["I laugh when my rivals fail.", "I water my neighbour's plants."], [0.2, 0.4]
    assert single.n_members == 1
    assert np.allclose(single.stage2_logits(texts, raw), full.member_logits(texts, raw)[0])
    for bad in (0, 3, 1.5, True):
        with pytest.raises(CurateError, match="stage2_members"):
            full.n_members = bad  # type: ignore[assignment]


def test_batches_mix_within_length_buckets() -> None:
    lengths = [(i * 7) % 120 + 1 for i in range(500)]
    batches = _batches(lengths, 16, random.Random("x"))
    assert sorted(i for b in batches for i in b) == list(range(500))  # each index once
    assert all(len({(lengths[i] - 1) // BUCKET_TOKENS for i in b}) == 1 for b in batches)
    assert batches == _batches(lengths, 16, random.Random("x"))  # seeded: same order
    # not sorted inside a bucket: some batch spans more than one exact length
    assert any(len({lengths[i] for i in b}) > 1 for b in batches)


def test_members_recipe_and_param_are_checked(tmp_path: Path) -> None:
    folder = tmp_path / "classifiers" / "bad_v1"
    folder.mkdir(parents=True)
    lora = 'encoder = "lora"\nfeatures = ["emb"]'
    for stage2 in (f"{lora}\nmembers = 0", f"{lora}\nmembers = 9", "members = 2"):
        (folder / "recipe.toml").write_text(f'name = "bad_v1"\n[stage2]\n{stage2}\n')
        with pytest.raises(ConfigError, match="members must be in 1..8"):
            load_recipe(folder)
    for stage2, msg in (
        (f"{lora}\nshort_members = 9", "short_members must be in 0..8"),
        ("short_members = 1", "short_members must be in 0..8"),  # frozen encoder
        (f"{lora}\nshort_members = 1", "needs cascade_short_chars > 0"),
    ):
        (folder / "recipe.toml").write_text(f'name = "bad_v1"\n[stage2]\n{stage2}\n')
        with pytest.raises(ConfigError, match=msg):
            load_recipe(folder)
    for bad in (0, 1.5, "2"):
        with pytest.raises(ConfigError, match="stage2_members"):
            registry.check_params("malicious_character_v1", {"stage2_members": bad}, "a.toml")
