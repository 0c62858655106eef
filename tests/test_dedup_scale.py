"""The bucket-sharded LSH path gives the same clusters as the in-memory path, run as separate
stage-1 and stage-2 tasks on datatrove's local executor (the executor a Slurm/Ray run swaps in)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datatrove.executor import LocalPipelineExecutor
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dedup import _corpus

from curate.dedup.clusters import assemble, cluster_arrays, exact_codes, exact_edges
from curate.dedup.lsh import LSHConfig
from curate.dedup.scale import (
    BucketsStage,
    PairsStage,
    SignatureFile,
    near_edges_sharded,
    stage_edges,
)
from curate.minhash import MinHashConfig, MinHasher
from curate.text import exact_hash


def _setup(tmp_path):
    texts = _corpus(21, 20)
    sigs = MinHasher(MinHashConfig()).signatures(texts)
    codes = exact_codes([exact_hash(t) for t in texts])
    eu, ev, heads = exact_edges(codes)
    head_of = np.arange(len(texts))
    head_of[ev] = eu
    src = SignatureFile.write(tmp_path / "sigs.parquet", sigs, head_of)
    return texts, sigs, codes, eu, ev, SignatureFile(src.path, batch_rows=8)


@pytest.mark.slow  # datatrove executor start-up: ~20 s on the shared machine
def test_sharded_on_datatrove_executor_equals_memory(tmp_path) -> None:
    texts, sigs, codes, eu, ev, src = _setup(tmp_path)
    cfg = LSHConfig(verify="signature", max_bucket=3)
    want = cluster_arrays(sigs, codes, cfg)
    work = tmp_path / "work"
    n_parts = 4
    LocalPipelineExecutor(
        [BucketsStage(str(src.path), str(work), cfg, n_parts, batch_rows=8)],
        tasks=3,
        logging_dir=str(tmp_path / "logs1"),
    ).run()
    LocalPipelineExecutor(
        [PairsStage(str(src.path), str(work), cfg, n_parts)],
        tasks=2,
        logging_dir=str(tmp_path / "logs2"),
    ).run()
    # every bucket lives in exactly one partition
    import pyarrow.parquet as pq

    seen: dict[int, str] = {}
    for f in (work / "buckets").rglob("*.parquet"):
        for b in pq.read_table(f).column("bucket").to_pylist():
            assert seen.setdefault(b, f.parent.name) == f.parent.name
    assert len({*seen.values()}) == n_parts
    nu, nv = stage_edges(work)
    got = assemble(
        np.concatenate([eu, nu]), np.concatenate([ev, nv]), lambda i: sigs[i], lambda i: codes[i]
    )
    assert got.groups() == want.groups() and len(want.groups()) >= 15
    np.testing.assert_allclose(got.jaccard, want.jaccard)


def test_sharded_in_process_equals_memory_for_any_task_count(tmp_path) -> None:
    texts, sigs, codes, eu, ev, src = _setup(tmp_path)
    cfg = LSHConfig(verify="signature")
    want = cluster_arrays(sigs, codes, cfg).groups()
    for n_tasks in (1, 2, 5):
        nu, nv = near_edges_sharded(src, cfg, tmp_path / f"w{n_tasks}", n_tasks)
        got = assemble(
            np.concatenate([eu, nu]),
            np.concatenate([ev, nv]),
            lambda i: sigs[i],
            lambda i: codes[i],
        )
        assert got.groups() == want


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n_tasks=st.integers(1, 4),
    max_bucket=st.integers(2, 6),
    shape=st.sampled_from([(32, 4), (16, 8), (64, 2)]),
)
def test_sharded_equals_memory_property(tmp_path_factory, seed, n_tasks, max_bucket, shape) -> None:
    rng = random.Random(seed)
    vocab = [f"v{i}" for i in range(40)]
    base = [[rng.choice(vocab) for _ in range(30)] for _ in range(5)]
    texts = []
    for _ in range(30):
        t = list(rng.choice(base))
        for i in rng.sample(range(30), rng.randint(0, 4)):
            t[i] = rng.choice(vocab)
        texts.append(" ".join(t))
    sigs = MinHasher(MinHashConfig()).signatures(texts)
    codes = exact_codes([exact_hash(t) for t in texts])
    eu, ev, _ = exact_edges(codes)
    head_of = np.arange(len(texts))
    head_of[ev] = eu
    tmp = tmp_path_factory.mktemp("prop")
    src = SignatureFile(SignatureFile.write(tmp / "s.parquet", sigs, head_of).path, batch_rows=7)
    cfg = LSHConfig(verify="signature", bands=shape[0], rows=shape[1], max_bucket=max_bucket)
    nu, nv = near_edges_sharded(src, cfg, tmp / "w", n_tasks)
    got = assemble(
        np.concatenate([eu, nu]), np.concatenate([ev, nv]), lambda i: sigs[i], lambda i: codes[i]
    )
    assert got.groups() == cluster_arrays(sigs, codes, cfg).groups()
