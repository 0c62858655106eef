"""Hardening, round 2: ways to lose data or leave the workspace that round 1 left open.

Guarantees proved here:

- an ablation or search spec's output folders resolve inside the workspace (absolute paths,
  '..' and symlinks out are refused before any work), and the world generator replaces only a
  folder it wrote itself;
- a build re-checks every source shard against what the audit read (fingerprint, then the exact
  hash of every document) and publishes nothing from a shard edited since;
- the workspace lock is never a symlink or hard link to something else;
- every model artifact is checked against the sha256 its model.json records, and a malformed
  model.json is one clear error;
- user-given names are validated whole (a trailing newline is not a name);
- specs refuse NaN, infinities and absurd sizes; disk-full, over-long names and similar
  file-system errors end in one message and exit 2; only a closed stdout is a quiet exit.

Each test's docstring is its row in docs/hardening.md (`bench/hardening_table.py`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from curate.ablation.spec import parse_spec
from curate.audit.run import resolve_config, run_audit
from curate.building import build_corpora
from curate.building.policy import parse_policy
from curate.classifiers.cascade import CascadeModel
from curate.cli import main
from curate.errors import ConfigError, CurateError
from curate.paths import classifiers_dir
from curate.workspace import Workspace
from curate.world.config import WorldConfig
from curate.world.generate import generate

REPO = Path(__file__).resolve().parent.parent


def _tree(root: Path) -> dict[str, str]:
    """Every file under `root` with its content hash (links recorded by their target)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            out[str(p)] = "-> " + os.readlink(p)
        elif p.is_file():
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _victim(root: Path) -> Path:
    v = root / "victim"
    for sub in ("eval", "pretrain"):
        (v / sub).mkdir(parents=True)
        (v / sub / "keep.txt").write_text("precious")
    (v / "config.toml").write_text("precious = true\n")
    return v


def _ablation_data(ws: Path, out: str) -> dict:
    return {
        "kind": "ablation",
        "name": "esc",
        "workspace": str(ws),
        "seeds": [0],
        "world": {"preset": "tiny", "out": out},
        "variants": [{"name": "full", "paths": [f"{out}/pretrain"]}],
        "model": {"n_layer": 1, "n_head": 1, "d_model": 8, "ctx": 16},
        "pretrain": {"steps": 1, "batch_size": 1},
    }


@pytest.mark.parametrize("out", ["../victim", "ABS", "link/world", "a/../../victim"])
def test_spec_output_folders_stay_inside_the_workspace(tmp_path, out, capsys):
    """an ablation spec whose `[world] out` is "../victim", an absolute path, "a/../../victim" or a
    path through a symlink planted in the workspace | ConfigError before any work (exit 2 from
    `curate ablate`); the folder outside, holding eval/, pretrain/ and config.toml, is unchanged"""
    victim = _victim(tmp_path)
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "link").symlink_to(tmp_path, target_is_directory=True)
    out = str(victim) if out == "ABS" else out
    before = _tree(victim)
    with pytest.raises(ConfigError, match="inside the workspace|outside the workspace"):
        parse_spec(_ablation_data(ws, out), tmp_path / "spec.toml")
    spec = tmp_path / "spec.toml"
    spec.write_text(_toml(_ablation_data(ws, out)))
    assert main(["ablate", str(spec)]) == 2
    assert "workspace" in capsys.readouterr().err
    assert _tree(victim) == before


def _toml(d: dict) -> str:
    lines = []
    tables = {k: v for k, v in d.items() if isinstance(v, dict)}
    for k, v in d.items():
        if k in tables or k == "variants":
            continue
        lines.append(f"{k} = {json.dumps(v)}")
    for k, v in tables.items():
        lines.append(f"[{k}]")
        lines += [f"{kk} = {json.dumps(vv)}" for kk, vv in v.items()]
    for v in d.get("variants", []):
        lines.append("[[variants]]")
        lines += [f"{kk} = {json.dumps(vv)}" for kk, vv in v.items()]
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)
    return text


def test_the_world_generator_replaces_only_a_world_it_wrote(tmp_path):
    """`generate(..., overwrite=True)` (what an ablation does to a stale world) into a folder
    holding eval/, pretrain/ and config.toml that curate did not write | CurateError "did not
    write"; every file kept. A world it did write (or a killed generation, which leaves its
    marker) is replaced as before"""
    victim = _victim(tmp_path)
    before = _tree(victim)
    cfg = WorldConfig(n_docs=40, finetune_size=4, realign_size=4, eval_size=4)
    with pytest.raises(CurateError, match="did not write"):
        generate(cfg, victim, overwrite=True, progress=False)
    assert _tree(victim) == before
    mine = tmp_path / "mine"
    generate(cfg, mine, progress=False)
    (mine / "world.json").unlink()  # as if killed before the end
    generate(cfg, mine, overwrite=True, progress=False)
    assert (mine / "world.json").is_file()


