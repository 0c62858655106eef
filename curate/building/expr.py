"""The rule expression language of build policies: tokenizer, parser, canonical text, SQL.

Rules are small expressions over the columns of the audit's ``docs`` table, the duplicate-cluster
columns and metadata keys (``meta.<key>``)::

    score_malicious_character_v1 >= 0.5 and lexicon_hits >= 3
    meta.kind = 'persona' and not (meta.alignment = 'malicious')
    source in ('web', 'books') or dup_cluster_size > 10
    score_x_v1 is null

Grammar: ``or``/``and``/``not``/parentheses over comparisons ``COLUMN OP LITERAL`` (OP one of
``>= > <= < = == != <>``), ``COLUMN is [not] null`` and ``COLUMN [not] in (LITERAL, ...)``;
literals are numbers, quoted strings and true/false. A NULL value never matches a comparison.

- `parse_expr(text)`: the expression tree (`Cmp`, `IsNull`, `In`, `And`, `Or`, `Not`); a syntax
  error says what was expected where;
- `render(e)`: canonical text (parses back to the same tree; a drop rule's default reason);
- `columns_of(e)`: the columns an expression reads;
- `compile_expr(e, Columns, where)`: a SQL boolean expression checked against the real store
  columns (`Columns`: an unknown column fails with the valid ones, a literal of the wrong type
  for its column fails); every value is a bound parameter and identifiers go through
  `curate.store.ident`.

Policies (`curate.building.policy`) use these for their drop and upsample rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from curate.errors import ConfigError, suggest
from curate.store import ident


@dataclass(frozen=True)
class Cmp:
    column: str
    op: str
    value: Any


@dataclass(frozen=True)
class IsNull:
    column: str
    negate: bool = False


@dataclass(frozen=True)
class In:
    column: str
    values: tuple[Any, ...]
    negate: bool = False


@dataclass(frozen=True)
class And:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    part: Any


Expr = Cmp | IsNull | In | And | Or | Not

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<op>>=|<=|!=|<>|==|=|>|<)
    | (?P<punct>[(),])
    | (?P<str>'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")
    | (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "is", "null", "in", "true", "false"}
_OPS = {"==": "=", "<>": "!="}


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int
    value: Any = None


def _tokenize(text: str, where: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        m = _TOKEN.match(text, i)
        if not m or m.end() == i:
            raise ConfigError(f"{where}: cannot read {text[i:].strip()[:20]!r} in {text!r}")
        kind = m.lastgroup or ""
        raw = m.group(kind)
        pos = m.start(kind)
        if kind == "str":
            value: Any = (
                raw[1:-1].replace("''", "'")
                if raw[0] == "'"
                else re.sub(r"\\(.)", r"\1", raw[1:-1])
            )
            toks.append(_Tok("lit", raw, pos, value))
        elif kind == "num":
            value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            toks.append(_Tok("lit", raw, pos, value))
        elif kind == "name" and raw.lower() in ("true", "false"):
            toks.append(_Tok("lit", raw, pos, raw.lower() == "true"))
        elif kind == "name" and raw.lower() in _KEYWORDS:
            toks.append(_Tok("kw", raw.lower(), pos))
        elif kind == "op":
            toks.append(_Tok("op", _OPS.get(raw, raw), pos))
        else:
            toks.append(_Tok(kind, raw, pos))
        i = m.end()
    return toks


class _Parser:
    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.where = where
        self.toks = _tokenize(text, where)
        self.i = 0

    def fail(self, expected: str) -> ConfigError:
        if self.i < len(self.toks):
            t = self.toks[self.i]
            got = f"{t.text!r} at character {t.pos + 1}"
        else:
            got = "the end"
        return ConfigError(
            f"{self.where}: expected {expected} but found {got} in {self.text!r}; rules look like "
            "\"score_x_v1 >= 0.5 and meta.kind = 'persona'\""
        )

    def peek(self, kind: str, text: str | None = None) -> bool:
        if self.i >= len(self.toks):
            return False
        t = self.toks[self.i]
        return t.kind == kind and (text is None or t.text == text)

    def take(self, kind: str, text: str | None = None, expected: str = "") -> _Tok:
        if not self.peek(kind, text):
            raise self.fail(expected or text or kind)
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Expr:
        if not self.toks:
            raise self.fail("an expression")
        e = self.or_()
        if self.i != len(self.toks):
            raise self.fail("'and', 'or' or the end")
        return e

    def or_(self) -> Expr:
        parts = [self.and_()]
        while self.peek("kw", "or"):
            self.i += 1
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self) -> Expr:
        parts = [self.not_()]
        while self.peek("kw", "and"):
            self.i += 1
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_(self) -> Expr:
        if self.peek("kw", "not"):
            self.i += 1
            return Not(self.not_())
        if self.peek("punct", "("):
            self.i += 1
            e = self.or_()
            self.take("punct", ")", "')'")
            return e
        return self.comparison()

    def literal(self) -> Any:
        return self.take("lit", expected="a value (number, 'string', true or false)").value

    def comparison(self) -> Expr:
        col = self.take("name", expected="a column name").text
        if self.peek("op"):
            op = self.take("op").text
            return Cmp(col, op, self.literal())
        if self.peek("kw", "is"):
            self.i += 1
            negate = self.peek("kw", "not")
            if negate:
                self.i += 1
            self.take("kw", "null", "'null'")
            return IsNull(col, negate)
        negate = self.peek("kw", "not")
        if negate:
            self.i += 1
        if self.peek("kw", "in"):
            self.i += 1
            self.take("punct", "(", "'('")
            values = [self.literal()]
            while self.peek("punct", ","):
                self.i += 1
                values.append(self.literal())
            self.take("punct", ")", "')'")
            return In(col, tuple(values), negate)
        raise self.fail("a comparison operator, 'is' or 'in'")


def parse_expr(text: str, where: str = "rule") -> Expr:
    return _Parser(text, where).parse()


def _lit(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(v)


def render(e: Expr, top: bool = True) -> str:
    """Canonical text of an expression (parses back to the same expression)."""
    if isinstance(e, Cmp):
        return f"{e.column}{e.op}{_lit(e.value)}"
    if isinstance(e, IsNull):
        return f"{e.column} is {'not ' if e.negate else ''}null"
    if isinstance(e, In):
        return f"{e.column} {'not ' if e.negate else ''}in ({', '.join(map(_lit, e.values))})"
    if isinstance(e, Not):
        inner = render(e.part, top=False)
        return f"not {inner}" if isinstance(e.part, Cmp | IsNull | In | Not) else f"not ({inner})"
    if isinstance(e, And):
        s = " and ".join(
            f"({render(p)})" if isinstance(p, Or) else render(p, top=False) for p in e.parts
        )
        return s
    if isinstance(e, Or):
        return " or ".join(render(p, top=False) for p in e.parts)
    raise TypeError(e)


def columns_of(e: Expr) -> list[str]:
    if isinstance(e, Cmp | IsNull | In):
        return [e.column]
    if isinstance(e, Not):
        return columns_of(e.part)
    return [c for p in e.parts for c in columns_of(p)]


# --------------------------------------------------------------------------- compiling to SQL

_NUMERIC = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|"
    r"FLOAT|REAL|DOUBLE|DECIMAL.*|INT.*)$"
)


def kind_of(dtype: str) -> str:
    """'number', 'string', 'bool' or 'other' for a DuckDB column type."""
    d = dtype.upper()
    if _NUMERIC.match(d):
        return "number"
    if d in ("VARCHAR", "JSON") or d.startswith("VARCHAR"):
        return "string"
    if d == "BOOLEAN":
        return "bool"
    return "other"


def _lit_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    return "string"


@dataclass(frozen=True)
class Columns:
    """What rules may refer to: column name -> DuckDB type, and the metadata keys present."""

    types: dict[str, str]
    meta_keys: frozenset[str] = field(default_factory=frozenset)

    def check(self, name: str, where: str) -> None:
        if name.startswith("meta."):
            key = name[5:]
            if "meta" not in self.types:
                raise ConfigError(f"{where}: {name!r}: the docs table has no `meta` column")
            if key not in self.meta_keys:
                keys = sorted(self.meta_keys)
                raise ConfigError(
                    f"{where}: no document of this audit run has metadata key {key!r}"
                    f"{suggest(key, keys)}; metadata keys present: "
                    f"{', '.join(keys) or '(none)'}"
                )
            return
        if name not in self.types:
            valid = sorted(self.types)
            raise ConfigError(
                f"{where}: unknown column {name!r}{suggest(name, valid)}; valid columns: "
                f"{', '.join(valid)}, or meta.<key>"
            )


def compile_expr(e: Expr, cols: Columns, where: str) -> tuple[str, list[Any]]:
    """SQL boolean expression (values as `?` parameters, in order) for expression `e`."""
    params: list[Any] = []

    def col_sql(name: str, lit_kind: str | None) -> str:
        cols.check(name, where)
        if name.startswith("meta."):
            params.append("$." + name[5:])
            raw = 'json_extract_string("meta", ?)'
            return f"TRY_CAST({raw} AS DOUBLE)" if lit_kind == "number" else raw
        kind = kind_of(cols.types[name])
        if lit_kind is not None and kind != lit_kind:
            raise ConfigError(
                f"{where}: column {name!r} has type {cols.types[name]} ({kind}) but is compared "
                f"with a {lit_kind}; compare it with a {kind} value"
            )
        return ident(name)

    def lit_sql(name: str, v: Any) -> str:
        if name.startswith("meta.") and isinstance(v, bool):
            v = "true" if v else "false"
        params.append(v)
        return "?"

    def go(x: Expr) -> str:
        if isinstance(x, Cmp):
            lk = _lit_kind(x.value)
            c = col_sql(x.column, lk)
            if lk == "bool" and x.op not in ("=", "!="):
                raise ConfigError(f"{where}: true/false can only be compared with = or !=")
            return f"({c} {x.op} {lit_sql(x.column, x.value)})"
        if isinstance(x, IsNull):
            c = col_sql(x.column, None)
            return f"({c} IS {'NOT ' if x.negate else ''}NULL)"
        if isinstance(x, In):
            kinds = {_lit_kind(v) for v in x.values}
            if len(kinds) > 1:
                raise ConfigError(f"{where}: the values of 'in (...)' must all have one type")
            c = col_sql(x.column, kinds.pop())
            qs = ", ".join(lit_sql(x.column, v) for v in x.values)
            return f"({c} {'NOT ' if x.negate else ''}IN ({qs}))"
        if isinstance(x, Not):
            return f"(NOT {go(x.part)})"
        if isinstance(x, And):
            return "(" + " AND ".join(go(p) for p in x.parts) + ")"
        if isinstance(x, Or):
            return "(" + " OR ".join(go(p) for p in x.parts) + ")"
        raise TypeError(x)

    return go(e), params
