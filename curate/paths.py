"""Where the project's own files are: the one place that knows the repository and package layout.

curate runs from a source checkout (editable install: the repository's `classifiers/`,
`pipelines/` and `data/sample_shards/` are used in place) or from an installed wheel, which carries
the same folders as package data (`curate/trained/`, `curate/pipelines/`, `curate/samples/`; see
`[tool.setuptools.package-dir]` in pyproject.toml). Every lookup of a shipped file goes through
here, so both installs find the same things.

- `classifiers_dir()`: trained classifier folders (`<name>/model.json`, model card, artifacts);
  ``$CURATE_CLASSIFIERS_DIR`` overrides it.
- `bundled(rel)`: a shipped demo input by its repository path (``pipelines/policy_example.toml``,
  ``data/sample_shards``).
- `checkout_root()`: the source checkout this package runs from, or None for an installed wheel
  (recipes and training data exist only there).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from curate.errors import CurateError

PACKAGE = Path(__file__).resolve().parent

# repository folder -> the package folder that carries it in a wheel
SHIPPED = {
    "classifiers": "trained",
    "pipelines": "pipelines",
    "data/sample_shards": "samples",
}


def checkout_root() -> Path | None:
    """The repository root when this package is imported from a source checkout, else None."""
    root = PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "classifiers").is_dir():
        return root
    return None


def _shipped(rel: str) -> Path:
    """The installed package-data folder that carries repository folder `rel`."""
    return Path(str(resources.files("curate").joinpath(SHIPPED[rel])))


def classifiers_dir() -> Path:
    """Where `<name>/` classifier folders live: $CURATE_CLASSIFIERS_DIR, the checkout's
    `classifiers/`, or the installed package's copy."""
    env = os.environ.get("CURATE_CLASSIFIERS_DIR")
    if env:
        return Path(env)
    root = checkout_root()
    return root / "classifiers" if root else _shipped("classifiers")


def bundled(rel: str) -> Path:
    """A shipped file or folder by its repository path, e.g. ``pipelines/ablate_small.toml``."""
    top = next((k for k in SHIPPED if rel == k or rel.startswith(k + "/")), None)
    if top is None:
        raise CurateError(f"{rel}: not a shipped path (shipped: {', '.join(SHIPPED)})")
    root = checkout_root()
    p = root / rel if root else _shipped(top) / rel[len(top) :].lstrip("/")
    if not p.exists():
        raise CurateError(f"{p}: bundled file missing; reinstall curate or use a full clone")
    return p
