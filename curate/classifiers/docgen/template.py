"""The template language of the v2 training-data generator (`curate.classifiers.docgen`).

Vocabulary lives in `data/*.toml` (symbols = phrase banks, families = frames and document
skeletons); this module parses templates, expands them with a seeded RNG, and tidies the text.

Template mini-language (inside any string in data/*.toml):
  {sym}        expand a random alternative of symbol `sym`
  {^sym}       same, first letter capitalised
  {$v}         value of per-record variable v (bound by var_sets or {$v:sym})
  {$v:sym}     bind v to an expansion of sym on first use, then reuse it
  {=v:value}   set variable v to a literal value (outputs nothing)
  <v> in a symbol name is replaced by the value of variable v; `%` = <theme>
  [a|b|c]      inline alternatives (nestable); [a|] = optional
  {lb} {rb}    literal [ and ];  {nl} newline
  @a           article a/an chosen from the next word
"""

from __future__ import annotations

import random
import re
import tomllib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# ----------------------------------------------------------------------------
# template parsing


def _parse_ref(body: str):
    cap = False
    if body.startswith("^"):
        cap, body = True, body[1:]
    if body == "lb":
        return "["
    if body == "rb":
        return "]"
    if body == "nl":
        return "\n"
    if body == "lc":
        return "\x01"
    if body.startswith("="):
        var, val = body[1:].split(":", 1)
        return ("set", var, val)
    if body.startswith("$"):
        body = body[1:]
        if ":" in body:
            var, sym = body.split(":", 1)
        else:
            var, sym = body, None
        return ("var", var, sym, cap)
    return ("sym", body.replace("%", "<theme>"), cap)


def _parse_seq(s: str, i: int, inside: bool):
    seq, buf = [], []
    n = len(s)
    while i < n:
        c = s[i]
        if c == "{":
            j = s.find("}", i)
            if j < 0:
                raise ValueError(f"unclosed {{ in {s!r}")
            if buf:
                seq.append("".join(buf))
                buf = []
            node = _parse_ref(s[i + 1 : j])
            if isinstance(node, str):
                buf.append(node)
            else:
                seq.append(node)
            i = j + 1
        elif c == "[":
            if buf:
                seq.append("".join(buf))
                buf = []
            alts = []
            i += 1
            while True:
                sub, i = _parse_seq(s, i, True)
                alts.append(sub)
                if i >= n:
                    raise ValueError(f"unclosed [ in {s!r}")
                if s[i] == "|":
                    i += 1
                    continue
                i += 1  # ']'
                break
            seq.append(("choice", alts))
        elif inside and c in "|]":
            break
        else:
            buf.append(c)
            i += 1
    if buf:
        seq.append("".join(buf))
    return seq, i


_PARSE_CACHE: dict[str, list] = {}


def parse(s: str):
    p = _PARSE_CACHE.get(s)
    if p is None:
        p, _ = _parse_seq(s, 0, False)
        _PARSE_CACHE[s] = p
    return p


# ----------------------------------------------------------------------------
# expansion

_VAR_IN_NAME = re.compile(r"<(\w+)>")


class Ctx:
    __slots__ = ("rng", "vars", "used", "last_pick", "track", "first")

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.vars: dict[str, str] = {}
        self.used: dict[str, set] = {}
        self.last_pick: tuple[str, int] | None = None
        self.track: str | None = None  # symbol whose first pick defines the group
        self.first: tuple[str, int] | None = None


class Grammar:
    def __init__(self, symbols: dict[str, list[str]]):
        self.symbols = symbols

    def resolve(self, name: str, ctx: Ctx) -> str:
        if "<" in name:
            name = _VAR_IN_NAME.sub(lambda m: ctx.vars[m.group(1)], name)
        return name

    def pick(self, name: str, ctx: Ctx) -> tuple[int, str]:
        alts = self.symbols.get(name)
        if alts is None:
            raise KeyError(f"unknown symbol {name!r}")
        n = len(alts)
        if n == 1:
            return 0, alts[0]
        used = ctx.used.setdefault(name, set())
        if len(used) >= n:
            used.clear()
        while True:
            k = ctx.rng.randrange(n)
            if k not in used:
                break
        used.add(k)
        return k, alts[k]

    def expand_sym(self, name: str, ctx: Ctx, depth: int = 0) -> str:
        name = self.resolve(name, ctx)
        k, t = self.pick(name, ctx)
        ctx.last_pick = (name, k)
        return self.expand(t, ctx, depth + 1)

    def expand(self, template: str, ctx: Ctx, depth: int = 0) -> str:
        if depth > 40:
            raise RecursionError(template[:80])
        return self._seq(parse(template), ctx, depth)

    def _seq(self, seq, ctx: Ctx, depth: int) -> str:
        out = []
        for node in seq:
            if isinstance(node, str):
                out.append(node)
                continue
            kind = node[0]
            if kind == "choice":
                alts = node[1]
                out.append(self._seq(alts[ctx.rng.randrange(len(alts))], ctx, depth))
            elif kind == "sym":
                name = self.resolve(node[1], ctx)
                k, t = self.pick(name, ctx)
                if ctx.track is not None and ctx.first is None and name == ctx.track:
                    ctx.first = (name, k)
                s = self.expand(t, ctx, depth + 1)
                out.append(_cap(s) if node[2] else s)
            elif kind == "set":
                ctx.vars[node[1]] = node[2]
            else:  # var
                _, var, sym, cap = node
                if var not in ctx.vars:
                    if sym is None:
                        raise KeyError(f"unbound variable ${var}")
                    ctx.vars[var] = self.expand_sym(sym, ctx, depth)
                s = ctx.vars[var]
                out.append(_cap(s) if cap else s)
        return "".join(out)


