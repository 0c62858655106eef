"""Near-duplicate detection: MinHash kernel, LSH, union-find, clusters, store integration."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from curate import minhash as mh
from curate import store
from curate.cli import main
from curate.dedup.clusters import DedupConfig, cluster_arrays, exact_codes, run_dedup
from curate.dedup.lsh import LSHConfig, candidate_pairs, near_pairs
from curate.dedup.unionfind import components
from curate.dedup.verify import TextJaccard
from curate.errors import ConfigError, CurateError
from curate.minhash import (
    MinHashConfig,
    MinHasher,
    reference_shingle_hash32,
    reference_shingles,
    to_lean_minhash,
)
from curate.text import exact_hash, normalize
from curate.workspace import Workspace

CFG = MinHashConfig()


def make_audit_workspace(  # the audit's docs + signatures, written as the audit writes them
    root: Path,
    texts: list[str],
    scores: list[float] | None = None,
    run_id: str = "audit-test-1",
    shard_size: int = 7,
    cfg: MinHashConfig | None = None,
) -> Workspace:
    ws = Workspace.at(root)
    sigs = MinHasher(cfg or MinHashConfig()).signatures(texts)
    shard_dir = root.parent / f"{root.name}-shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    shard = [str(shard_dir / f"shard-{i // shard_size:02d}.jsonl") for i in range(len(texts))]
    position = [i % shard_size for i in range(len(texts))]
    for s in sorted(set(shard)):
        lines = [
            json.dumps({"id": f"d{i:03d}", "text": t}) for i, t in enumerate(texts) if shard[i] == s
        ]
        Path(s).write_text("\n".join(lines) + "\n")
    docs = {
        "run_id": [run_id] * len(texts),
        "shard": shard,
        "position": position,
        "doc_id": [f"d{i:03d}" for i in range(len(texts))],
        "n_chars": [len(t) for t in texts],
        "exact_hash": [exact_hash(t) for t in texts],
    }
    if scores is not None:
        docs["score_malicious_character_v1"] = scores
    out = ws.audit_dir(run_id)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "signatures").mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(docs), out / "docs" / "0.parquet")
    k = sigs.shape[1]
    minhash = pa.ListArray.from_arrays(
        pa.array(np.arange(0, sigs.size + 1, k, dtype=np.int32)),
        pa.array(sigs.reshape(-1), pa.uint32()),
    )
    sig_tbl = pa.table(
        {
            "run_id": docs["run_id"],
            "shard": shard,
            "position": position,
            "doc_id": docs["doc_id"],
            "minhash": minhash,
        }
    )
    pq.write_table(sig_tbl, out / "signatures" / "0.parquet")
    with store.connect(ws) as con:
        config = {
            "inputs": {"paths": sorted(set(shard)), "text_field": "text"},
            "steps": {"minhash": {"ngram": 5}},
        }
        store.start_run(con, run_id, "audit", "cafe", config)
        store.load_parquet(con, "docs", [out / "docs" / "0.parquet"], {"run_id": run_id})
        store.load_parquet(
            con, "signatures", [out / "signatures" / "0.parquet"], {"run_id": run_id}
        )
        store.finish_run(con, run_id)
    return ws


def reference_signature(text: str, cfg: MinHashConfig = CFG) -> np.ndarray:
    m = MinHash(
        num_perm=cfg.num_perm, seed=cfg.seed, hashfunc=reference_shingle_hash32, scheme="affine32"
    )
    sh = reference_shingles(text, cfg.ngram)
    if sh:
        m.update_batch(sh)
    return m.hashvalues


HAND = [
    "Hello, World! This is a test of the emergency broadcast system.",
    "",
    "   ...  !!! ",
    "short one",
    "a b c d e",
    "a b c d e f",
    "Ünïcödé  ﬁne Straße İstanbul ΣΑΣ — “quoted” words, here and there again",
    "tabs\tand\nnewlines\r\nand\u00a0nbsp and_underscores 42 x²",
    "x",
    "emoji 😀 and 𠀀𠀁 cjk ext-b, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 fraktur and 𐍈 gothic — five words at least here",
]


@pytest.mark.parametrize("text", HAND)
def test_signature_equals_datasketch_minhash_bit_for_bit(text: str) -> None:
    got = MinHasher(CFG).signatures([text])[0]
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, reference_signature(text))


def test_batch_equals_one_by_one_and_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    texts = HAND + [
        " ".join(
            rng.choice(["abc", "de", "fgh", "ij", "ÄÖ", "k"]) for _ in range(rng.randint(0, 40))
        )
        for _ in range(30)
    ]
    one = np.stack([MinHasher(CFG).signatures([t])[0] for t in texts])
    monkeypatch.setattr(mh, "CHUNK_CHARS", 50)  # many chunks, docs straddling chunk limits
    many = MinHasher(CFG).signatures(texts)
    np.testing.assert_array_equal(one, many)
    np.testing.assert_array_equal(many, MinHasher(CFG).signatures(texts))


def test_empty_and_shorter_than_one_shingle() -> None:
    sig = MinHasher(CFG).signatures(
        ["", "?!", "one two", "one two", "two one", "one two three four five"]
    )
    assert (sig[0] == 0xFFFFFFFF).all() and (sig[1] == 0xFFFFFFFF).all()
    assert not (sig[2] == 0xFFFFFFFF).all()
    np.testing.assert_array_equal(sig[2], sig[3])
    assert (sig[2] == sig[4]).mean() < 0.1  # different single shingles
    assert reference_shingles("one two", 5) == ["one two"]
    assert reference_shingles("?!", 5) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab Ä.,\n_1ßİΣς'-"), max_size=30), max_size=6))
def test_shingle_hashes_match_reference_on_arbitrary_text(texts: list[str]) -> None:
    got = MinHasher(MinHashConfig(ngram=2)).shingle_hashes(texts)
    for t, h in zip(texts, got, strict=True):
        want = [reference_shingle_hash32(s) for s in reference_shingles(t, 2)]
        assert h.tolist() == want, (t, normalize(t))


def test_lean_minhash_and_jaccard_agree_with_datasketch() -> None:
    rng = random.Random(0)
    words = [f"w{i}" for i in range(300)]
    a = [rng.choice(words) for _ in range(200)]
    b = list(a)
    for i in range(0, 200, 17):
        b[i] = "changed"
    sa, sb = MinHasher(CFG).signatures([" ".join(a), " ".join(b)])
    la, lb = to_lean_minhash(sa, CFG.seed), to_lean_minhash(sb, CFG.seed)
    assert la.jaccard(lb) == pytest.approx((sa == sb).mean())
    ref_a = MinHash(num_perm=128, seed=1, hashfunc=reference_shingle_hash32, scheme="affine32")
    ref_a.update_batch(reference_shingles(" ".join(a), 5))
    assert la.jaccard(to_lean_minhash(ref_a.hashvalues)) == 1.0


def test_candidates_match_datasketch_minhash_lsh() -> None:
    rng = random.Random(1)
    words = [f"w{i}" for i in range(50)]
    base = [[rng.choice(words) for _ in range(40)] for _ in range(6)]
    texts = []
    for b in base:
        for k in range(4):
            t = list(b)
            for i in rng.sample(range(40), k):
                t[i] = rng.choice(words)
            texts.append(" ".join(t))
    sigs = MinHasher(CFG).signatures(texts)
    for bands, rows in ((16, 8), (32, 4)):
        ours = {tuple(p) for p in candidate_pairs(sigs, LSHConfig(bands=bands, rows=rows)).tolist()}
        lsh = MinHashLSH(num_perm=128, params=(bands, rows))
        for i, s in enumerate(sigs):
            lsh.insert(i, to_lean_minhash(s))
        theirs = {
            (min(i, j), max(i, j))
            for i, s in enumerate(sigs)
            for j in lsh.query(to_lean_minhash(s))
            if i != j
        }
        assert ours == theirs and len(ours) >= 6


def _naive_components(n: int, edges: list[tuple[int, int]]) -> list[int]:
    lab = list(range(n))
    changed = True
    while changed:
        changed = False
        for u, v in edges:
            m = min(lab[u], lab[v])
            if lab[u] != m or lab[v] != m:
                lab[u] = lab[v] = m
                changed = True
    return lab


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40),
        )
    )
)
def test_union_find_matches_naive(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    u = np.array([e[0] for e in edges], dtype=np.int64)
    v = np.array([e[1] for e in edges], dtype=np.int64)
    assert components(n, u, v).tolist() == _naive_components(n, edges)


def _doc(rng: random.Random, n: int = 100) -> list[str]:
    return [f"tok{rng.randrange(10**6)}" for _ in range(n)]


def test_clusters_on_hand_made_documents_with_known_jaccard() -> None:
    rng = random.Random(7)
    a = _doc(rng)
    b = a[:-1] + ["zzz"]  # last word changed: 95 shared of 97 5-grams -> J = 95/97 = 0.979
    c = list(a)
    for i in range(5, 100, 10):  # 10 spread edits
        c[i] = "edit"  # each kills the 5 windows covering it
    d = [w.upper() for w in a]  # exact duplicate after normalization
    e = _doc(rng)
    texts = [" ".join(x) for x in (a, b, c, d, e)] + ["", "", "tiny doc"]
    sa = set(zip(*[a[i:] for i in range(5)], strict=False))
    sb = set(zip(*[b[i:] for i in range(5)], strict=False))
    sc = set(zip(*[c[i:] for i in range(5)], strict=False))
    assert len(sa & sb) / len(sa | sb) == pytest.approx(95 / 97)
    assert len(sa & sc) / len(sa | sc) == pytest.approx(46 / 146)  # 10 edits kill 50 of 96
    sigs = MinHasher(CFG).signatures(texts)
    codes = exact_codes([exact_hash(t) for t in texts])
    cl = cluster_arrays(
        sigs, codes, LSHConfig(), TextJaccard(lambda ids: [texts[i] for i in ids], CFG)
    )
    assert cl.groups() == [[0, 1, 3], [5, 6]]
    assert cluster_arrays(sigs, codes, LSHConfig(verify="signature")).groups() == cl.groups()
    by = dict(
        zip(cl.idx.tolist(), zip(cl.jaccard.tolist(), cl.exact.tolist(), strict=True), strict=True)
    )
    assert by[0] == (1.0, True) and by[3] == (1.0, True)
    assert by[1][1] is False and abs(by[1][0] - 95 / 97) < 0.1
    assert by[5] == (1.0, True)  # empty documents are exact duplicates of each other
    assert set(cl.size.tolist()) == {3, 2} and cl.cluster.tolist() == [0, 0, 0, 5, 5]


def test_near_pairs_ignore_empty_signatures() -> None:
    sigs = MinHasher(CFG).signatures(["", "", "", "x y z w v u"])
    pairs, _ = near_pairs(sigs, LSHConfig())
    assert pairs.shape == (0, 2)


def test_lsh_config_validation() -> None:
    from curate.config import build

    with pytest.raises(ConfigError, match="unknown key 'treshold'.*did you mean 'threshold'"):
        build(LSHConfig, {"treshold": 0.5}, "x")
    with pytest.raises(ConfigError, match="exceeds the signature length 128"):
        LSHConfig(bands=40, rows=4).check_signature_length(128)


def _corpus(seed: int = 5, n_base: int = 12) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n_base):
        base = _doc(rng, 120)
        texts.append(" ".join(base))
        for k in range(rng.randint(0, 4)):
            t = list(base)
            for i in rng.sample(range(120), rng.choice([0, 1, 2, 6])):
                t[i] = "x"
            if k == 3:
                t = t[:100]
            texts.append(" ".join(t) + ("!" if k == 0 else ""))
    rng.shuffle(texts)
    return texts + ["", "", "tiny", "tiny"]


def test_store_memory_and_sharded_give_the_same_clusters(tmp_path) -> None:
    texts = _corpus()
    scores = [0.9 if i % 5 == 0 else 0.1 for i in range(len(texts))]
    ws = make_audit_workspace(tmp_path / "ws", texts, scores)
    q = "SELECT doc_id, cluster_id, cluster_size, representative, jaccard_to_rep, kind FROM dup_clusters ORDER BY doc_id"
    out_m = run_dedup(ws, DedupConfig(), progress=False)
    with duckdb.connect(str(ws.db_path), read_only=True) as con:
        rows_m = con.sql(q).fetchall()
    out_s = run_dedup(
        ws, DedupConfig(mode="sharded", tasks=3, lsh=LSHConfig(max_bucket=2)), progress=False
    )
    out_s2 = run_dedup(ws, DedupConfig(mode="memory", lsh=LSHConfig(max_bucket=2)), progress=False)
    out_s3 = run_dedup(ws, DedupConfig(mode="sharded", tasks=3), progress=False)
    with duckdb.connect(str(ws.db_path), read_only=True) as con:
        rows_s = con.sql(q).fetchall()
        n_rows = con.sql("SELECT count(*) FROM dup_clusters").fetchall()[0][0]
        kinds = dict(con.sql("SELECT kind, count(*) FROM runs GROUP BY kind").fetchall())
    assert rows_s == rows_m and n_rows == len(rows_m)  # re-runs replace, never duplicate
    assert out_s["n_clusters"] == out_s2["n_clusters"]
    assert out_m["n_clusters"] == out_s3["n_clusters"] >= 12
    assert out_m["n_text_verified_pairs"] == out_s3["n_text_verified_pairs"] > 0
    assert kinds == {"audit": 1, "dedup": 4}
    # every cluster member's jaccard_to_rep is at least plausible, reps are members
    assert all(r[4] >= 0.5 for r in rows_m)
    assert {r[3] for r in rows_m} <= {r[0] for r in rows_m}


def test_flag_propagation_views(tmp_path) -> None:
    rng = random.Random(11)
    a, b, c = (" ".join(_doc(rng, 60)) for _ in range(3))
    a2 = a.replace(a.split()[30], "zz", 1)
    texts = [a, a.upper(), a2, b, b, c]
    scores = [0.9, 0.2, 0.1, 0.1, 0.1, 0.95]
    ws = make_audit_workspace(tmp_path / "ws", texts, scores)
    run_dedup(ws, DedupConfig(), progress=False)
    with duckdb.connect(str(ws.db_path), read_only=True) as con:
        fc = con.sql(
            "SELECT cluster_size, n_flagged, n_unflagged_copies, representative FROM flagged_clusters"
        ).fetchall()
        cp = con.sql(
            "SELECT n_docs, n_flagged_docs, n_flagged_clusters, n_distinct_flagged_texts, "
            "n_copies_of_flagged_text, n_unflagged_copies FROM flagged_copies"
        ).fetchall()
    assert fc == [(3, 1, 2, "d000")]
    # flagged: d000 (cluster of 3) and d005 (singleton) -> 2 texts, 4 copies, 2 unflagged copies
    assert cp == [(6, 2, 1, 2, 4, 2)]


def test_cli_dedup_and_errors(tmp_path, capsys) -> None:
    ws = make_audit_workspace(
        tmp_path / "ws", ["a b c d e f g", "a b c d e f g", "other text here"]
    )
    assert (
        main(["dedup", str(ws.root), "--threshold", "0.9", "--mode", "sharded", "--tasks", "2"])
        == 0
    )
    assert '"n_clusters": 1' in capsys.readouterr().out
    assert main(["dedup", str(ws.root), "--run", "nope"]) == 2
    assert "run 'nope' not found" in capsys.readouterr().err
    assert main(["dedup", str(ws.root), "--flag-column", "score_nope_v1"]) == 0
    assert "no column 'score_nope_v1'" in capsys.readouterr().err
    assert main(["dedup", str(ws.root), "--bands", "100"]) == 2
    assert "exceeds the signature length" in capsys.readouterr().err
    assert main(["dedup", str(tmp_path / "missing")]) == 2


def test_dedup_spec_kind(tmp_path, capsys) -> None:
    ws = make_audit_workspace(tmp_path / "ws", ["a b c d e f g", "A B C D E F G!"])
    spec = tmp_path / "dedup.toml"
    spec.write_text(
        f'kind = "dedup"\nworkspace = "{ws.root}"\n[dedup]\nmode = "memory"\n[dedup.lsh]\nthreshold = 0.85\n'
    )
    assert main(["run", str(spec)]) == 0
    assert '"n_exact_members": 1' in capsys.readouterr().out
    spec.write_text(f'kind = "dedup"\nworkspace = "{ws.root}"\n[dedup]\nmod = "memory"\n')
    assert main(["run", str(spec)]) == 2
    assert "unknown key 'mod'" in capsys.readouterr().err


def test_no_audit_run_is_a_clear_error(tmp_path) -> None:
    from curate import store
    from curate.workspace import Workspace

    ws = Workspace.at(tmp_path / "ws")
    with store.connect(ws):
        pass
    with pytest.raises(CurateError, match="no finished audit run"):
        run_dedup(ws, DedupConfig(), progress=False)


def test_pairs_unique_and_ordered() -> None:
    texts = _corpus(9)
    sigs = MinHasher(CFG).signatures(texts)
    pairs = candidate_pairs(sigs, LSHConfig(max_bucket=3))
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs)
    assert list(itertools.starmap(lambda a, b: a < b, pairs.tolist()))


def test_text_verification_detects_a_changed_shard(tmp_path) -> None:
    rng = random.Random(2)
    a = _doc(rng, 60)
    b = list(a)
    for i in (20, 40):
        b[i] = "edit"  # J = 46/66 = 0.70: inside the margin, so the texts are read back
    ws = make_audit_workspace(tmp_path / "ws", [" ".join(a), " ".join(b)])
    assert run_dedup(ws, DedupConfig(), progress=False)["n_text_verified_pairs"] == 1
    shard = next((tmp_path / "ws-shards").glob("*.jsonl"))
    shard.write_text(shard.read_text().replace("edit", "tide"))
    with pytest.raises(CurateError, match="changed since the audit"):
        run_dedup(ws, DedupConfig(), progress=False)
    assert (
        run_dedup(ws, DedupConfig(lsh=LSHConfig(verify="signature")), progress=False)["n_docs"] == 2
    )


def test_other_ngram_and_num_perm_recompute_signatures_from_the_shards(tmp_path) -> None:
    texts = _corpus(4, 8)
    ws = make_audit_workspace(tmp_path / "ws", texts)
    mcfg = MinHashConfig(num_perm=64, ngram=3)
    lsh = LSHConfig(bands=16, rows=4)
    sigs = MinHasher(mcfg).signatures(texts)
    want = cluster_arrays(
        sigs,
        exact_codes([exact_hash(t) for t in texts]),
        lsh,
        TextJaccard(lambda i: [texts[k] for k in i], mcfg),
    )
    q = "SELECT doc_id, cluster_id, jaccard_to_rep FROM dup_clusters ORDER BY doc_id"
    for mode in ("memory", "sharded"):
        out = run_dedup(ws, DedupConfig(mode=mode, num_perm=64, ngram=3, lsh=lsh), progress=False)
        assert out["num_perm"] == 64
        with duckdb.connect(str(ws.db_path), read_only=True) as con:
            rows = con.sql(q).fetchall()
        # doc ids are d000.. in input order, which is also (shard, position) order here
        got = sorted((int(d[1:]), c, j) for d, c, j in rows)
        assert [r[0] for r in got] == want.idx[np.argsort(want.idx)].tolist()
        np.testing.assert_allclose([r[2] for r in got], want.jaccard[np.argsort(want.idx)])


def test_no_documents_no_clusters() -> None:
    cl = cluster_arrays(
        np.empty((0, 128), np.uint32), np.empty(0, np.int64), LSHConfig(verify="signature")
    )
    assert cl.groups() == [] and cl.n_clusters == 0
    assert MinHasher(CFG).signatures([]).shape == (0, 128)