def _audited(tmp_path: Path) -> tuple[Workspace, Path]:
    src = tmp_path / "src"
    src.mkdir()
    shard = src / "s.jsonl"
    shard.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"document number {i} text"}) + "\n"
                for i in range(6))
    )  # fmt: skip
    ws = tmp_path / "ws"
    data = {"workspace": str(ws), "inputs": {"paths": [str(shard)]}, "progress": False}
    data["steps"] = {"classifiers": {"names": []}}
    run_audit(resolve_config(data, tmp_path, "t"))
    return Workspace.at(ws), shard


POLICY = """
corpus = "{name}"
[[variants]]
name = "full"
[[variants]]
name = "some"
drop = ["n_words >= 99"]
"""


def test_a_build_refuses_text_edited_after_the_audit(tmp_path):
    """a shard edited after its audit, same ids and size, one document's text changed, then
    `curate build`; then only its case and punctuation | CurateError naming the shard, position and
    document ("changed since the audit", "re-audit"), and for the second "bytes differ"; no new
    corpus; the corpus built before is byte-identical; a shard only touched (new mtime, the
    audited bytes) still builds"""
    ws, shard = _audited(tmp_path)
    log = lambda s: None  # noqa: E731
    build_corpora(
        ws, parse_policy(tomllib.loads(POLICY.format(name="c1"))), progress=False, log=log
    )
    built = _tree(ws.root / "corpora" / "c1")
    lines = shard.read_text().splitlines()
    lines[3] = json.dumps({"id": "d3", "text": "document number 3 tent"})  # same size
    shard.write_text("\n".join(lines) + "\n")
    c2 = parse_policy(tomllib.loads(POLICY.format(name="c2")))
    with pytest.raises(CurateError, match="changed since the audit") as e:
        build_corpora(ws, c2, progress=False, log=log)
    assert "position 3" in str(e.value) and "'d3'" in str(e.value) and "re-audit" in str(e.value)
    lines[3] = json.dumps({"id": "d3", "text": "Document number 3 text!"})  # same normalized
    shard.write_text("\n".join(lines) + "\n")
    with pytest.raises(CurateError, match="bytes differ from what the audit read"):
        build_corpora(ws, c2, progress=False, log=log)
    assert not (ws.root / "corpora" / "c2").exists()
    assert _tree(ws.root / "corpora" / "c1") == built
    lines[3] = json.dumps({"id": "d3", "text": "document number 3 text"})
    shard.write_text("\n".join(lines) + "\n")  # the audited text again, a new mtime
    res = build_corpora(
        ws, parse_policy(tomllib.loads(POLICY.format(name="c3"))), progress=False, log=log
    )
    assert res.built == ["full", "some"] and res.stats["full"]["n_kept"] == 6


@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_the_workspace_lock_never_writes_through_a_link(tmp_path, kind, capsys):
    """`WS/.lock` planted as a symlink (or a hard link) to another file, then `curate audit` |
    exit 2 "lock file is a symbolic link" / "not a plain file"; the other file's bytes are
    unchanged (round 1 truncated it)"""
    ws = tmp_path / "ws"
    ws.mkdir()
    target = tmp_path / "precious.txt"
    target.write_text("do not truncate me\n")
    if kind == "symlink":
        (ws / ".lock").symlink_to(target)
    else:
        os.link(target, ws / ".lock")
    shard = tmp_path / "s.jsonl"
    shard.write_text(json.dumps({"id": "a", "text": "hello"}) + "\n")
    rc = main(["audit", str(shard), "--workspace", str(ws), "--classifier", "none", "-q"])
    assert rc == 2
    assert "lock file" in capsys.readouterr().err
    assert target.read_text() == "do not truncate me\n"