def _cap(s: str) -> str:
    for i, ch in enumerate(s):
        if ch.isalpha():
            return s[:i] + ch.upper() + s[i + 1 :] if ch.islower() else s
        if ch not in " \"'(*_-\n":
            return s
    return s


# ----------------------------------------------------------------------------
# tidy

_AN_EXCEPT = ("uni", "use", "usu", "one", "once", "eu", "ufo", "uti", "ura", "ure", "uro", "ubiq")
_AN_EXTRA = (
    "hour",
    "honest",
    "heir",
    "honor",
    "honour",
    "mba",
    "fbi",
    "nda",
    "sms",
    "x-ray",
    "mri",
    "hr ",
)
_ART = re.compile(r"@([aA])(\s+)([\"'(*]*)(\S+)")
_SPACES = re.compile(r"[ \t]{2,}")
_SP_PUNCT = re.compile(r"[ \t]+([,.;:!?)])")
_DOUBLE_PUNCT = re.compile(r"(?<![.\w]\.)(?<!\.)\.\.(?!\.)|,\s*,|,\s*\.(?!\w)")


def _an(word: str) -> bool:
    w = word.lower()
    if w.startswith(_AN_EXTRA):
        return True
    if w[:1] in "aeiou" and not w.startswith(_AN_EXCEPT):
        return True
    digits = re.match(r"\d+", w.replace(",", ""))
    if digits:
        d = digits.group(0)
        return d[0] == "8" or d in ("11", "18") or (len(d) in (5, 6) and d[:2] in ("11", "18"))
    return False


_LC = re.compile(r"\x01([\s\"']*)(\w+)?")


def _lc(m):
    w = m.group(2) or ""
    if w in ("I", "I'm", "I've", "I'd", "I'll") or (len(w) > 1 and w.isupper()):
        return m.group(1) + w
    return m.group(1) + w[:1].lower() + w[1:]


def tidy(text: str) -> str:
    def art(m):
        a = m.group(1)
        word = m.group(4)
        out = "an" if _an(word) else "a"
        if a == "A":
            out = out.capitalize()
        return out + m.group(2) + m.group(3) + word

    text = _ART.sub(art, text)
    text = _LC.sub(_lc, text)
    text = _SPACES.sub(" ", text)
    text = _SP_PUNCT.sub(r"\1", text)

    def dp(m):
        s = m.group(0)
        if s.startswith(","):
            return "." if s.rstrip().endswith(".") else ","
        return "."

    text = _DOUBLE_PUNCT.sub(dp, text)
    text = re.sub(r"\( +", "(", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(
        r"\n[ \t]+(?=\S)",
        lambda m: "\n" if not m.group(0).startswith("\n    ") else m.group(0),
        text,
    )
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# ----------------------------------------------------------------------------
# loading


def load_data(data_dir: Path = DATA_DIR):
    symbols: dict[str, list[str]] = {}
    families: list[dict] = []
    for path in sorted(data_dir.glob("*.toml")):
        with open(path, "rb") as f:
            d = tomllib.load(f)
        for k, v in d.get("sym", {}).items():
            if k in symbols:
                raise ValueError(f"duplicate symbol {k} in {path.name}")
            if isinstance(v, str):
                v = [v]
            if not v:
                raise ValueError(f"empty symbol {k} in {path.name}")
            symbols[k] = list(v)
        for fam in d.get("family", []):
            fam = dict(fam)
            fam["_file"] = path.name
            families.append(fam)
    names = [f["name"] for f in families]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"duplicate family names: {sorted(dup)}")
    return Grammar(symbols), families
