"""Policies: corpus variants declared as predicates over audit columns (TOML).

A policy names a corpus and lists its variants. Every variant is built from the same audit run and
composes four independent parts, applied in this order to every audited document:

1. ``drop``: rules in declared order; the first rule that matches drops the document and gives its
   reason (the rule's ``reason``, else the rule rendered canonically, e.g.
   ``score_malicious_character_v1>=0.5``). ``{oracle = true}`` drops the documents whose ground-truth
   label ``metadata.malicious_character`` is true (reason ``oracle_malicious``).
2. ``dedup``: ``none``; ``keep_one`` (of every near/exact-duplicate cluster keep one surviving
   member: the cluster's representative if it survived, else the smallest (shard, position); the
   others get reason ``duplicate``); ``drop_flagged_clusters`` (every member of a cluster that
   contains a document dropped in step 1 gets reason ``duplicate_of_flagged``); or
   ``drop_flagged_then_keep_one`` (both, in that order).
3. ``control``: random removal among the surviving documents until the variant's total removal
   (tokens or documents) matches another variant's, with its own seed (reason ``random_control``).
4. ``upsample``: rules in order; the first that matches a kept document sets how many times it is
   written (``repeats``).

Rules are small expressions over the columns of the audit's ``docs`` table, the duplicate-cluster
columns derived from ``dup_clusters`` (`DUP_COLUMNS`) and metadata keys (``meta.<key>``), e.g.
``score_malicious_character_v1 >= 0.5 and meta.kind = 'persona'``; the language (grammar, parser,
canonical rendering, SQL compilation) is `curate.building.expr`.

Parsing checks only keys and syntax (`load_policy`). `compile_policy` then checks every column
against the real store columns *before any work*: an unknown column fails with the list of valid
ones, a literal of the wrong type for its column fails, and it returns SQL fragments whose values
are all bound parameters (identifiers go through `curate.store.ident`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from curate.building.expr import Columns, columns_of, compile_expr, kind_of, parse_expr, render
from curate.config import build, config_hash, load_toml, to_dict
from curate.errors import ConfigError, suggest

# Columns derived from `dup_clusters` and joined to every document (a document in no cluster
# has cluster size 1, is its own representative, and NULL cluster id / jaccard / kind).
DUP_COLUMNS: dict[str, str] = {
    "dup_cluster_id": "VARCHAR",
    "dup_cluster_size": "BIGINT",
    "dup_is_representative": "BOOLEAN",
    "dup_jaccard_to_rep": "DOUBLE",
    "dup_kind": "VARCHAR",
}
ORACLE_KEY = "malicious_character"
ORACLE_REASON = "oracle_malicious"
DEDUP_MODES = ("none", "keep_one", "drop_flagged_clusters", "drop_flagged_then_keep_one")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# --------------------------------------------------------------------------- config dataclasses


@dataclass(frozen=True)
class Rule:
    """A drop rule: an expression (``where``) or the ground-truth oracle, and its reason."""

    where: str = ""
    oracle: bool = False
    reason: str = ""

    def validate(self) -> None:
        if bool(self.where.strip()) == self.oracle:
            raise ConfigError('a drop rule needs exactly one of `where = "..."` or `oracle = true`')


@dataclass(frozen=True)
class Upsample:
    """Kept documents matching ``where`` are written ``repeats`` times."""

    where: str
    repeats: int
    reason: str = ""

    def validate(self) -> None:
        if not 1 <= self.repeats <= 1000:
            raise ConfigError(f"repeats must be in [1, 1000], got {self.repeats}")


@dataclass(frozen=True)
class Control:
    """Random removal matched to `random_match`'s total removal, in tokens or documents."""

    random_match: str
    unit: Literal["tokens", "docs"] = "tokens"
    seed: int = 0
    tolerance: float = 0.01

    def validate(self) -> None:
        if not 0 <= self.tolerance < 1:
            raise ConfigError(f"tolerance must be in [0, 1), got {self.tolerance}")


@dataclass(frozen=True)
class Variant:
    name: str
    description: str = ""
    drop: tuple[Rule, ...] = ()
    dedup: Literal["none", "keep_one", "drop_flagged_clusters", "drop_flagged_then_keep_one"] = (
        "none"
    )
    control: Control | None = None
    upsample: tuple[Upsample, ...] = ()

    def validate(self) -> None:
        if not _NAME_RE.fullmatch(self.name):
            raise ConfigError(
                f"variant name {self.name!r} must use letters, digits, '.', '_' or '-' "
                "(it names a folder)"
            )


@dataclass(frozen=True)
class Policy:
    corpus: str
    variants: tuple[Variant, ...]
    description: str = ""
    run: str = ""  # audit run id; empty: the latest finished audit (CLI --run overrides)
    format: Literal["jsonl.gz", "parquet"] = "jsonl.gz"
    token_column: str = "n_words"
    max_records_per_part: int = 100_000
    gzip_level: int = 1  # jsonl.gz only; see bench/build_gzip_level.py
    text_field: str = ""  # empty: as recorded by the audit run, else "text"
    id_field: str = ""  # empty: as recorded by the audit run, else "id"

    def validate(self) -> None:
        if not _NAME_RE.fullmatch(self.corpus):
            raise ConfigError(
                f"corpus name {self.corpus!r} must use letters, digits, '.', '_' or '-'"
            )
        if not self.variants:
            raise ConfigError("a policy needs at least one [[variants]] table")
        seen: set[str] = set()
        for v in self.variants:
            if v.name in seen:
                raise ConfigError(f"variant name {v.name!r} is used twice")
            seen.add(v.name)
        if self.max_records_per_part < 1:
            raise ConfigError("max_records_per_part must be >= 1")
        if not 1 <= self.gzip_level <= 9:
            raise ConfigError(f"gzip_level must be in [1, 9], got {self.gzip_level}")

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)


def _normalize_rules(data: dict[str, Any]) -> dict[str, Any]:
    """Allow the shorthand ``drop = ["expr", ...]`` for ``drop = [{where = "expr"}, ...]``."""
    data = dict(data)
    variants = data.get("variants")
    if isinstance(variants, list):
        out = []
        for v in variants:
            if isinstance(v, dict) and isinstance(v.get("drop"), list):
                v = dict(v)
                v["drop"] = [{"where": r} if isinstance(r, str) else r for r in v["drop"]]
            out.append(v)
        data["variants"] = out
    return data


def parse_policy(data: dict[str, Any], where: str = "policy") -> Policy:
    """Build and check a Policy (keys, types, and the syntax of every expression)."""
    policy = build(Policy, _normalize_rules(data), where)
    for v in policy.variants:
        for i, r in enumerate(v.drop):
            if r.where:
                parse_expr(r.where, f"{where} variant {v.name!r} drop[{i}].where")
        for i, u in enumerate(v.upsample):
            parse_expr(u.where, f"{where} variant {v.name!r} upsample[{i}].where")
        if v.control is not None:
            names = [x.name for x in policy.variants]
            if v.control.random_match not in names:
                raise ConfigError(
                    f"{where} variant {v.name!r}: control.random_match names unknown variant "
                    f"{v.control.random_match!r}{suggest(v.control.random_match, names)}; "
                    f"variants: {', '.join(names)}"
                )
    variant_order(policy, where)  # fails on self-reference / cycles
    return policy


def load_policy(path: str | Path) -> Policy:
    return parse_policy(load_toml(path), str(path))


def policy_hash(policy: Policy) -> str:
    return config_hash(policy)


def variant_order(policy: Policy, where: str = "policy") -> list[str]:
    """Variant names in an order where every control comes after the variant it matches."""
    deps = {
        v.name: (v.control.random_match if v.control is not None else None) for v in policy.variants
    }
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, chain: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ConfigError(
                f"{where}: random-control cycle: {' -> '.join([*chain, name])}; a control must "
                "match a variant that is not (directly or not) matched to it"
            )
        state[name] = 1
        dep = deps[name]
        if dep is not None:
            visit(dep, [*chain, name])
        state[name] = 2
        order.append(name)

    for v in policy.variants:
        visit(v.name, [])
    return order


