"""`curate.building.tasks`: the build's write pass as executor tasks writes the same bytes as the
one-process `curate.building.builder.write_pass` (same part files, same parts list), whatever
the number of tasks, on the local executor and on Ray."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.building.builder import write_pass
from curate.building.tasks import plan, write_pass_on
from curate.config import build
from curate.errors import CurateError
from curate.executors import ExecutorConfig

N_SHARDS = 5


def make_sources(d: Path) -> tuple[list[str], dict[str, int]]:
    """Five shards of unequal size (one with a bad line, one parquet); returns (shards, n_read)."""
    d.mkdir(parents=True, exist_ok=True)
    shards, n_read = [], {}
    sizes = [3, 9, 1, 6, 4]
    for s, n in enumerate(sizes):
        recs = [
            {"id": f"s{s}-{i}", "text": f"doc {s}/{i} " + "word " * (i + s), "meta": {"k": i}}
            for i in range(n)
        ]
        if s == 4:
            p = d / f"s{s}.parquet"
            pq.write_table(pa.Table.from_pylist(recs), p)
        else:
            lines = [json.dumps(r) for r in recs]
            if s == 1:
                lines.insert(4, "{not json")
            p = d / f"s{s}.jsonl"
            p.write_text("\n".join(lines) + "\n")
        shards.append(str(p))
        n_read[str(p)] = n + (1 if s == 1 else 0)
    return shards, n_read


def decisions(shards: list[str], repeats_of) -> pa.Table:
    """Decision rows (shard, position order) as the builder writes them: bad lines have none."""
    rows = []
    for s, shard in enumerate(sorted(shards)):
        n = {0: 3, 1: 9, 2: 1, 3: 6, 4: 4}[int(Path(shard).stem[1:])]
        for i in range(n):
            pos = i + 1 if (Path(shard).stem == "s1" and i >= 4) else i
            k = repeats_of(s, i)
            rows.append(
                {
                    "corpus": "c",
                    "variant": "v",
                    "run_id": "r",
                    "shard": shard,
                    "position": pos,
                    "doc_id": f"{Path(shard).stem}-{i}",
                    "decision": "keep" if k else "drop",
                    "reason": "kept" if k else "rule",
                    "repeats": k,
                    "n_tokens": 1,
                    "n_chars": 1,
                }
            )
    return pa.Table.from_pylist(rows)


VARIANTS = {
    "full": lambda s, i: 1,
    "filtered": lambda s, i: 0 if (s + i) % 3 == 0 else 1,
    "upsampled": lambda s, i: 2 if i % 4 == 1 else (0 if i % 5 == 2 else 1),
    "empty": lambda s, i: 0,
}


def setup_dirs(root: Path, shards: list[str]) -> list[Path]:
    dirs = []
    for name, fn in VARIANTS.items():
        d = root / f".tmp-{name}"
        d.mkdir(parents=True)
        pq.write_table(decisions(shards, fn), d / "decisions.parquet")
        dirs.append(d)
    return dirs


def files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.name != "decisions.parquet"}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return make_sources(tmp_path_factory.mktemp("src"))


def sequential(root: Path, shards, n_read, fmt: str, max_records: int):
    dirs = setup_dirs(root, shards)
    ws = write_pass(dirs, fmt, max_records, 1, "text", "id", n_read, 23, False)
    return dirs, ws


def test_plan_cuts_contiguous_ranges_of_about_equal_documents(tmp_path, sources) -> None:
    shards, _ = sources
    dirs = setup_dirs(tmp_path, shards)
    p = plan(dirs, 3)
    assert p.shards == tuple(sorted(shards))
    assert p.cuts == (0, 2, 4, 5)  # documents 3+9 | 1+6 | 4 of 23: cuts at >= 23/3 and 46/3
    assert p.bounds[0] == (0, 12, 19, 23)  # full: one record per document
    assert p.bounds[3] == (0, 0, 0, 0)  # empty
    many = plan(dirs, 8)  # more tasks than shards: some ranges are empty
    assert many.cuts[0] == 0 and many.cuts[-1] == 5 and list(many.cuts) == sorted(many.cuts)


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_tasks_write_the_same_bytes_as_the_sequential_pass(tmp_path, sources, fmt) -> None:
    shards, n_read = sources
    want_dirs, want = sequential(tmp_path / "seq", shards, n_read, fmt, 4)
    ex = build(ExecutorConfig, {"kind": "local", "tasks": 3, "workers": 1})
    dirs = setup_dirs(tmp_path / "tasks", shards)
    got = write_pass_on(ex, tmp_path / "logs", dirs, fmt, 4, 1, "text", "id", n_read)
    for w, g, wd, gd in zip(want, got, want_dirs, dirs, strict=True):
        assert g.n_records == w.n_records and g.parts == w.parts, wd.name
        assert files(gd) == files(wd), wd.name  # no fragment or task file left either
    assert [g.n_records for g in got] == [23, 16, 24, 0]  # 7 dropped; 6 doubled, 5 dropped


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tasks=st.integers(1, 7), max_records=st.integers(1, 30))
def test_any_task_count_and_part_size_give_the_same_bytes(
    tmp_path_factory, sources, tasks, max_records
) -> None:
    shards, n_read = sources
    root = tmp_path_factory.mktemp("prop")
    want_dirs, want = sequential(root / "seq", shards, n_read, "jsonl.gz", max_records)
    ex = build(ExecutorConfig, {"kind": "local", "tasks": tasks, "workers": 1})
    dirs = setup_dirs(root / "tasks", shards)
    got = write_pass_on(ex, root / "logs", dirs, "jsonl.gz", max_records, 1, "text", "id", n_read)
    for w, g, wd, gd in zip(want, got, want_dirs, dirs, strict=True):
        assert g.parts == w.parts and files(gd) == files(wd)
    shutil.rmtree(root)


def test_changed_source_fails_like_the_sequential_pass(tmp_path, sources) -> None:
    shards, n_read = sources
    dirs = setup_dirs(tmp_path, shards)
    ex = build(ExecutorConfig, {"kind": "local", "tasks": 2, "workers": 1})
    bad = {**n_read, shards[0]: n_read[shards[0]] + 1}
    with pytest.raises(CurateError, match="changed since the audit"):
        write_pass_on(ex, tmp_path / "logs", dirs, "jsonl.gz", 4, 1, "text", "id", bad)
    slurm = build(ExecutorConfig, {"kind": "slurm", "partition": "p"})
    with pytest.raises(CurateError, match="local or ray executor"):
        write_pass_on(slurm, tmp_path / "l2", dirs, "jsonl.gz", 4, 1, "text", "id", n_read)


@pytest.mark.slow  # Ray start-up: ~20 s
def test_ray_tasks_write_the_same_bytes(tmp_path, sources) -> None:
    ray = pytest.importorskip("ray")
    shards, n_read = sources
    want_dirs, want = sequential(tmp_path / "seq", shards, n_read, "parquet", 5)
    dirs = setup_dirs(tmp_path / "tasks", shards)
    ex = build(ExecutorConfig, {"kind": "ray", "tasks": 2, "ray_cpus": 2})
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    got = write_pass_on(ex, tmp_path / "logs", dirs, "parquet", 5, 1, "text", "id", n_read)
    assert not ray.is_initialized()
    for w, g, wd, gd in zip(want, got, want_dirs, dirs, strict=True):
        assert g.parts == w.parts and files(gd) == files(wd)


@pytest.mark.parametrize("fmt", ["parquet"])  # jsonl.gz: the property test above
def test_curate_build_with_tasks_writes_the_same_corpus(tmp_path, fmt, capsys) -> None:
    """`curate build --executor local --tasks 3` == the default one-process build, byte for byte
    (parts, decisions, stats) and in the manifest's parts list."""
    from test_build import CONTROL, _outputs, _sized_corpus, fake_audit

    from curate.building import build_corpora
    from curate.cli import main

    text = CONTROL.format(unit="tokens", seed=3).replace(
        'corpus = "c"', f'corpus = "c"\nformat = "{fmt}"\nmax_records_per_part = 13'
    )
    pfile = tmp_path / "policy.toml"
    pfile.write_text(text)
    corpus = _sized_corpus(90)
    shards = [corpus[:25], corpus[25:70], corpus[70:]]
    ws_a = fake_audit(tmp_path / "a", shards, src=tmp_path / "src")
    ws_b = fake_audit(tmp_path / "b", shards, src=tmp_path / "src")
    res = build_corpora(ws_a, str(pfile), progress=False, log=lambda s: None)
    argv = ["build", str(pfile), "--workspace", str(ws_b.root), "--executor", "local"]
    assert main([*argv, "--tasks", "3", "--workers", "1", "--quiet"]) == 0
    assert "clf (built)" in capsys.readouterr().out
    a, b = _outputs(res.corpus_dir), _outputs(ws_b.root / "corpora" / "c")
    assert sorted(a) == sorted(b) and any(k.endswith(f"part-00002.{fmt}") for k in a)
    for k in a:
        assert a[k] == b[k], k
    for v in ("clf", "random"):
        ma = json.loads((res.corpus_dir / v / "manifest.json").read_text())
        mb = json.loads((ws_b.root / "corpora" / "c" / v / "manifest.json").read_text())
        assert ma["parts"] == mb["parts"] and ma["counts"] == mb["counts"]
    with pytest.raises(SystemExit):  # a build waits for its tasks: no slurm flag
        main([*argv[:4], "--executor", "slurm"])
