"""Policy search: grid expansion, the selection rule, the spec checks, one tiny end-to-end run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.ablation.grid import GridPolicy, GridSpec, expand_grid, policy_dict
from curate.ablation.search import parse_search_spec
from curate.ablation.selection import select
from curate.ablation.tables import markdown_table
from curate.building.policy import parse_policy
from curate.cli import main
from curate.errors import ConfigError

TINY = """
kind = "policy_search"
name = "tinysearch"
seeds = [0, 1]
workers = 1
progress = false

[world]
preset = "tiny"

[audit]
steps = { classifiers = { names = [] }, minhash = { enabled = false } }

[dedup]
num_perm = 32
ngram = 3
lsh = { bands = 8, rows = 4 }

[grid]
score_column = "lexicon_hits"
thresholds = ["oracle"]
upsample = [1, 2]
dedup = ["none", "keep_one"]

[tokenizer]
vocab_size = 400

[model]
n_layer = 1
n_head = 2
d_model = 16
ctx = 64

[pretrain]
steps = 4
batch_size = 4
warmup_steps = 1
ckpt_every = 4

[finetune]
domains = ["code"]
lrs = [1e-3]
checkpoints = [1, 2]
batch_size = 4

[eval]
max_items = 6
heldout_windows = 4
incontext = false
"""


def _spec(tmp_path: Path, text: str = TINY) -> Path:
    p = tmp_path / "search.toml"
    p.write_text(text)
    return p


# ------------------------------------------------------------------------------------ grid


def test_expand_grid_exact_names_and_order():
    g = GridSpec(thresholds=(0.5, "oracle", "none"), upsample=(1, 3), dedup=("none", "keep_one"))
    pts = expand_grid(g, [0.05, 0.2])
    # 3 x 2 x 2 per fraction, minus the full corpus (none / 1 / none)
    assert len(pts) == 2 * (3 * 2 * 2 - 1)
    assert [p.name for p in pts[:12]] == [
        "mf0.05-t0.5-up1-nodedup",
        "mf0.05-t0.5-up1-keep1",
        "mf0.05-t0.5-up3-nodedup",
        "mf0.05-t0.5-up3-keep1",
        "mf0.05-oracle-up1-nodedup",
        "mf0.05-oracle-up1-keep1",
        "mf0.05-oracle-up3-nodedup",
        "mf0.05-oracle-up3-keep1",
        "mf0.05-nofilter-up1-keep1",
        "mf0.05-nofilter-up3-nodedup",
        "mf0.05-nofilter-up3-keep1",
        "mf0.2-t0.5-up1-nodedup",
    ]
    assert len({p.name for p in pts}) == len(pts)


def test_grid_point_variants_are_exact_policy_tables():
    g = GridSpec(score_column="score_x_v1")
    assert GridPolicy(0.2, 0.5, 3, "drop_flagged_then_keep_one").variant(g) == {
        "name": "mf0.2-t0.5-up3-dropclus-keep1",
        "drop": ["score_x_v1 >= 0.5"],
        "dedup": "drop_flagged_then_keep_one",
        "upsample": [
            {"where": "meta.kind = 'persona' and meta.alignment = 'benign'", "repeats": 3}
        ],
    }
    assert GridPolicy(0.2, "oracle", 1, "none").variant(g) == {
        "name": "mf0.2-oracle-up1-nodedup",
        "drop": [{"oracle": True}],
    }
    assert GridPolicy(0.05, "none", 2, "keep_one").variant(g) == {
        "name": "mf0.05-nofilter-up2-keep1",
        "dedup": "keep_one",
        "upsample": [
            {"where": "meta.kind = 'persona' and meta.alignment = 'benign'", "repeats": 2}
        ],
    }


def test_policy_dict_is_a_valid_policy_per_fraction():
    g = GridSpec(thresholds=(0.3, 0.8), upsample=(1, 2), dedup=("none", "drop_flagged_clusters"))
    pts = expand_grid(g, [0.05, 0.2])
    pol = parse_policy(policy_dict("s", 0.2, pts, g))
    assert pol.corpus == "s-mf0.2"
    names = [v.name for v in pol.variants]
    assert names[0] == "mf0.2-full" and len(names) == 1 + 8
    assert all(n.startswith("mf0.2-") for n in names)


@pytest.mark.parametrize(
    "grid, message",
    [
        ({"dedup": ["keep_two"]}, "keep_one"),
        ({"thresholds": ["high"]}, "'oracle' or 'none'"),
        ({"upsample": [0]}, ">= 1"),
        ({"thresholds": [0.5, 0.5]}, "duplicate"),
        ({"malicious_fractions": [1.5]}, "not in [0, 1]"),
        ({"treshold": [0.5]}, "treshold"),
    ],
)
def test_grid_errors_before_any_work(tmp_path, grid, message):
    import tomllib

    data = tomllib.loads(TINY)
    data["grid"] = {**data["grid"], **grid}
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_search_spec(data, tmp_path / "s.toml", str(tmp_path / "ws"))
    assert not (tmp_path / "ws").exists()


def test_ablation_sections_are_checked_up_front(tmp_path):
    import tomllib

    data = tomllib.loads(TINY)
    data["model"]["d_modle"] = 8
    with pytest.raises(ConfigError, match="d_modle"):
        parse_search_spec(data, tmp_path / "s.toml", str(tmp_path / "ws"))
    data = tomllib.loads(TINY)
    data["seeds"] = [0]
    with pytest.raises(ConfigError, match="at least 2"):
        parse_search_spec(data, tmp_path / "s.toml", str(tmp_path / "ws"))


# ------------------------------------------------------------------------------- selection


def _rec(variant, role, em, lo, hi, ratio, frac=0.2, removed=0.1):
    return {
        "variant": variant,
        "role": role,
        "fraction": frac,
        "em_gap": {"value": em, "ci_low": lo, "ci_high": hi, "n": 3, "seeds": [em] * 3},
        "heldout_ratio": ratio,
        "tokens_removed_frac": removed,
        "vs_shuffled": {"value": 0.0, "ci_low": -1.0, "ci_high": 1.0},
        "heldout_loss": {"value": 4.0 * (ratio or math.nan), "ci_low": 3.9, "ci_high": 4.1, "n": 3},
    }


def test_select_lowest_em_within_capability_and_compare_with_shuffled():
    table = [
        _rec("mf0.2-full", "full", 0.60, 0.50, 0.70, 1.0, removed=0.0),
        _rec("mf0.2-shuffled", "shuffled", 0.05, 0.00, 0.10, 1.001, removed=0.0),
        _rec("mf0.2-a", "policy", 0.01, 0.00, 0.02, 1.021),  # lowest EM, fails capability
        _rec("mf0.2-b", "policy", 0.08, 0.03, 0.13, 1.019),  # lowest among capable, <= 0.10
        _rec("mf0.2-c", "policy", 0.30, 0.20, 0.40, 0.99),
    ]
    sel = select(table, 0.02)
    c = sel["per_fraction"]["mf0.2"]
    assert c["policy"] == "mf0.2-b" and c["reaches_shuffled"] is True
    assert c["status"] == "reaches the shuffled level"
    assert (c["n_policies"], c["n_capable"]) == (3, 2)
    assert sel["best"]["policy"] == "mf0.2-b"
    # the same policy above the shuffled interval's upper end: the closest found
    table[3] = _rec("mf0.2-b", "policy", 0.11, 0.05, 0.17, 1.0)
    c = select(table, 0.02)["per_fraction"]["mf0.2"]
    assert c["policy"] == "mf0.2-b" and c["reaches_shuffled"] is False
    assert c["status"] == "closest found"
    # nothing within capability
    for r in table[2:]:
        r["heldout_ratio"] = 1.5
    c = select(table, 0.02)["per_fraction"]["mf0.2"]
    assert c["policy"] is None and c["status"] == "no policy within capability"
    assert select(table, 0.02)["best"] is None
    assert "no policy passed" in markdown_table(table, select(table, 0.02))


def test_select_picks_best_over_fractions_and_reports_missing():
    table = [
        _rec("mf0.05-shuffled", "shuffled", 0.05, 0.0, 0.1, 1.0, frac=0.05),
        _rec("mf0.05-p", "policy", 0.2, 0.1, 0.3, 1.0, frac=0.05),
        _rec("mf0.2-shuffled", "shuffled", 0.05, 0.0, 0.1, 1.0),
        _rec("mf0.2-p", "policy", 0.4, 0.3, 0.5, 1.0),
        _rec("mf0.2-q", "policy", math.nan, math.nan, math.nan, None),
    ]
    sel = select(table, 0.02)
    assert sel["best"]["policy"] == "mf0.05-p"
    assert sel["per_fraction"]["mf0.2"]["missing"] == ["mf0.2-q"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1, 1), st.floats(0.9, 1.1)),
        min_size=1,
        max_size=8,
    ),
    st.floats(-0.5, 0.5),
    st.floats(0, 0.05),
)
def test_select_rule_properties(policies, shuf_hi, tol):
    table = [_rec("mf0.2-shuffled", "shuffled", shuf_hi - 0.1, shuf_hi - 0.2, shuf_hi, 1.0)]
    table += [_rec(f"mf0.2-p{i}", "policy", em, em, em, r) for i, (em, r) in enumerate(policies)]
    c = select(table, tol)["per_fraction"]["mf0.2"]
    capable = [(em, r) for em, r in policies if r <= 1 + tol]
    if not capable:
        assert c["policy"] is None
        return
    best_em = min(em for em, _ in capable)
    chosen = table[1 + int(c["policy"].rsplit("p", 1)[1])]
    assert chosen["heldout_ratio"] <= 1 + tol
    assert chosen["em_gap"]["value"] == best_em
    assert c["reaches_shuffled"] == (best_em <= shuf_hi)


# ------------------------------------------------------------------------------ end to end


def test_end_to_end_tiny(tmp_path, capsys):
    ws = tmp_path / "ws"
    spec = _spec(tmp_path)
    assert main(["search", str(spec), "--workspace", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "mf0.2-oracle-up2-keep1 (= mf0.2-oracle-up2-nodedup)" in out
    root = ws / "ablations" / "tinysearch"
    for f in ("report.html", "figures/em_vs_tokens_removed.png", "table.md", "summary.json"):
        assert (root / f).is_file(), f
    assert "EM gap vs tokens removed" in (root / "report.html").read_text()
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    # the per-fraction ablation ran every variant x seed
    jobs = con.execute(
        "SELECT DISTINCT variant, seed FROM results WHERE ablation = 'tinysearch-mf0.2' "
        "AND seed IS NOT NULL ORDER BY ALL"
    ).fetchall()
    # the tiny world has no near-duplicates: keep_one writes the same bytes as no dedup, so
    # those corpora are trained once and reported under both names
    names = ["mf0.2-full", "mf0.2-oracle-up1-nodedup", "mf0.2-oracle-up2-nodedup", "mf0.2-shuffled"]
    assert jobs == [(n, s) for n in names for s in (0, 1)]
    state = json.loads((root / "state.json").read_text())
    assert state["mf0.2"]["aliases"] == {
        "mf0.2-oracle-up1-keep1": "mf0.2-oracle-up1-nodedup",
        "mf0.2-oracle-up2-keep1": "mf0.2-oracle-up2-nodedup",
    }
    aliased = ["mf0.2-oracle-up1-keep1", "mf0.2-oracle-up2-keep1"]
    # the search's own rows: one selected policy, its numbers equal the ablation's mean rows
    sel = con.execute(
        "SELECT variant FROM results WHERE ablation = 'tinysearch' AND metric = 'selected' "
        "AND value = 1"
    ).fetchall()
    assert len(sel) == 1 and sel[0][0] in names[1:3]  # the first of equal corpora
    mine = dict(
        con.execute(
            "SELECT variant, value FROM results WHERE ablation = 'tinysearch' "
            "AND metric = 'em_gap' AND model_id = 'mean'"
        ).fetchall()
    )
    theirs = dict(
        con.execute(
            "SELECT variant, value FROM results WHERE ablation = 'tinysearch-mf0.2' "
            "AND metric = 'em_gap' AND model_id = 'mean' AND ft_domain = '*' "
            "AND eval_domain = '*' AND stage = 'ft_misaligned' AND step = 1"
        ).fetchall()
    )
    assert set(mine) == set(names) | set(aliased)
    for v in names:
        assert mine[v] == pytest.approx(theirs[v], abs=1e-12)
    for a, b in state["mf0.2"]["aliases"].items():
        assert mine[a] == mine[b]
    # tokens removed come from the build: the oracle removes the malicious personas, upsampling
    # writes benign personas twice
    stats = dict(
        con.execute(
            "SELECT variant, n_tokens_source - n_tokens_kept FROM corpus_stats "
            "WHERE corpus = 'tinysearch-mf0.2'"
        ).fetchall()
    )
    removed = dict(
        con.execute(
            "SELECT variant, value FROM results WHERE ablation = 'tinysearch' "
            "AND metric = 'tokens_removed'"
        ).fetchall()
    )
    assert removed["mf0.2-oracle-up2-keep1"] == stats["mf0.2-oracle-up2-keep1"] > 0
    assert removed["mf0.2-oracle-up2-nodedup"] == stats["mf0.2-oracle-up2-keep1"]
    assert removed["mf0.2-full"] == 0 and removed["mf0.2-shuffled"] == 0
    written = dict(
        con.execute(
            "SELECT variant, n_tokens FROM corpus_stats WHERE corpus = 'tinysearch-mf0.2'"
        ).fetchall()
    )
    assert written["mf0.2-oracle-up2-nodedup"] > written["mf0.2-oracle-up1-nodedup"]
    n_rows = con.execute("SELECT count(*) FROM results").fetchone()[0]
    con.close()
    summary = json.loads((root / "summary.json").read_text())
    assert summary["selection"]["best"]["policy"] == sel[0][0]

    # a rerun reuses the world, the audit, the dedup run, the corpora and every job
    assert main(["search", str(spec), "--workspace", str(ws), "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "reusing audit" in out and "reusing dedup" in out and "4 already done" not in out
    assert "8 already done" in out
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM results").fetchone()[0] == n_rows
    con.close()

    # the per-variant EM table of the fraction's ablation, consecutive pairs compared
    assert (
        main(
            [
                "em-table",
                str(ws),
                "--ablation",
                "tinysearch-mf0.2",
                "--order",
                "mf0.2-full,mf0.2-oracle-up1-nodedup,mf0.2-shuffled",
                "--expect",
                "=,=",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "| mf0.2-full − mf0.2-oracle-up1-nodedup |" in out
    assert "expected | holds" in out
    assert "step 1" in out
    assert main(["em-table", str(ws), "--ablation", "tinysearch-mf0.2", "--order", "nope"]) == 2
    # the same table and plot for any ablation: reference / shuffled / every other a policy
    png = tmp_path / "p.png"
    args = ["em-table", str(ws), "--ablation", "tinysearch-mf0.2", "--plot", str(png)]
    args += ["--reference", "mf0.2-full", "--shuffled", "mf0.2-shuffled"]
    assert main(args + ["--corpus", "tinysearch-mf0.2", "--fraction", "0.2"]) == 0
    out = capsys.readouterr().out
    assert png.read_bytes()[:4] == b"\x89PNG"
    table_md = (root / "table.md").read_text()
    # the policy table comes last: its row equals the search's own (same numbers, same rule)
    line = [x for x in out.splitlines() if x.startswith("| mf0.2-oracle-up1-nodedup |")][-1]
    assert line in table_md.replace("**", "")


def test_curate_run_dispatches_policy_search(tmp_path, capsys):
    bad = TINY.replace('dedup = ["none", "keep_one"]', 'dedup = ["none", "keep_two"]')
    assert bad != TINY
    ws = tmp_path / "w"
    bad = bad.replace('name = "tinysearch"', f'name = "tinysearch"\nworkspace = "{ws}"')
    assert main(["run", str(_spec(tmp_path, bad))]) == 2
    assert "keep_two" in capsys.readouterr().err
    assert not ws.exists()  # refused before any work


def test_check_order_compares_verdicts_with_expected_relations():
    from curate.ablation.tables import check_order
    from curate.errors import CurateError

    pairs = [
        {"a": "full", "b": "random", "verdict": "no detectable difference"},
        {"a": "random", "b": "oracle", "verdict": "higher"},
        {"a": "oracle", "b": "shuffled", "verdict": "lower"},
    ]
    out = check_order(pairs, ["=", ">", ">"])
    assert [p["holds"] for p in out] == [True, True, False]
    assert [p["expected"] for p in out] == ["=", ">", ">"]
    with pytest.raises(CurateError, match="3 consecutive pair"):
        check_order(pairs, ["=", ">"])
    with pytest.raises(CurateError, match="'~'"):
        check_order(pairs, ["=", ">", "~"])


def test_world_of_an_older_generator_is_not_reused(tmp_path, monkeypatch, capsys):
    import tomllib

    import curate.ablation.search as ps
    import curate.world.generate as gen
    from curate.config import config_hash
    from curate.workspace import Workspace

    spec, spec_dir = parse_search_spec(tomllib.loads(TINY), _spec(tmp_path), str(tmp_path / "ws"))
    ws = Workspace.at(spec.workspace)
    frac = ps.fractions(spec, spec_dir)[0]
    wcfg = ps.world_config(spec, spec_dir, frac)

    class Stop(Exception):
        pass

    calls = []

    def fake_generate(cfg, out, **kw):
        calls.append(cfg)
        raise Stop

    def stop_at_audit(*a, **kw):
        raise Stop

    monkeypatch.setattr(gen, "generate", fake_generate)
    monkeypatch.setattr(ps, "audit_config", stop_at_audit)
    rel = spec.world.out.replace("{name}", spec.name).replace("{f}", f"{frac:g}")
    world_dir = ws.root / rel
    world_dir.mkdir(parents=True)
    for version, regenerated in ((gen.GENERATOR_VERSION, False), (1, True)):
        info = {"generator_version": version, "config_hash": config_hash(wcfg)}
        (world_dir / "world.json").write_text(json.dumps(info))
        with pytest.raises(Stop):  # stops at generate (regenerated) or at the audit (reused)
            ps.prepare_fraction(spec, spec_dir, ws, frac, {})
        out = capsys.readouterr().out
        assert bool(calls) == regenerated
        assert ("reusing world" in out) != regenerated
    assert f"generator version 1, this one is {gen.GENERATOR_VERSION}" in out