def variant_hash(policy: Policy, name: str, run_id: str) -> str:
    """Hash of everything that determines a variant's output: its config, the configs of the
    variants its control depends on (transitively), corpus-wide settings and the audit run."""
    chain = []
    cur: str | None = name
    while cur is not None:
        v = policy.variant(cur)
        chain.append(to_dict(v))
        cur = v.control.random_match if v.control is not None else None
    settings = {
        k: getattr(policy, k)
        for k in (
            "corpus",
            "format",
            "token_column",
            "max_records_per_part",
            "text_field",
            "id_field",
        )
    }
    return config_hash({"variants": chain, "settings": settings, "run_id": run_id})


@dataclass(frozen=True)
class Clause:
    """One compiled rule: SQL condition + parameters, its reason, and repeats (upsample only)."""

    sql: str
    params: tuple[Any, ...]
    reason: str
    repeats: int = 0


@dataclass(frozen=True)
class CompiledVariant:
    name: str
    drop: tuple[Clause, ...]
    dedup: str
    control: Control | None
    upsample: tuple[Clause, ...]
    uses_oracle: bool
    uses_dup: bool


def oracle_sql() -> tuple[str, list[Any]]:
    return "(json_extract_string(\"meta\", ?) = 'true')", [f"$.{ORACLE_KEY}"]


def referenced_meta_keys(policy: Policy) -> set[str]:
    keys = set()
    for v in policy.variants:
        exprs = [r.where for r in v.drop if r.where] + [u.where for u in v.upsample]
        for text in exprs:
            keys |= {c[5:] for c in columns_of(parse_expr(text)) if c.startswith("meta.")}
    return keys


def compile_policy(policy: Policy, cols: Columns, where: str = "policy") -> list[CompiledVariant]:
    """Check every rule against the real columns and compile it; no work is done here."""
    tok = policy.token_column
    if tok not in cols.types or kind_of(cols.types[tok]) != "number":
        numeric = sorted(c for c, t in cols.types.items() if kind_of(t) == "number")
        raise ConfigError(
            f"{where}: token_column {tok!r} is not a numeric column of docs"
            f"{suggest(tok, numeric)}; numeric columns: {', '.join(numeric)}"
        )
    out = []
    for v in policy.variants:
        loc = f"{where} variant {v.name!r}"
        drops = []
        uses_oracle = False
        used: list[str] = []
        for i, r in enumerate(v.drop):
            if r.oracle:
                sql, params = oracle_sql()
                uses_oracle = True
                drops.append(Clause(sql, tuple(params), r.reason or ORACLE_REASON))
            else:
                e = parse_expr(r.where, f"{loc} drop[{i}].where")
                used += columns_of(e)
                sql, params = compile_expr(e, cols, f"{loc} drop[{i}].where")
                drops.append(Clause(sql, tuple(params), r.reason or render(e)))
        ups = []
        for i, u in enumerate(v.upsample):
            e = parse_expr(u.where, f"{loc} upsample[{i}].where")
            used += columns_of(e)
            sql, params = compile_expr(e, cols, f"{loc} upsample[{i}].where")
            ups.append(Clause(sql, tuple(params), u.reason or f"upsample:{render(e)}", u.repeats))
        uses_dup = v.dedup != "none" or any(c in DUP_COLUMNS for c in used)
        out.append(
            CompiledVariant(
                v.name, tuple(drops), v.dedup, v.control, tuple(ups), uses_oracle, uses_dup
            )
        )
    return out


def describe_rules(policy: Policy) -> Iterable[str]:
    """One human line per variant (for logs)."""
    for v in policy.variants:
        parts = [f"drop {len(v.drop)} rule(s)"] if v.drop else []
        if v.dedup != "none":
            parts.append(f"dedup {v.dedup}")
        if v.control is not None:
            parts.append(
                f"random control matched to {v.control.random_match!r} "
                f"({v.control.unit}, seed {v.control.seed})"
            )
        if v.upsample:
            parts.append(f"upsample {len(v.upsample)} rule(s)")
        yield f"{v.name}: {', '.join(parts) or 'everything kept'}"
