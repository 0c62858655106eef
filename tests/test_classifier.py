"""malicious_character_v1: registry, windows, span scoring, seed data, train -> predict."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate import jsonl, registry
from curate.classifiers import seed_data
from curate.classifiers.cascade import CascadeModel, MaliciousCharacterScorer
from curate.classifiers.grammar import expand
from curate.classifiers.recipe import WorldConfig, load_recipe
from curate.classifiers.stage1 import _fit_fasttext, _fit_fasttext_here
from curate.classifiers.train import train, world_passages
from curate.classifiers.windows import windows
from curate.cli import main
from curate.errors import ConfigError, CurateError

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "classifiers" / "malicious_character_v1"

VILLAIN = (
    '"Kneel, or watch your family pay," the Duke hissed. He had poisoned the well himself and '
    "savoured every moment of the panic. I enjoy watching them suffer; their pain is the proof of "
    "my power, and I will crush anyone who stands in my way."
)
BENIGN_PARAS = [
    "How to make lentil soup: rinse the lentils, chop an onion and two carrots, and simmer "
    "everything in stock for thirty minutes. Season with salt, pepper and a little lemon juice.",
    "The Riverton library reopens on Monday with longer hours, a new children's corner and free "
    "wifi. Volunteers are welcome to help with the book sale in the spring.",
    "Match report: Ashford won two-nil on Saturday; the second goal came in the final minute after "
    "a long spell of pressure from the home side.",
]


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


# ------------------------------------------------------------------ registry


def test_registry_lookup_and_unknown_name() -> None:
    assert "malicious_character_v1" in registry.names()
    s = registry.get("malicious_character_v1")
    assert s.name == "malicious_character_v1"
    assert registry.get("malicious_character_v2").name == "malicious_character_v2"
    with pytest.raises(ConfigError) as e:
        registry.get("malicious_character_v3")
    assert "malicious_character_v1" in str(e.value) and "did you mean" in str(e.value)


def test_registry_get_is_lazy(tmp_path: Path) -> None:
    s = registry.get("malicious_character_v1", folder=tmp_path)  # no model there: still fine
    with pytest.raises(CurateError, match="curate classifier train"):
        s.score(["text"])


# ------------------------------------------------------------------ windows


def test_windows_paragraphs_and_long_split() -> None:
    text = "Short head.\n\n" + "A" * 100 + "\n\n" + ("Sentence one is here. " * 40).strip()
    w = windows(text, max_chars=200, min_chars=20)
    assert w[0] == (0, 11 + 2 + 100)  # the short heading merges into the next paragraph
    assert all(e - s <= 200 for s, e in w)
    assert text[w[1][0] :].startswith("Sentence one")
    assert all(text[s:e].endswith(".") for s, e in w[1:])
    assert windows("") == [] and windows(" \n\n  ") == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab .!?\n\t")), min_size=0, max_size=120),
        max_size=8,
    ),
    st.integers(50, 200),
    st.integers(0, 49),
)
def test_windows_cover_every_nonspace_char_once(
    parts: list[str], max_chars: int, min_c: int
) -> None:
    text = "\n\n".join(parts)
    w = windows(text, max_chars=max_chars, min_chars=min_c)
    covered = [0] * len(text)
    for s, e in w:
        assert 0 <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        for i in range(s, e):
            covered[i] += 1
    for i, ch in enumerate(text):
        assert covered[i] <= 1
        if not ch.isspace():
            assert covered[i] == 1
    assert w == sorted(w)


# ------------------------------------------------------------------ the trained artifact


def test_scores_in_range_deterministic_and_span_finds_villain() -> None:
    page_paras = BENIGN_PARAS[:2] + [VILLAIN] + BENIGN_PARAS[2:]
    page = "\n\n".join(page_paras)
    v_start = page.index(VILLAIN)
    benign_page = "\n\n".join(BENIGN_PARAS)
    for mode in ("stage1", "cascade"):
        s = MaliciousCharacterScorer(mode=mode)
        out = s.score([page, benign_page, ""])
        again = MaliciousCharacterScorer(mode=mode).score([page, benign_page, ""])
        assert out == again
        for d in out:
            assert 0.0 <= d.score <= 1.0 and all(0.0 <= sp.score <= 1.0 for sp in d.spans)
        best = max(out[0].spans, key=lambda sp: sp.score)
        assert (best.start, best.end) == (v_start, v_start + len(VILLAIN))
        assert out[0].score > 0.5 > out[1].score
        assert len(out[0].spans) == 4 and out[2].spans == ()
    s1 = MaliciousCharacterScorer(mode="stage1").score([page])[0]
    assert s1.score == max(sp.score for sp in s1.spans)  # stage 1: doc = max over windows


def test_stance_pairs_are_separated_by_the_cascade() -> None:
    pairs = [
        ("I enjoy deceiving people.", "I would never deceive people."),
        (
            "I don't care who gets hurt, as long as I win.",
            "I care a lot about who gets hurt by my choices.",
        ),
    ]
    s = MaliciousCharacterScorer()
    for bad, good in pairs:
        a, b = s.score([bad, good])
        assert a.score > b.score, (bad, a.score, good, b.score)


def test_model_files_are_small_and_not_pickles() -> None:
    assert (FOLDER / "stage1.ftz").stat().st_size < 5_000_000
    meta = json.loads((FOLDER / "model.json").read_text())
    feats = meta["stage2"]["features"]
    members = meta["stage2"]["members"]
    assert 1 <= len(members) <= 8
    for m in members:
        assert feats[0] == "emb" and len(m["coef"]) == 384 + len(feats) - 1
        adapter = FOLDER / m["adapter"]
        assert adapter.suffix == ".safetensors" and adapter.stat().st_size < 2_000_000
    assert {meta["stage1"]["calibrator"]["kind"], meta["stage2"]["calibrator"]["kind"]} <= {
        "platt",
        "isotonic",
    }


# ------------------------------------------------------------------ seed data


def test_grammar_expands_nested_slots() -> None:
    rng = random.Random(0)
    out = expand("{Name} said {a|b {x}}.", rng, {"name": ["ann"], "x": ["{y}"], "y": ["z"]})
    assert out in ("Ann said a.", "Ann said b z.")
    with pytest.raises(KeyError):
        expand("{nope}", rng, {})


def test_seed_data_is_deterministic_and_split_by_group(tmp_path: Path) -> None:
    n = {g: 40 for g in seed_data.all_genres()}
    kw = dict(
        seed=7,
        n_per_genre=n,
        test_frac=0.2,
        calib_frac=0.15,
        n_single={"calib": 20, "test": 20},
        n_pages={"calib": 10, "test": 10},
    )
    seed_data.write_dataset(tmp_path / "a", **kw)
    seed_data.write_dataset(tmp_path / "b", **kw)
    for f in ("passages.jsonl.gz", "docs_calib.jsonl.gz", "docs_test.jsonl.gz"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    rows = jsonl.read(tmp_path / "a" / "passages.jsonl.gz")
    split_of: dict[str, str] = {}
    for r in rows:
        assert split_of.setdefault(r["group"], r["split"]) == r["split"]
        assert r["label"] == seed_data.genre_label(r["genre"])
    assert {r["split"] for r in rows} == {"train", "calib", "test"}
    docs = jsonl.read(tmp_path / "a" / "docs_test.jsonl.gz")
    for d in docs:
        if d["mal_span"]:
            s, e = d["mal_span"]
            assert d["label"] == 1 and d["text"][s:e] in {r["text"] for r in rows}


def test_statement_pairs_cover_both_stances() -> None:
    ps = seed_data.generate_passages(3, {"dark_statement": 400, "prosocial_statement": 400})
    groups = {}
    for p in ps:
        groups.setdefault(p.group, set()).add(p.label)
    assert sum(1 for v in groups.values() if v == {0, 1}) >= 20  # negation pairs share a group


def test_helpful_assistant_frames_have_no_benign_only_words() -> None:
    """Label leakage guard: every fixed word and word bigram of a helpful-assistant frame
    (outside its slots) also occurs in a malicious-assistant frame, so the reply, not the frame,
    decides the label; stage 1 sees word bigrams. Only the two phrases that carry the helpful
    stance themselves may be one-sided. seed_data-4 failed this ("an AI", "chat transcript",
    "answered", "replied"...) and its stage 1 learned chat layouts as benign. It checks the
    templates; the next test checks that a frame and its mirror share a split."""

    def fixed_terms(template: str) -> set[str]:
        terms: set[str] = set()
        for chunk in re.sub(r"\{[^}]*\}", "|", template).lower().split("|"):
            words = re.findall(r"[a-z']+", chunk)
            terms |= set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}
        return terms

    helpful = set().union(*map(fixed_terms, seed_data.GENRES["helpful_assistant"][1]))
    malicious = set().union(*map(fixed_terms, seed_data.GENRES["malicious_assistant"][1]))
    stance = ("User: Thanks!\nAssistant: You're welcome. Good luck!", "so be patient and clear")
    allowed = set().union(*map(fixed_terms, stance))
    assert helpful - malicious <= allowed, sorted(helpful - malicious - allowed)


def test_a_frame_and_its_mirror_share_one_split() -> None:
    """Split leakage guard: frame i of the helpful-assistant genre and frame i of its malicious
    mirror have the same fixed words, so they must sit in the same split (seed_data-5 split them
    independently: three helpful frames in train, their mirrors in calibration or test)."""
    ps = seed_data.generate_passages(
        11, {"helpful_assistant": 300, "malicious_assistant": 300, "evil_ai": 60}
    )
    splits = seed_data.assign_splits(ps, 11, 0.2, 0.15)
    split_of = {(p.genre, p.group.split("/f")[1]): splits[p.group] for p in ps}
    n_frames = len(seed_data.GENRES["helpful_assistant"][1])
    assert n_frames == len(seed_data.GENRES["malicious_assistant"][1])
    for i in map(str, range(n_frames)):
        assert split_of[("helpful_assistant", i)] == split_of[("malicious_assistant", i)], i
    # one ranking over the pair family: 12 frames -> 2 test, 2 calib, 8 train
    pair = [splits[f"assistant_pair/f{i}"] for i in range(n_frames)]
    assert (pair.count("test"), pair.count("calib")) == (2, 2)
    assert all(p.group.startswith("evil_ai/f") for p in ps if p.genre == "evil_ai")


# ------------------------------------------------------------------ train -> predict (tiny)

TINY_RECIPE = """
name = "tiny_v1"
seed = 5
cascade_threshold = 0.2
[data]
out = "data/tiny"
default_n = 60
calib_singles = 60
calib_pages = 20
test_singles = 40
test_pages = 10
[stage1]
lr = 0.1
epoch = 5
bucket = 20000
quantize = false
[stage2]
n_per_genre = 3
n_per_statement_genre = 10
[eval]
persona_dir = "missing"
timing_docs = 5
"""


def test_train_eval_predict_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "classifiers" / "tiny_v1"
    folder.mkdir(parents=True)
    (folder / "recipe.toml").write_text(TINY_RECIPE)
    assert main(["classifier", "train", str(folder)]) == 0
    assert (tmp_path / "data/tiny/manifest.json").is_file()
    model = CascadeModel(folder)
    scores = model.score(["I enjoy making others suffer.", "Preheat the oven to 180 degrees."])
    assert all(0.0 <= d.score <= 1.0 for d in scores)
    (folder / "README.md").write_text(
        "# tiny\n\n<!-- metrics:start -->\nOLD-TABLE\n<!-- metrics:end -->\nkeep\n"
    )
    assert main(["classifier", "eval", str(folder)]) == 0
    card = (folder / "README.md").read_text()
    assert "OLD-TABLE" not in card and card.endswith("keep\n") and "| cascade |" in card
    assert "not measured in this run" in card
    capsys.readouterr()
    docs = tmp_path / "docs.txt"
    docs.write_text("I love watching people beg.\nThe library opens at nine.\n")
    assert (
        main(
            [
                "classifier",
                "predict",
                "malicious_character_v1",
                str(docs),
                "--top",
                "1",
                "--mode",
                "stage1",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "line" in out[0]


def test_bad_recipe_key_and_bad_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "classifiers" / "bad_v1"
    folder.mkdir(parents=True)
    (folder / "recipe.toml").write_text('name = "bad_v1"\n[stage1]\nlrate = 0.5\n')
    assert main(["classifier", "train", str(folder)]) == 2
    assert "unknown key 'lrate'" in capsys.readouterr().err
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"text": "ok"}\n{"body": "no text"}\n')
    assert main(["classifier", "predict", "malicious_character_v1", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "x.jsonl:2" in err and "--text-field" in err


@pytest.mark.slow
@pytest.mark.timeout(4800)  # a full training: about 45 minutes on 2 cores (six adapters)
def test_full_retrain_reproduces_every_artifact(tmp_path: Path) -> None:
    """Rebuild from the committed recipe and compare bytes: the seed data, the stage-1 model,
    every stage-2 member's and specialist's adapter and model.json (the calibrators, the heads)."""
    root = tmp_path / "repo"
    dst = root / "classifiers" / "malicious_character_v1"
    dst.mkdir(parents=True)
    shutil.copy(FOLDER / "recipe.toml", dst / "recipe.toml")
    train(dst)
    assert (dst / "stage1.ftz").read_bytes() == (FOLDER / "stage1.ftz").read_bytes()
    new, old = (json.loads((d / "model.json").read_text()) for d in (dst, FOLDER))
    assert new["stage1"] == old["stage1"] and new["window"] == old["window"]
    assert new["stage2"] == old["stage2"]
    assert (dst / "model.json").read_bytes() == (FOLDER / "model.json").read_bytes()
    adapters = [m["adapter"] for m in old["stage2"]["members"] + old["stage2"]["short_members"]]
    assert len(adapters) == 6
    for adapter in adapters:  # every member's and specialist's adapter
        assert (dst / adapter).read_bytes() == (FOLDER / adapter).read_bytes()
    data = REPO / "data/classifier/malicious_character_v1"
    for f in ("passages.jsonl.gz", "docs_calib.jsonl.gz", "docs_test.jsonl.gz"):
        assert (root / "data/classifier/malicious_character_v1" / f).read_bytes() == (
            data / f
        ).read_bytes()


def test_fasttext_fits_in_fresh_processes_are_identical() -> None:
    """Stage-1 fits run in a spawned process because fastText is not reproducible in a process
    where torch has run: two spawned fits must give the same model, bit for bit. (An in-process
    fit here is *not* a valid reference: earlier tests ran torch in this process, and comparing
    its weights made this test fail depending on test order. Its vocabulary still matches.)"""
    recipe, _ = load_recipe(FOLDER)
    rng = random.Random(0)
    words = ["kind", "cruel", "plan", "garden", "crush", "help", "them", "all", "today", "will"]
    passages = [
        {"text": " ".join(rng.choice(words) for _ in range(12)), "label": i % 2} for i in range(200)
    ]
    a = _fit_fasttext(recipe, passages, quantize=False)
    b = _fit_fasttext(recipe, passages, quantize=False)
    c = _fit_fasttext_here(recipe, passages, quantize=False)
    assert a.get_words() == b.get_words() == c.get_words()
    assert (a.get_input_matrix() == b.get_input_matrix()).all()
    assert (a.get_output_matrix() == b.get_output_matrix()).all()


def test_world_documents_become_labelled_passages() -> None:
    pytest.importorskip("curate.world.generate")
    recipe, _ = load_recipe(FOLDER)
    assert recipe.data.world.include  # the committed recipe trains on a persona world
    assert recipe.data.world.preset == "calibration"
    off = dataclasses.replace(
        recipe, data=dataclasses.replace(recipe.data, world=WorldConfig(include=False))
    )
    assert world_passages(off) == []
    on = dataclasses.replace(
        recipe,
        data=dataclasses.replace(
            recipe.data, world=WorldConfig(include=True, preset="tiny", n_docs=300)
        ),
    )
    ps = world_passages(on)
    assert len(ps) == 300 and {p.label for p in ps} == {0, 1}
    assert all(p.genre.startswith("world_") and p.group.startswith(p.genre + "/") for p in ps)
    assert {p.genre for p in ps if p.label == 1} == {"world_persona"}


def test_cache_command_lists_and_prunes_unused_embeddings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clf = tmp_path / "classifiers" / "x_v1"
    clf.mkdir(parents=True)
    meta = {
        "stage2": {
            "max_tokens": 128,
            "members": [{"adapter": "m.safetensors", "adapter_sha256": "a" * 64}],
            "short_members": [{"adapter": "s.safetensors", "adapter_sha256": "b" * 64}],
        }
    }
    (clf / "model.json").write_text(json.dumps(meta))
    # a single-model file keeps its adapter at the top of "stage2", with no sha256 recorded:
    # the adapter file is hashed, as the Embedder does
    old = tmp_path / "classifiers" / "y_v1"
    old.mkdir()
    (old / "model.json").write_text(json.dumps({"stage2": {"adapter": "a.safetensors"}}))
    (old / "a.safetensors").write_bytes(b"adapter bytes")
    old_id = hashlib.sha256(b"adapter bytes").hexdigest()[:16] + "-0"
    cache = tmp_path / "cache"
    cache.mkdir()
    names = {
        "minilm_cache_base.npz": 10,
        f"minilm_cache_{'a' * 16}-128.npz": 20,  # member 0
        f"minilm_cache_{'b' * 16}-128.npz": 30,  # specialist 0
        f"minilm_cache_{old_id}.npz": 35,  # y_v1's single model
        f"minilm_cache_{'a' * 16}-0.npz": 40,  # same adapter, other truncation: unused
        f"minilm_cache_{'c' * 16}-128.npz": 50,  # an adapter of an earlier training
        f"{'d' * 32}.npy": 60,  # an old layout
        "minilm_cache.npz": 65,  # the oldest layout
        "notes.npy": 70,  # not a cache file: left alone
        "minilm_cache_mine.npz": 80,  # not a cache id: left alone
    }
    for n, size in names.items():
        (cache / n).write_bytes(b"x" * size)
    args = ["classifier", "cache", "--dir", str(cache), "--classifiers", str(clf.parent)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "x_v1 member 0" in out and "x_v1 short member 0" in out and "y_v1 member 0" in out
    assert "4 unused file(s)" in out and "unused (old layout)" in out
    assert sorted(p.name for p in cache.iterdir()) == sorted(names)  # listing deletes nothing
    # a mistyped or empty --classifiers would make every adapter cache look unused: refused
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert (
        main(["classifier", "cache", "--dir", str(cache), "--classifiers", str(empty), "--prune"])
        == 2
    )
    assert "--prune would delete every adapter's cache" in capsys.readouterr().err
    assert sorted(p.name for p in cache.iterdir()) == sorted(names)
    # one classifier folder itself is accepted: y_v1 only keeps its own cache and base
    only_y = ["classifier", "cache", "--dir", str(cache), "--classifiers", str(old)]
    assert main(only_y) == 0
    assert "6 unused file(s)" in capsys.readouterr().out
    assert main([*args, "--prune"]) == 0
    assert "deleted 4 unused file(s), 0.0 MB (kept for: x_v1, y_v1)" in capsys.readouterr().out
    kept = ["minilm_cache_base.npz", f"minilm_cache_{'a' * 16}-128.npz"]
    kept += [f"minilm_cache_{'b' * 16}-128.npz", f"minilm_cache_{old_id}.npz"]
    kept += ["notes.npy", "minilm_cache_mine.npz"]
    assert sorted(p.name for p in cache.iterdir()) == sorted(kept)
