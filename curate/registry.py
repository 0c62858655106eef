"""Versioned registry of document scorers (classifiers).

A scorer only *scores*: it never drops text and knows no threshold (thresholds live in policies).
It is registered under a versioned name such as ``malicious_character_v1``; the audit writes its
document score to ``docs.score_<name>`` and its span scores to ``docs.spans_<name>``.

Registering::

    @register("malicious_character_v1", description="fastText + MiniLM cascade")
    def _factory(**params) -> Scorer: ...

Factories are looked up lazily: modules listed in `_BUILTIN_MODULES` are imported on first use,
so `get()` of an unknown name lists every known one.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from curate.errors import ConfigError, CurateError, suggest, unknown_name

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*_v[0-9]+$")

# The classifier `curate audit` runs when none is named, and so the score column that dedup,
# world reports, ablation grids and the demo read by default (one place to switch; the reasons
# for the current choice are in classifiers/malicious_character_v2/README.md).
DEFAULT_CLASSIFIER = "malicious_character_v1"
DEFAULT_SCORE_COLUMN = f"score_{DEFAULT_CLASSIFIER}"


@dataclass(frozen=True)
class Span:
    """A scored character range [start, end) of a document."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class DocScore:
    """A document's score (a probability in [0, 1] for calibrated scorers) and its span scores."""

    score: float
    spans: tuple[Span, ...] = field(default_factory=tuple)


class Scorer(Protocol):
    name: str

    def score(self, texts: Sequence[str]) -> list[DocScore]:
        """Score a batch of documents; one DocScore per text, same order."""
        ...


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[..., Scorer]
    description: str


_REGISTRY: dict[str, Entry] = {}
# Modules whose import registers built-in scorers.
_BUILTIN_MODULES = ("curate.classifiers",)
_loaded = False


def register(
    name: str, description: str = ""
) -> Callable[[Callable[..., Scorer]], Callable[..., Scorer]]:
    if not NAME_RE.fullmatch(name):
        raise ValueError(f"scorer name {name!r} must look like 'snake_case_v1' (versioned)")

    def deco(factory: Callable[..., Scorer]) -> Callable[..., Scorer]:
        _REGISTRY[name] = Entry(name, factory, description)
        return factory

    return deco


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in _BUILTIN_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:  # a module not written yet registers nothing
            if e.name != mod:
                raise


def names() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def entries() -> list[Entry]:
    _load_builtins()
    return [_REGISTRY[n] for n in sorted(_REGISTRY)]


def check_params(name: str, params: dict[str, Any], where: str = "") -> None:
    """Fail with a ConfigError when `params` are not keyword arguments of `name`'s factory, or
    when the factory rejects their values (it is built once, lazily: no model is loaded)."""

    _load_builtins()
    if name not in _REGISTRY:
        raise unknown_name("classifier", name, _REGISTRY, where)
    sig = inspect.signature(_REGISTRY[name].factory)
    valid = [p for p in sig.parameters if p != "self"]
    takes_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    for k in params:
        if k not in sig.parameters and not takes_any:
            raise ConfigError(
                f"{where}: {name} takes no parameter {k!r}{suggest(k, valid)}; "
                f"valid: {', '.join(valid) or '(none)'}"
            )
    try:
        _REGISTRY[name].factory(**params)
    except (CurateError, ValueError, TypeError) as e:
        raise ConfigError(f"{where}: {e}") from None


def get(name: str, where: str = "", **params: Any) -> Scorer:
    """Instantiate the scorer registered as `name`; an unknown name lists the known ones."""
    _load_builtins()
    if name not in _REGISTRY:
        raise unknown_name("classifier", name, _REGISTRY, where)
    return _REGISTRY[name].factory(**params)