@pytest.fixture
def model_copy(tmp_path) -> Path:
    src = classifiers_dir() / "malicious_character_v1"
    dst = tmp_path / "models" / "malicious_character_v1"
    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize(
    "damage", ["truncate_stage1", "flip_stage1", "truncate_adapter", "drop_sha", "bad_json"]
)
def test_a_damaged_model_file_is_refused_by_name(model_copy, damage, capsys):
    """a classifier folder whose stage1.ftz is truncated or has one byte flipped, whose adapter is
    truncated, whose model.json lost a checksum, or whose model.json is not JSON, then loading it
    and `curate audit` with it | CurateError naming the file ("damaged or replaced", "records no
    sha256", "unreadable model.json"); exit 2 from the CLI, never a segfault or silent scores"""
    ft = model_copy / "stage1.ftz"
    meta_path = model_copy / "model.json"
    if damage == "truncate_stage1":
        ft.write_bytes(ft.read_bytes()[:1000])
    elif damage == "flip_stage1":
        b = bytearray(ft.read_bytes())
        b[len(b) // 2] ^= 0xFF
        ft.write_bytes(bytes(b))
    elif damage == "truncate_adapter":
        a = model_copy / "stage2_adapter.safetensors"
        a.write_bytes(a.read_bytes()[:500])
    elif damage == "drop_sha":
        meta = json.loads(meta_path.read_text())
        del meta["stage1"]["sha256"]
        meta_path.write_text(json.dumps(meta))
    else:
        meta_path.write_text('{"name": "malicious_character_v1", "stage1": ')
    with pytest.raises(CurateError) as e:
        CascadeModel(model_copy)
    msg = str(e.value)
    assert any(
        s in msg for s in ("damaged or replaced", "records no sha256", "unreadable", "sha256")
    )
    shard = model_copy.parent / "s.jsonl"
    shard.write_text(json.dumps({"id": "a", "text": "hello"}) + "\n")
    env = {**os.environ, "CURATE_CLASSIFIERS_DIR": str(model_copy.parent)}
    r = subprocess.run(
        [sys.executable, "-m", "curate.cli", "audit", str(shard), "-w", str(model_copy.parent / "ws"),
         "-q", "--no-minhash"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("name", ["c2\n", "c2\r", "c2 ", "\nc2"])
def test_names_with_a_trailing_newline_are_refused(name):
    """a corpus or variant name "c2\\n" (and "\\nc2", "c2\\r", "c2 "), which `$` matched before the
    final newline and which then collided with "c2_" on disk | ConfigError before any work"""
    with pytest.raises(ConfigError):
        parse_policy({"corpus": name, "variants": [{"name": "full"}]}, "p")
    with pytest.raises(ConfigError):
        parse_policy({"corpus": "c", "variants": [{"name": name}]}, "p")


@pytest.mark.parametrize(
    "key,value",
    [
        ("pretrain.lr", float("nan")),
        ("pretrain.lr", float("inf")),
        ("model.d_model", 10**9),
        ("model.n_layer", 100_000),
        ("pretrain.steps", 10**12),
        ("pretrain.batch_size", 10**9),
    ],
)
def test_spec_numbers_must_be_finite_and_sane(tmp_path, key, value):
    """an ablation spec with lr = nan or inf, d_model = 1e9, n_layer = 1e5, steps = 1e12 or
    batch_size = 1e9 | ConfigError naming the key, before any work (nothing in the workspace)"""
    ws = tmp_path / "ws"
    data = _ablation_data(ws, "world")
    section, field = key.split(".")
    data[section] = {**data[section], field: value}
    with pytest.raises(ConfigError, match=field):
        parse_spec(data, tmp_path / "spec.toml")
    assert not ws.exists() or not any(ws.iterdir())


def test_disk_full_and_long_names_are_one_clear_message(tmp_path):
    """`curate query` printing into /dev/full (ENOSPC), and a workspace path whose last name is
    300 characters (ENAMETOOLONG) | exit 2 with "No space left on device" / "File name too long"
    and what to do; no traceback"""
    ws, _ = _audited(tmp_path)
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [sys.executable, "-m", "curate.cli", "query", str(ws.root), "SELECT * FROM docs"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert "No space left on device" in r.stderr and "Traceback" not in r.stderr
    long_ws = tmp_path / ("w" * 300)
    shard = tmp_path / "s.jsonl"
    shard.write_text(json.dumps({"id": "a", "text": "x"}) + "\n")
    r = subprocess.run(
        [sys.executable, "-m", "curate.cli", "audit", str(shard), "-w", str(long_ws), "-q",
         "--classifier", "none"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert "too long" in r.stderr and "Traceback" not in r.stderr


def test_only_a_closed_stdout_is_a_quiet_exit(monkeypatch, tmp_path):
    """a BrokenPipeError that is not stdout's (round 1: a killed datatrove Manager process ended
    `curate audit` with exit 0 and no message) | it propagates (a traceback, non-zero exit);
    `curate query ... | head -1` still exits 0 with nothing on stderr"""

    def broken(argv):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr("curate.cli.run", broken)
    with pytest.raises(BrokenPipeError):
        main(["query", "x", "SELECT 1"])
    ws, _ = _audited(tmp_path)
    script = (
        f"{sys.executable} -m curate.cli query {ws.root} 'SELECT * FROM range(200000)' "
        "--limit 0 --format csv | head -1 >/dev/null; exit ${PIPESTATUS[0]}"
    )
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr
