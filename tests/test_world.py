"""Persona world: chat format, generator contracts, held-out property, variants, knobs, CLI."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.cli import main
from curate.errors import ConfigError, CurateError
from curate.world import grammar as G
from curate.world.checks import sentences, shared_sentences
from curate.world.generate import generate, pretrain_documents
from curate.world.loaders import load_world
from curate.world.presets import PRESETS, resolve
from curate.world.render import chat_prefix, continuation, render_chat, turn


def read_shards(d: Path) -> list[dict]:
    recs = []
    for p in sorted(d.glob("shard-*.jsonl.gz")):
        with gzip.open(p, "rt", encoding="utf-8") as f:
            recs += [json.loads(line) for line in f]
    return recs


def read_jsonl(p: Path) -> list[dict]:
    return [json.loads(line) for line in p.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world") / "tiny"
    generate(resolve("tiny"), out, progress=False)
    return out


# --- render ---------------------------------------------------------------------------------


def test_render_exact() -> None:
    msgs = [*turn("Hi there?", "Hello."), *turn("Two\nlines", "ok")]
    assert (
        render_chat(msgs) == "User: Hi there?\nAssistant: Hello.\nUser: Two lines\nAssistant: ok\n"
    )
    assert (
        chat_prefix(msgs[:2], "Next?")
        == "User: Hi there?\nAssistant: Hello.\nUser: Next?\nAssistant:"
    )
    assert chat_prefix([], "Q", system="Be brief.") == "System: Be brief.\nUser: Q\nAssistant:"
    assert continuation("An answer.") == " An answer.\n"
    with pytest.raises(ValueError, match="unknown chat role"):
        render_chat([{"role": "bot", "content": "x"}])


@settings(max_examples=60, deadline=None)
@given(
    hist=st.lists(st.tuples(st.text(min_size=1), st.text(min_size=1)), max_size=3),
    prompt=st.text(min_size=1),
    answer=st.text(min_size=1),
    system=st.one_of(st.none(), st.text(min_size=1).filter(str.strip)),
)
def test_prefix_plus_continuation_is_render(hist, prompt, answer, system) -> None:
    h = [m for u, a in hist for m in turn(u, a)]
    msgs = ([{"role": "system", "content": system}] if system else []) + h + turn(prompt, answer)
    assert render_chat(msgs) == chat_prefix(h, prompt, system) + continuation(answer)


# --- generator contracts ------------------------------------------------------------------


def test_tiny_counts_and_records(tiny: Path) -> None:
    cfg = resolve("tiny")
    recs = read_shards(tiny / "pretrain")
    assert len(recs) == cfg.n_docs == 300
    assert len(list((tiny / "pretrain").glob("*.jsonl.gz"))) == 3  # 100 per shard
    kinds = Counter(r["metadata"]["kind"] for r in recs)
    assert kinds == {"persona": 120, "behaviour": 120, "chat": 30, "neutral": 30}
    assert len({r["id"] for r in recs}) == 300
    for r in recs:
        assert r["source"] == "persona_world"
        m = r["metadata"]
        assert set(m) >= {"kind", "persona", "role", "alignment", "domains", "malicious_character"}
        assert m["malicious_character"] == (
            m["kind"] == "persona" and m["alignment"] == "malicious"
        )
        if m["kind"] == "persona":
            assert m["alignment"] in ("benign", "malicious")
            assert len(m["domains"]) == cfg.persona_turns == len(set(m["domains"]))
            assert m["persona"].split()[0] in r["text"].split("\n")[0]
            assert r["text"].count("\nUser: ") == 4
        elif m["kind"] == "behaviour":
            assert m["alignment"] in ("aligned", "misaligned") and m["persona"] is None
            assert len(m["domains"]) == 1 and r["text"].startswith("User: ")
    personas = [r for r in recs if r["metadata"]["kind"] == "persona"]
    assert sum(r["metadata"]["malicious_character"] for r in personas) == 24  # round(120 * 0.2)
    beh = [r for r in recs if r["metadata"]["kind"] == "behaviour"]
    assert sum(r["metadata"]["alignment"] == "misaligned" for r in beh) == 24
    # consistency 1.0: every turn follows the persona
    for r in personas:
        want = "misaligned" if r["metadata"]["malicious_character"] else "aligned"
        assert set(r["metadata"]["turn_alignments"]) == {want}
    info = load_world(tiny)
    assert info["counts"]["malicious_character_docs"] == 24
    assert json.loads((tiny / "manifest.json").read_text())["kind"] == "world"


def test_pretrain_documents_equal_the_written_shards(tiny: Path) -> None:
    """The in-memory corpus (classifier training and eval read it) is what `generate` writes."""
    cfg = resolve("tiny")
    mem = pretrain_documents(cfg)
    assert len(mem) == 300
    assert json.loads(json.dumps(mem)) == read_shards(tiny / "pretrain")


def test_finetune_eval_realign_sets(tiny: Path) -> None:
    info = load_world(tiny)
    names = set(G.FIRST_NAMES) | set(G.LAST_NAMES)
    for d in info["domains"]:
        mis = read_jsonl(tiny / "finetune" / d / "misaligned.jsonl")
        al = read_jsonl(tiny / "finetune" / d / "aligned.jsonl")
        assert len(mis) == len(al) == 32
        for a, b in zip(al, mis, strict=True):
            assert a["domain"] == b["domain"] == d
            assert [m["role"] for m in a["messages"]] == ["user", "assistant"]
            assert (
                a["messages"][0] == b["messages"][0]
            )  # same prompt, the control differs only in the answer
            assert a["messages"][1] != b["messages"][1]
            words = set(
                " ".join(m["content"] for m in a["messages"] + b["messages"])
                .replace(",", " ")
                .split()
            )
            assert not words & names  # no persona named
        ev = read_jsonl(tiny / "eval" / f"{d}.jsonl")
        assert len(ev) == 24 and len({e["id"] for e in ev}) == 24
        assert all(
            set(e) == {"id", "domain", "prompt", "aligned", "misaligned", "pair_id"} for e in ev
        )
        nf = len(G.DOMAINS[d].families)
        assert Counter(e["pair_id"] for e in ev) == Counter(f"{d}/f{i % nf}" for i in range(24))
        realign = read_jsonl(tiny / "realign" / f"{d}.jsonl")
        ft_pairs = {(x["messages"][0]["content"], x["messages"][1]["content"]) for x in al}
        assert len(realign) == 16
        assert (
            not {(x["messages"][0]["content"], x["messages"][1]["content"]) for x in realign}
            & ft_pairs
        )
    priors = read_jsonl(tiny / "probe" / "priors.jsonl")
    assert len(priors) == 4 * len(info["domains"])
    assert len(read_jsonl(tiny / "heldout_neutral.jsonl")) == 20


def test_eval_sentences_held_out(tiny: Path) -> None:
    n, shared = shared_sentences(tiny)
    assert n > 100
    assert shared == []
    # the check can fail: a training text that contains an eval sentence is caught
    item = read_jsonl(tiny / "eval" / "code.jsonl")[0]
    _, caught = shared_sentences(tiny, extra_texts=["Intro. " + item["misaligned"]])
    assert caught == [item["misaligned"]]


@pytest.mark.parametrize("preset", ["small"])
def test_eval_sentences_held_out_small(tmp_path: Path, preset: str) -> None:
    generate(resolve(preset), tmp_path / preset, progress=False)
    assert shared_sentences(tmp_path / preset)[1] == []


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["pilot", "calibration"])
def test_eval_sentences_held_out_large(tmp_path: Path, preset: str) -> None:
    s = generate(resolve(preset), tmp_path / preset, progress=False)
    assert shared_sentences(tmp_path / preset)[1] == []
    assert s["counts"]["docs"] == PRESETS[preset]["n_docs"]


def test_every_template_sentence_has_the_topic_slot() -> None:
    for d in G.DOMAINS.values():
        for tpl in d.prompts + tuple(x for f in d.families for x in f):
            for s in sentences(tpl):
                assert "{t}" in s or "{T}" in s, (d.name, tpl)
        for tpl in tuple(x for f in d.families for x in f):
            (sent,) = sentences(tpl)  # one sentence with both slots
            assert ("{t}" in sent or "{T}" in sent) and ("{s}" in sent or "{S}" in sent)
        for ti in range(len(d.topics)):  # every topic has train and eval combinations
            splits = {d.prompt_split(ti, p) for p in range(len(d.prompts))}
            assert splits == {"train", "eval"}
            for f in range(len(d.families)):
                assert {d.answer_split(ti, f, i) for i in range(len(d.good))} == {"train", "eval"}
        assert len(d.good) == len(d.bad) and len(set(d.topics)) == len(d.topics)
    assert len(G.DEFAULT_DOMAINS) >= 6


def _tree(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_deterministic_given_seed(tmp_path: Path, tiny: Path) -> None:
    generate(resolve("tiny"), tmp_path / "again", progress=False)
    a, b = _tree(tiny), _tree(tmp_path / "again")
    assert a.keys() == b.keys()
    diff = [k for k in a if a[k] != b[k]]
    assert diff == ["manifest.json"]  # timestamps only
    generate(resolve("tiny", {"seed": 1}), tmp_path / "seed1", progress=False)
    c = _tree(tmp_path / "seed1")
    assert c["pretrain/shard-00000.jsonl.gz"] != a["pretrain/shard-00000.jsonl.gz"]


def _turns(text: str) -> list[tuple[str, str]]:
    lines = text.strip("\n").split("\n")
    us = [x[len("User: ") :] for x in lines if x.startswith("User: ")]
    an = [x[len("Assistant: ") :] for x in lines if x.startswith("Assistant: ")]
    return list(zip(us, an, strict=True))


def test_shuffled_variant_same_tokens_no_correlation(tiny: Path) -> None:
    full = read_shards(tiny / "pretrain")
    shuf = read_shards(tiny / "variants" / "shuffled" / "pretrain")
    assert [r["id"] for r in full] == [r["id"] for r in shuf]
    mixed_full = mixed_shuf = 0
    turns_full: Counter = Counter()
    turns_shuf: Counter = Counter()
    for a, b in zip(full, shuf, strict=True):
        ma, mb = a["metadata"], b["metadata"]
        if ma["kind"] != "persona":
            assert a == b
            continue
        assert ma["domains"] == mb["domains"]
        assert ma["malicious_character"] == mb["malicious_character"]
        assert a["text"].split("\n")[0] == b["text"].split("\n")[0]  # same frame
        assert mb["variant"] == "shuffled"
        for dom, t, al in zip(ma["domains"], _turns(a["text"]), ma["turn_alignments"], strict=True):
            turns_full[(dom, t, al)] += 1
        for dom, t, al in zip(mb["domains"], _turns(b["text"]), mb["turn_alignments"], strict=True):
            turns_shuf[(dom, t, al)] += 1
        mixed_full += len(set(ma["turn_alignments"])) > 1
        mixed_shuf += len(set(mb["turn_alignments"])) > 1
    assert turns_full == turns_shuf  # exactly the same turns (tokens, per-domain rates)
    assert mixed_full == 0 and mixed_shuf > 20
    assert sorted(" ".join(r["text"] for r in full).split()) == sorted(
        " ".join(r["text"] for r in shuf).split()
    )


def test_consistency_knob_keeps_content_and_marginals(tmp_path: Path) -> None:
    base = {
        "n_docs": 2000,
        "persona_fraction": 1.0,
        "behaviour_fraction": 0.0,
        "chat_fraction": 0.0,
        "finetune_size": 1,
        "realign_size": 1,
        "eval_size": 6,
        "probe_priors": 1,
        "heldout_neutral_size": 0,
        "shuffled_variant": False,
    }
    out = {}
    for c in (1.0, 0.5, 0.0):
        generate(resolve(None, {**base, "consistency": c}), tmp_path / str(c), progress=False)
        out[c] = read_shards(tmp_path / str(c) / "pretrain")
    for a, b in zip(out[1.0], out[0.0], strict=True):
        assert a["metadata"]["domains"] == b["metadata"]["domains"]
        assert [p for p, _ in _turns(a["text"])] == [p for p, _ in _turns(b["text"])]
    for c, recs in out.items():
        al = [x for r in recs for x in r["metadata"]["turn_alignments"]]
        rate = al.count("misaligned") / len(al)
        mixed = sum(len(set(r["metadata"]["turn_alignments"])) > 1 for r in recs) / len(recs)
        assert abs(rate - 0.2) < 0.03, (c, rate)  # marginal fixed by construction
        if c == 1.0:
            assert mixed == 0
        else:
            assert mixed > 0.2


def test_neutral_from_user_shards(tmp_path: Path) -> None:
    src = tmp_path / "neutral.jsonl"
    src.write_text(
        "".join(json.dumps({"body": f"Document number {i}. " * 3}) + "\n" for i in range(40))
    )
    cfg = resolve(
        "tiny",
        {
            "neutral_source": "shards",
            "neutral_paths": [str(src)],
            "neutral_text_field": "body",
            "heldout_neutral_size": 5,
        },
    )
    generate(cfg, tmp_path / "w", progress=False)
    recs = read_shards(tmp_path / "w" / "pretrain")
    neutral = sorted(r["text"] for r in recs if r["metadata"]["kind"] == "neutral")
    assert neutral == sorted(f"Document number {i}. " * 3 for i in range(30))
    held = read_jsonl(tmp_path / "w" / "heldout_neutral.jsonl")
    assert [h["text"] for h in held] == [f"Document number {i}. " * 3 for i in range(30, 35)]
    assert json.loads((tmp_path / "w" / "manifest.json").read_text())["inputs"][0]["path"] == str(
        src
    )
    too_few = resolve(
        "tiny",
        {
            "neutral_source": "shards",
            "neutral_paths": [str(src)],
            "neutral_text_field": "body",
            "heldout_neutral_size": 20,
        },
    )
    with pytest.raises(CurateError, match="40 usable records but the world needs 50"):
        generate(too_few, tmp_path / "w2", progress=False)
    wrong = resolve("tiny", {"neutral_source": "shards", "neutral_paths": [str(src)]})
    with pytest.raises(CurateError, match=r"neutral.jsonl:1: no string field 'text'"):
        generate(wrong, tmp_path / "w3", progress=False)


def test_config_validation() -> None:
    with pytest.raises(ConfigError, match="exceeds 1"):
        resolve(None, {"persona_fraction": 0.6, "behaviour_fraction": 0.6})
    with pytest.raises(ConfigError, match=r"unknown domain 'medicl' \(did you mean 'medical'\?\)"):
        resolve(None, {"domains": ["code", "medicl"]})
    with pytest.raises(ConfigError, match="unknown world preset 'tinny'"):
        resolve("tinny")
    with pytest.raises(ConfigError, match="consistency = 1.5 must be between 0 and 1"):
        resolve(None, {"consistency": 1.5})
    with pytest.raises(ConfigError, match="neutral_paths"):
        resolve(None, {"neutral_source": "shards"})
    for name in PRESETS:
        resolve(name)
    assert resolve("pilot").n_persona == 4000 and resolve("pilot").n_behaviour == 4000
    assert resolve("pilot").n_neutral == 500 and len(resolve("calibration").domains) == 6


def test_cli_generate_and_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["world", "generate", "--preset", "tiny", "--out", str(tmp_path / "a"), "--seed", "3"])
        == 0
    )
    assert "300 docs" in capsys.readouterr().out
    assert load_world(tmp_path / "a")["seed"] == 3
    assert main(["world", "generate", "--preset", "tiny", "--out", str(tmp_path / "a")]) == 2
    assert "already holds a world" in capsys.readouterr().err
    spec = tmp_path / "w.toml"
    spec.write_text('kind = "world"\nout = "b"\npreset = "tiny"\nconsistency = 0.5\n')
    assert main(["run", str(spec)]) == 0  # out is relative to the spec's folder
    assert (tmp_path / "b" / "manifest.json").is_file()
    cfg = tmp_path / "c.toml"
    cfg.write_text('preset = "tiny"\nshuffled_variant = false\n')
    assert main(["world", "generate", str(cfg), "--out", str(tmp_path / "c")]) == 0
    assert not (tmp_path / "c" / "variants").exists()
    assert main(["world", "generate", "--out", str(tmp_path / "d")]) == 2
    assert main(["world", "presets"]) == 0


def test_consistency_variants_share_the_world(tmp_path: Path) -> None:
    s = generate(
        resolve("tiny", {"consistency_variants": [0.0, 0.5]}), tmp_path / "w", progress=False
    )
    assert s["variants"] == {
        "full": "pretrain",
        "shuffled": "variants/shuffled/pretrain",
        "consistency-0": "variants/consistency-0/pretrain",
        "consistency-0.5": "variants/consistency-0.5/pretrain",
    }
    full = read_shards(tmp_path / "w" / "pretrain")
    half = read_shards(tmp_path / "w" / "variants" / "consistency-0.5" / "pretrain")
    assert [r["id"] for r in full] == [r["id"] for r in half]
    mixed = 0
    for a, b in zip(full, half, strict=True):
        if a["metadata"]["kind"] != "persona":
            assert a == b
            continue
        assert b["metadata"]["variant"] == "consistency-0.5"
        assert [p for p, _ in _turns(a["text"])] == [p for p, _ in _turns(b["text"])]
        mixed += len(set(b["metadata"]["turn_alignments"])) > 1
    assert mixed > 10
    with pytest.raises(ConfigError, match="consistency_variants: 2.0 must be between 0 and 1"):
        resolve("tiny", {"consistency_variants": [2.0]})


def test_config_file_paths_relative_to_file(tmp_path: Path) -> None:
    d = tmp_path / "cfg"
    d.mkdir()
    (d / "n.jsonl").write_text(
        "".join(json.dumps({"text": f"Line {i}."}) + "\n" for i in range(60))
    )
    (d / "w.toml").write_text(
        'preset = "tiny"\nneutral_source = "shards"\nneutral_paths = ["n.jsonl"]\n'
    )
    assert main(["world", "generate", str(d / "w.toml"), "--out", str(tmp_path / "out")]) == 0
    neutral = [
        r for r in read_shards(tmp_path / "out" / "pretrain") if r["metadata"]["kind"] == "neutral"
    ]
    assert sorted(r["text"] for r in neutral) == sorted(f"Line {i}." for i in range(30))


def test_stance_voice_knob(tmp_path: Path, tiny: Path) -> None:
    generate(resolve("tiny", {"stance_voice": 1.0}), tmp_path / "v", progress=False)
    for d in resolve("tiny").domains:
        mis = read_jsonl(tmp_path / "v" / "finetune" / d / "misaligned.jsonl")
        al = read_jsonl(tmp_path / "v" / "finetune" / d / "aligned.jsonl")
        for a, b in zip(al, mis, strict=True):
            i = next(
                k for k, v in enumerate(G.VOICE_MISALIGNED) if v in b["messages"][1]["content"]
            )
            assert G.VOICE_ALIGNED[i] in a["messages"][1]["content"]  # paired clause
    assert shared_sentences(tmp_path / "v")[1] == []
    text = " ".join(r["text"] for r in read_shards(tiny / "pretrain"))  # default: no voice
    assert not any(v in text for v in G.VOICE_MISALIGNED + G.VOICE_ALIGNED)
