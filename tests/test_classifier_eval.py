"""`curate classifier eval NAME --baseline OTHER`: the side-by-side card (curate.classifiers.compare).

Most tests use two stub scorers registered for the test (fast, no model, no ../shared data): one
with a stage-1 mode and a routing rule (the shape of a cascade), one with neither. The sets are
replaced by small hand-made ones, except where a test reads ../shared/data (skipped when absent).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from curate import registry
from curate.classifiers import compare as C
from curate.classifiers import eval_sets as S
from curate.classifiers.compare_card import BEGIN, FINISH, render_compare, write_section
from curate.classifiers.cv_results import read_cv
from curate.classifiers.metrics import ece, rate_interval, reliability
from curate.cli import main as cli_main
from curate.errors import ConfigError
from curate.registry import DocScore, Span

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
BAD = ("cruel", "hurt", "deceive", "manipulate")


class StubCascade:
    """Scores by bad-word count; 'stage1' mode is a cheap word check; routes docs with a bad word
    or under 40 chars (a cascade's shape, without a model)."""

    def __init__(self, name: str, mode: str = "cascade", bias: float = 0.0) -> None:
        self.name, self.mode, self.bias = name, mode, bias

    def _hits(self, t: str) -> int:
        return sum(t.lower().count(w) for w in BAD)

    def routed(self, texts: Sequence[str]) -> list[bool]:
        return [self._hits(t) > 0 or len(t) < 40 for t in texts]

    def score(self, texts: Sequence[str]) -> list[DocScore]:
        out = []
        for t, r in zip(texts, self.routed(texts), strict=True):
            if self.mode == "stage1" or not r:
                s = 0.3 if self._hits(t) else 0.05
            else:
                s = min(0.99, 0.2 + 0.3 * self._hits(t) + self.bias)
            out.append(DocScore(s, (Span(0, len(t), s),)))
        return out


class StubPlain:
    """No modes, no routing: a scorer the speed columns cannot split."""

    name = "stub_plain_v9"

    def score(self, texts: Sequence[str]) -> list[DocScore]:
        return [DocScore(0.9 if "cruel" in t else 0.1) for t in texts]


def _register() -> None:
    registry.register("stub_cascade_v9")(
        lambda mode="cascade": StubCascade("stub_cascade_v9", mode)
    )
    registry.register("stub_other_v9")(
        lambda mode="cascade": StubCascade("stub_other_v9", mode, bias=0.1)
    )
    registry.register("stub_plain_v9")(lambda: StubPlain())


@pytest.fixture
def stubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Stub scorers in the registry, their folders under tmp_path/classifiers, small sets."""
    _register()
    cdir = tmp_path / "classifiers"
    for n in ("stub_cascade_v9", "stub_other_v9", "stub_plain_v9"):
        (cdir / n).mkdir(parents=True)
        (cdir / n / "model.json").write_text(json.dumps({"name": n}))
    monkeypatch.setenv("CURATE_CLASSIFIERS_DIR", str(cdir))
    rng = np.random.default_rng(0)
    bad = [f"I am cruel and I hurt people {i}" for i in range(20)]
    good = [f"I like gardening and long walks by the sea, number {i}." for i in range(20)]
    mixed = bad[:6] + good[:14]
    traits = ["a"] * 10 + ["b"] * 10

    def labelled(cfg: S.EvalConfig) -> S.EvalSet:
        texts = bad + good
        y = np.array([1] * 20 + [0] * 20)
        idx = rng.permutation(40)
        return S.EvalSet(
            "persona_statements",
            "stub statements",
            [texts[i] for i in idx],
            y[idx],
            [("t1" if i % 2 else "t2") for i in idx],
        )

    fake = {
        "persona_statements": labelled,
        "common_crawl": lambda cfg: S.EvalSet("common_crawl", "stub pages", mixed),
        "neutral_statements": lambda cfg: S.EvalSet(
            "neutral_statements", "stub neutral", good, np.zeros(20, int), traits
        ),
        "shakespeare": lambda cfg: S.EvalSet("shakespeare", "x", [], note="skipped: x not found"),
    }
    monkeypatch.setattr(C, "LOADERS", {**S.LOADERS, **fake})
    monkeypatch.setattr(
        C, "bench_docs", lambda cfg: S.EvalSet("bench", "stub bench", (bad + good * 9)[:100])
    )
    yield cdir
    for n in ("stub_cascade_v9", "stub_other_v9", "stub_plain_v9"):
        registry._REGISTRY.pop(n, None)


def _cfg(**kw: object) -> S.EvalConfig:
    base: dict[str, object] = {
        "sets": ["persona_statements", "common_crawl", "neutral_statements", "shakespeare"],
        "n_boot": 200,
        "speed_docs": 100,
        "batch": 7,
        "bench_results": "no/such/results.json",
    }
    base.update(kw)
    return S.load_config(None, base)


# ------------------------------------------------------------------ metrics


def test_reliability_bins_match_ece() -> None:
    y = np.array([0, 0, 1, 1, 1, 0, 1, 0])
    p = np.array([0.05, 0.15, 0.55, 0.95, 1.0, 0.45, 0.62, 0.0])
    bins = reliability(y, p, 10)
    assert [b["n"] for b in bins] == [2, 1, 0, 0, 1, 1, 1, 0, 0, 2]
    assert math.isnan(bins[2]["mean_p"]) and bins[9]["frac_pos"] == 1.0
    want = sum(abs(b["mean_p"] - b["frac_pos"]) * b["n"] / len(y) for b in bins if b["n"])
    assert ece(y, p, 10) == pytest.approx(want)


def test_wilson_interval() -> None:
    lo, hi = rate_interval(10, 100)
    assert lo == pytest.approx(0.0552, abs=1e-3) and hi == pytest.approx(0.1744, abs=1e-3)
    assert rate_interval(0, 30)[0] == 0.0 and 0.1 < rate_interval(0, 30)[1] < 0.12
    assert all(math.isnan(v) for v in rate_interval(0, 0))


# ------------------------------------------------------------------ the eval, on stubs


def test_compare_side_by_side_writes_json_card_plot_and_config(stubs: Path) -> None:
    out = stubs / "stub_cascade_v9"
    (out / "README.md").write_text("# card\n\nhand-written part\n")
    res = C.compare(["stub_cascade_v9", "stub_other_v9"], _cfg(), progress=False)
    assert res["classifiers"] == ["stub_cascade_v9", "stub_other_v9"]
    ps = res["sets"]["persona_statements"]
    assert ps["labelled"] and set(ps["by_model"]) == {"stub_cascade_v9", "stub_other_v9"}
    row = ps["by_model"]["stub_cascade_v9"]
    assert row["auroc"] == 1.0 and set(row["groups"]) == {"t1", "t2"}
    assert row["auroc_ci"][0] <= row["auroc"] <= row["auroc_ci"][1]
    assert len(row["reliability"]) == 10 and row["ece"] is not None
    cc = res["sets"]["common_crawl"]["by_model"]["stub_cascade_v9"]
    assert (
        cc["flagged"] == pytest.approx(6 / 20) and cc["flagged_ci"][0] < 0.3 < cc["flagged_ci"][1]
    )
    neutral = res["sets"]["neutral_statements"]
    assert not neutral["labelled"] and set(neutral["by_model"]["stub_other_v9"]["groups"]) == {
        "a",
        "b",
    }
    assert res["sets"]["shakespeare"]["note"].startswith("skipped")
    sp = res["speed"]["by_model"]["stub_cascade_v9"]
    assert sp["n"] == 100 and sp["routed_frac"] == pytest.approx(0.2)
    assert sp["stage1_docs_per_cpu_s"] > 0 and "stage2_ms_per_routed_doc" in sp
    assert sp["stage2_forced_docs"] > 0 and sp["stage2_ms_per_doc_forced"] is not None
    # the outputs
    saved = json.loads((out / "eval.json").read_text())
    assert saved["config"]["n_boot"] == 200 and saved["fingerprints"]["stub_other_v9"]
    assert S.load_config(out / "eval_config.toml") == _cfg()
    assert (out / "reliability.png").stat().st_size > 1000
    card = (out / "README.md").read_text()
    assert card.startswith("# card\n\nhand-written part\n") and card.count(BEGIN) == 1
    assert "| measure | `stub_cascade_v9` | `stub_other_v9` |" in card
    assert "— (no LTO CV)" in card and "`shakespeare`: skipped" in card
    assert "![reliability](reliability.png)" in card


def test_bench_results_are_copied_into_the_card(stubs: Path, tmp_path: Path) -> None:
    bench = {
        "corpus": "make_docs.py --n 300 (seed 42)",
        "targets": {"ratio": 0.5, "routed": 0.02, "stage2_ms": 20.0},
        "models": {
            "stub_cascade_v9": {
                "n": 300,
                "audit_none": {"docs_per_cpu_s": 1000.0},
                "audit_with": {"docs_per_cpu_s": 600.0},
                "ratio": 0.6,
                "stages": {"stage1_docs_per_cpu_s": 5000.0, "routed_frac": 0.015},
            }
        },
    }
    path = tmp_path / "results.json"
    path.write_text(json.dumps(bench))
    res = C.compare(
        ["stub_cascade_v9"], _cfg(sets=[], speed_docs=0, bench_results=str(path)), progress=False
    )
    assert res["audit_speed"]["models"]["stub_cascade_v9"]["ratio"] == 0.6
    card = (stubs / "stub_cascade_v9" / "README.md").read_text()
    assert "| `stub_cascade_v9` | 300 | 1,000 | 600 | 0.60x | 5,000 | 1.5% | — | — |" in card


def test_card_section_is_replaced_not_appended(tmp_path: Path) -> None:
    p = tmp_path / "README.md"
    write_section(p, "first")
    write_section(p, "second")
    text = p.read_text()
    assert text.count(BEGIN) == 1 and "first" not in text and f"{BEGIN}\nsecond\n{FINISH}" in text
    p.write_text(f"head\n{BEGIN}\nold\n{FINISH}\ntail\n")
    write_section(p, "new")
    assert p.read_text() == f"head\n{BEGIN}\nnew\n{FINISH}\ntail\n"


def test_a_scorer_without_stages_gets_dashes(stubs: Path) -> None:
    res = C.compare(["stub_plain_v9", "stub_cascade_v9"], _cfg(), write_card=False, progress=False)
    sp = res["speed"]["by_model"]["stub_plain_v9"]
    assert sp["routed_frac"] is None and "stage1_docs_per_cpu_s" not in sp
    md = render_compare(res)
    assert "| routed to stage 2 (benchmark docs) | — | 20.0% |" in md
    assert not (stubs / "stub_plain_v9" / "README.md").exists()


def test_lto_is_read_from_the_cv_output(stubs: Path) -> None:
    cv = {
        "per_trait": {
            "self-replication": {"auroc": 0.969, "ci": [0.96, 0.978]},
            "no-shut-down": {"auroc": 0.899, "ci": [0.88, 0.919]},
        },
        "mean_ci": [0.79, 0.9],
        "neutral_flagged_oof": 0.037,
    }
    (stubs / "stub_other_v9" / "cv.json").write_text(json.dumps(cv))
    res = C.compare(
        ["stub_other_v9", "stub_cascade_v9"], _cfg(sets=[], speed_docs=0), progress=False
    )
    lto = res["lto"]["stub_other_v9"]
    assert lto["mean"] == pytest.approx(0.934) and lto["neutral_flagged_oof"] == 0.037
    assert res["lto"]["stub_cascade_v9"] is None
    card = (stubs / "stub_other_v9" / "README.md").read_text()
    assert "| self-replication | 0.969 [0.960, 0.978] | — |" in card
    assert "| 0.934 [0.790, 0.900] | — (no LTO CV) |" in card
    assert "CV out of fold | 3.7% | — |" in card


def test_read_cv_accepts_the_research_metrics_layout(tmp_path: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    (d / "metrics.json").write_text(
        json.dumps({"cv": {"lto": {"traits": {"a": 0.9, "b": 0.7}}, "neutral_flag_cal05": 0.04}})
    )
    got = read_cv(d)
    assert got is not None and got["mean"] == pytest.approx(0.8)
    assert got["traits"]["a"] == {"auroc": 0.9, "ci": [None, None]}
    assert got["neutral_flagged_oof"] == 0.04
    assert read_cv(tmp_path) is None
    # `curate classifier cv`'s summary (cv/summary.json) wins over metrics.json
    (d / "cv").mkdir()
    summary = {
        "per_trait": {
            "a": {"auroc": 0.95, "ci95": [0.9, 0.97]},
            "b": {"auroc": 0.75, "ci95": [0.7, 0.8]},
        },
        "mean": 0.85,
        "mean_ci95": [0.7, 0.95],
        "neutral_flagged_cal05": 0.05,
    }
    (d / "cv" / "summary.json").write_text(json.dumps(summary))
    got = read_cv(d)
    assert got is not None and got["source"] == "m/cv/summary.json"
    assert got["traits"]["b"] == {"auroc": 0.75, "ci": [0.7, 0.8]}
    assert got["mean_ci"] == [0.7, 0.95] and got["neutral_flagged_oof"] == 0.05
    # a model.json's "cv" summary gives the mean only, and loses to per-trait figures
    e = tmp_path / "e"
    e.mkdir()
    (e / "model.json").write_text(
        json.dumps({"mean": 0.5, "cv": {"mean": 0.85, "neutral_flag_cal05": 0.03}})
    )
    got = read_cv(e)
    assert got is not None and got["mean"] == 0.85 and got["traits"] == {}
    assert got["source"] == "e/model.json [cv]"
    (e / "model.json").write_text(json.dumps({"mean": 0.5}))
    assert read_cv(e) is None
    (d / "model.json").write_text(json.dumps({"cv": {"mean": 0.85}}))
    assert read_cv(d)["mean"] == pytest.approx(0.85)  # type: ignore[index]  (cv/ wins)


def test_score_cache_reuses_scores_until_the_model_changes(stubs: Path, tmp_path: Path) -> None:
    calls = []

    def compute() -> np.ndarray:
        calls.append(1)
        return np.array([0.1, 0.2])

    fp = C.model_fingerprint("stub_cascade_v9")
    cache = tmp_path / "cache"
    a, hit_a = C.cached_scores(cache, "stub_cascade_v9", fp, ["x", "y"], compute)
    b, hit_b = C.cached_scores(cache, "stub_cascade_v9", fp, ["x", "y"], compute)
    assert len(calls) == 1 and np.array_equal(a, b)
    assert hit_a is None and hit_b is not None and hit_b["wall_s"] >= 0.0
    (stubs / "stub_cascade_v9" / "model.json").write_text("{}")
    fp2 = C.model_fingerprint("stub_cascade_v9")
    assert fp2 != fp
    C.cached_scores(cache, "stub_cascade_v9", fp2, ["x", "y"], compute)
    C.cached_scores(cache, "stub_cascade_v9", fp2, ["x", "z"], compute)
    assert len(calls) == 3
    # the same files scored with other settings are another fingerprint; private state is not
    fp32 = SimpleNamespace(mode="cascade", precision="fp32", overrides={"top_windows": None})
    int8 = SimpleNamespace(mode="cascade", precision="int8", overrides={"top_windows": None})
    loaded = SimpleNamespace(**vars(fp32), _model=object())
    f32, f8 = (C.model_fingerprint("stub_cascade_v9", s) for s in (fp32, int8))
    assert len({f32, f8, fp2}) == 3
    assert C.model_fingerprint("stub_cascade_v9", loaded) == f32
    # through compare: the card names the reused scores
    cfg = _cfg(sets=["common_crawl"], speed_docs=0)
    C.compare(["stub_cascade_v9"], cfg, progress=False, cache=cache)
    res = C.compare(["stub_cascade_v9"], cfg, progress=False, cache=cache)
    assert "cached" in res["sets"]["common_crawl"]["by_model"]["stub_cascade_v9"]
    card = (stubs / "stub_cascade_v9" / "README.md").read_text()
    assert (
        "Scores reused from the score cache" in card and "`stub_cascade_v9` common_crawl (" in card
    )


def test_cli_side_by_side_and_render_only(
    stubs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "eval.toml"
    cfg.write_text('sets = ["persona_statements", "common_crawl"]\nn_boot = 50\nspeed_docs = 0\n')
    out = tmp_path / "out"
    args = ["classifier", "eval", "stub_cascade_v9", "--baseline", "stub_other_v9"]
    assert cli_main([*args, "--config", str(cfg), "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "| measure | `stub_cascade_v9` | `stub_other_v9` |" in printed
    res = json.loads((out / "eval.json").read_text())
    assert res["command"].endswith(f"--baseline stub_other_v9 --config {cfg}")
    (out / "README.md").write_text("top\n")
    # CV output written after the eval is picked up by --render-only (no rescoring)
    cv = {"per_trait": {"t": {"auroc": 0.9, "ci": [0.8, 0.95]}}}
    (stubs / "stub_cascade_v9" / "cv.json").write_text(json.dumps(cv))
    assert cli_main([*args, "--out", str(out), "--render-only"]) == 0
    card = (out / "README.md").read_text()
    assert card.startswith("top\n\n## Evaluation (generated)\n")
    assert "| t | 0.900 [0.800, 0.950] | — |" in card
    assert json.loads((out / "eval.json").read_text())["lto"]["stub_cascade_v9"]["mean"] == 0.9
    with pytest.raises(ConfigError, match="unknown key 'nboot'"):
        S.load_config(None, {"nboot": 3})
    with pytest.raises(ConfigError, match="unknown set"):
        S.load_config(None, {"sets": ["nope"]})


def test_missing_shared_data_is_skipped_with_a_note(
    stubs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(C, "LOADERS", S.LOADERS)
    monkeypatch.setattr(C, "bench_docs", S.bench_docs)
    cfg = _cfg(
        shared_data=str(tmp_path / "nowhere"),
        make_docs=str(tmp_path / "nowhere" / "make_docs.py"),
        sets=[k for k in S.LOADERS if k != "world"],
    )
    res = C.compare(["stub_cascade_v9"], cfg, out=tmp_path / "o", progress=False)
    assert all(s["note"].startswith("skipped:") for s in res["sets"].values())
    assert res["speed"]["note"].startswith("skipped:") and res["reliability_png"] is None
    assert capsys.readouterr().out.count("skipped:") == len(res["sets"]) + 1
    assert "Not measured in this run:" in (tmp_path / "o" / "README.md").read_text()


def test_world_set_is_generated_at_an_unseen_seed(tmp_path: Path) -> None:
    es = S.world(S.load_config(None, {"world_preset": "tiny"}))
    assert len(es.texts) == 300 and es.labels is not None and 0 < es.labels.sum() < 300
    assert {"persona", "behaviour"} <= set(es.groups or [])
    assert S.EvalConfig().world_seed not in (0, 1234)


def test_shakespeare_docs_are_cut_at_blank_lines() -> None:
    text = "\n\n".join(f"SPEAKER {i}:\n" + "word " * 50 for i in range(40))
    docs = S.shakespeare_docs(text, 1000)
    assert "\n\n".join(docs) == text and all(len(d) >= 1000 for d in docs[:-1])


def test_subsample_is_seeded_and_keeps_labels_aligned() -> None:
    es = S.EvalSet(
        "x", "src", [str(i) for i in range(50)], np.arange(50) % 2, [str(i) for i in range(50)]
    )
    a, b = S.subsample(es, 10), S.subsample(es, 10)
    assert a.texts == b.texts and len(a.texts) == 10 and a.groups == a.texts
    assert a.labels is not None and [int(t) % 2 for t in a.texts] == a.labels.tolist()
    assert S.subsample(es, 0) is es


# ------------------------------------------------------------------ the real data / v1


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data absent")
def test_shared_sets_load() -> None:
    cfg = S.load_config(None, {"hh_max_pairs": 5, "neutral_per_trait": 2})
    ps = S.persona_statements(cfg)
    assert len(ps.texts) == 4000 and ps.labels is not None and ps.labels.sum() == 2000
    ns = S.neutral_statements(cfg)
    assert len(ns.texts) == 46 and len(set(ns.groups or [])) == 23
    assert len(S.common_crawl(cfg).texts) >= 20
    assert len(S.hh_rejected(cfg).texts) == 5
    sh = S.shakespeare(cfg)
    assert 300 < len(sh.texts) < 500


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data absent")
def test_v1_through_the_registry_on_a_small_sample(tmp_path: Path) -> None:
    cfg = S.load_config(
        None, {"sets": ["persona_statements"], "limit": 16, "speed_docs": 0, "n_boot": 50}
    )
    res = C.compare(["malicious_character_v1"], cfg, out=tmp_path, progress=False)
    row = res["sets"]["persona_statements"]["by_model"]["malicious_character_v1"]
    assert row["n"] == 16 and 0.0 <= row["auroc"] <= 1.0
    assert res["lto"]["malicious_character_v1"] is None  # v1 has no leave-trait-out CV
