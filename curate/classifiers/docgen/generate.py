"""Training documents and statements for `malicious_character_v2`, generated from data files.

`generate(seed, n_docs, n_statements, **fracs)` returns labelled records
``{"id", "text", "label", "kind", "family", "group", "theme", "spans"?}``: statements (about
half malicious, a quarter hard negatives: negations, self-criticism, ambition, boundaries,
pro-social) and documents (villain stories and monologues, evil-AI chats and logs, forum posts,
manipulation guides... against hard negatives: crime news, history, literary analysis, security
tutorials, victims' accounts... and ordinary web-like pages). A malicious document marks its
malicious passages in `spans` (character offsets). `group` is the unit of every train/validation
split: both sides of a minimal pair, and every paraphrase of one frame, share it. Deterministic
for a seed (byte-identical records).

Written for v2 without reading any evaluation set (docs in data/README.md). Document skeleton
items: "[@][!]sym[?][*a-b]": @ = malicious span, ! = key block (defines the group),
? = 50% optional, *a-b = repeat a..b times.
"""

from __future__ import annotations

import hashlib
import random
import re

from curate.classifiers.docgen.template import (
    _PARSE_CACHE,
    Ctx,
    Grammar,
    _cap,
    load_data,
    tidy,
)

# ----------------------------------------------------------------------------
# generation

DEFAULTS = dict(
    stmt_mal_frac=0.5,  # share of statements that are malicious
    stmt_hardneg_frac=0.25,  # share of statements that are hard negatives
    doc_mal_frac=0.25,  # share of documents that are malicious
    doc_hardneg_frac=0.25,  # share of documents that are hard negatives
)


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return items[rng.choices(range(len(items)), weights=weights)[0]]


def _theme(fam: dict, rng: random.Random) -> str:
    """Theme used to resolve % / <theme> in symbol names."""
    if "themes" in fam:
        ks = list(fam["themes"].keys())
        return _weighted(rng, ks, [float(fam["themes"][k]) for k in ks])
    return fam["theme"]


def _bind_vars(g: Grammar, fam: dict, ctx: Ctx):
    vs = fam.get("var_sets")
    if vs:
        chosen = vs[ctx.rng.randrange(len(vs))]
        for k, v in chosen.items():
            ctx.vars[k] = g.expand(v, ctx)


def _frame_parts(frame):
    if isinstance(frame, str):
        return [frame], {}
    t = frame.get("t")
    return ([t] if isinstance(t, str) else list(t)), frame


def gen_statement(g: Grammar, fam: dict, side: str, rng: random.Random):
    ctx = Ctx(rng)
    frames = fam["frames"]
    idx = rng.randrange(len(frames))
    frame = frames[idx]
    if fam.get("category") == "pair":
        alts = frame["mal"] if side == "mal" else frame["neg"]
        alts = [alts] if isinstance(alts, str) else alts
        label = 1 if side == "mal" else 0
        theme = (
            frame["theme"]
            if side == "mal"
            else frame.get("neg_theme", fam.get("neg_theme", "hard_negative:negation"))
        )
        ctx.vars["theme"] = frame["theme"]
    else:
        alts, meta = _frame_parts(frame)
        label = int(fam["label"])
        act_theme = meta.get("theme") or _theme(fam, rng)
        ctx.vars["theme"] = act_theme
        theme = meta.get("theme") or fam.get("theme") or act_theme
    _bind_vars(g, fam, ctx)
    pre = fam.get("wrap")
    t = alts[rng.randrange(len(alts))]
    if pre:
        t = pre.replace("BODY", t)
    text = tidy(g.expand(t, ctx))
    text = _cap(text)
    return dict(
        text=text,
        label=label,
        kind="statement",
        family=fam["name"],
        group=f"{fam['name']}/{idx}",
        theme=theme,
    )


_ITEM = re.compile(r"^(@?)(!?)([^?*+]+)$")
_REP = re.compile(r"^(.*?)(\?)?(?:\*(\d+)-(\d+))?$")


def _parse_item(it: str, fam_name: str):
    """'a+@b?*1-2' -> ([(mal, key, sym), ...], optional, lo, hi)."""
    m = _REP.match(it)
    body, opt, lo, hi = m.groups()
    subs = []
    for part in body.split("+"):
        mm = _ITEM.match(part.strip())
        if not mm:
            raise ValueError(f"bad skeleton item {it!r} in {fam_name}")
        subs.append((bool(mm.group(1)), bool(mm.group(2)), mm.group(3)))
    return subs, bool(opt), lo, hi


def gen_document(g: Grammar, fam: dict, rng: random.Random):
    ctx = Ctx(rng)
    act_theme = _theme(fam, rng)
    ctx.vars["theme"] = act_theme
    theme = fam.get("theme") or act_theme
    _bind_vars(g, fam, ctx)
    if fam.get("group_sym"):
        ctx.track = g.resolve(fam["group_sym"].replace("%", "<theme>"), ctx)
    sk_list = fam["skeletons"]
    sk_idx = rng.randrange(len(sk_list))
    skel = sk_list[sk_idx]
    label = int(fam["label"])
    items = []
    for it in skel:
        subs, opt, lo, hi = _parse_item(it, fam["name"])
        n = 1
        if lo is not None:
            n = rng.randint(int(lo), int(hi))
        if opt and rng.random() < 0.5:
            n = 0
        items.append((subs, n))
    if label == 1 and not any(n > 0 and any(s[0] for s in subs) for subs, n in items):
        for i, (subs, _n) in enumerate(items):
            if any(s[0] for s in subs):
                items[i] = (subs, 1)
                break
    flat = []  # (mal, key, sym, first_in_unit)
    for subs, n in items:
        for _ in range(n):
            for j, (mal, key, sym) in enumerate(subs):
                flat.append((mal, key, sym, j == 0))
    has_key = any(k for _, k, _, _ in flat)
    parts: list[tuple[str, bool, bool]] = []
    group_key = None
    for mal, key, sym, first in flat:
        name = g.resolve(sym.replace("%", "<theme>"), ctx)
        k, t = g.pick(name, ctx)
        text = tidy(g.expand(t, ctx))
        if group_key is None and (key or (not has_key and (mal or label == 0))):
            group_key = f"{name}#{k}"
        if not text:
            continue
        if not text.startswith("~"):
            text = _cap(text)
        else:
            text = text[1:]
        parts.append((text, mal, first))
    sep = fam.get("sep", "\n\n")
    out, spans, pos = [], [], 0
    for i, (text, mal, first) in enumerate(parts):
        if i:
            s = sep if first else "\n"
            out.append(s)
            pos += len(s)
        if mal:
            if spans and "".join(out)[spans[-1][1] : pos].strip() == "":
                spans[-1][1] = pos + len(text)
            else:
                spans.append([pos, pos + len(text)])
        out.append(text)
        pos += len(text)
    text = "".join(out)
    if ctx.first is not None:
        group_key = f"{ctx.first[0]}#{ctx.first[1]}"
    if label == 0:
        spans = []
    return dict(
        text=text,
        label=label,
        kind="document",
        family=fam["name"],
        group=f"{fam['name']}/{group_key or sk_idx}",
        theme=theme,
        spans=spans,
    )


def gen_composite(g: Grammar, fam: dict, rng: random.Random, by_name: dict):
    """Concatenate several documents into one long page (blog archive, digest).

    label 1: exactly one part comes from `compose_mal`; its spans are shifted.
    """
    lo, hi = fam.get("compose_n", [2, 4])
    n = rng.randint(lo, hi)
    names = [fam["compose"][rng.randrange(len(fam["compose"]))] for _ in range(n)]
    label = int(fam["label"])
    mal_pos = -1
    if label == 1:
        mal_pos = rng.randrange(n)
        names[mal_pos] = fam["compose_mal"][rng.randrange(len(fam["compose_mal"]))]
    parts = [gen_document(g, by_name[nm], rng) for nm in names]
    seps = fam.get("seps", ["\n\n* * *\n\n"])
    sep = seps[rng.randrange(len(seps))]
    out, spans, pos = [], [], 0
    for i, p in enumerate(parts):
        if i:
            out.append(sep)
            pos += len(sep)
        for s, e in p.get("spans", []):
            spans.append([s + pos, e + pos])
        out.append(p["text"])
        pos += len(p["text"])
    key = parts[mal_pos] if label == 1 else parts[0]
    theme = key["theme"] if label == 1 else fam.get("theme", "ordinary")
    return dict(
        text="".join(out),
        label=label,
        kind="document",
        family=fam["name"],
        group=key["group"],
        theme=theme,
        spans=spans if label == 1 else [],
    )


def _pools(families, kind):
    pools = {"mal": [], "hardneg": [], "ordinary": []}
    for fam in families:
        if fam.get("kind", "statement") != kind:
            continue
        cat = fam["category"]
        w = float(fam.get("weight", 1.0))
        if cat == "pair":
            pools["mal"].append((fam, "mal", float(fam.get("weight_mal", w))))
            pools["hardneg"].append((fam, "neg", float(fam.get("weight_neg", w))))
        else:
            pools[cat].append((fam, None, w))
    return pools


def generate(seed: int, n_docs: int, n_statements: int, **fracs) -> list[dict]:
    cfg = dict(DEFAULTS)
    cfg.update({k: v for k, v in fracs.items() if v is not None})
    g, families = load_data()
    by_name = {f["name"]: f for f in families}
    rng = random.Random(seed)
    seen: set[bytes] = set()
    records: list[dict] = []

    def run(kind, n, mal_frac, hn_frac):
        pools = _pools(families, kind)
        n_mal = round(n * mal_frac)
        n_hn = round(n * hn_frac)
        plan = [("mal", n_mal), ("hardneg", n_hn), ("ordinary", n - n_mal - n_hn)]
        for cat, count in plan:
            pool = pools[cat]
            if count and not pool:
                raise ValueError(f"no {kind} families for category {cat}")
            weights = [w for _, _, w in pool]
            for _ in range(count):
                rec = None
                for _attempt in range(25):
                    fam, side, _ = _weighted(rng, pool, weights)
                    if kind == "statement":
                        rec = gen_statement(g, fam, side, rng)
                    elif "compose" in fam:
                        rec = gen_composite(g, fam, rng, by_name)
                    else:
                        rec = gen_document(g, fam, rng)
                    h = hashlib.blake2b(rec["text"].encode(), digest_size=12).digest()
                    if h not in seen:
                        seen.add(h)
                        break
                records.append(rec)

    run("document", n_docs, cfg["doc_mal_frac"], cfg["doc_hardneg_frac"])
    run("statement", n_statements, cfg["stmt_mal_frac"], cfg["stmt_hardneg_frac"])
    rng.shuffle(records)
    out = []
    for i, r in enumerate(records):
        rec = {
            "id": f"mc2-s{seed}-{i:06d}",
            "text": r["text"],
            "label": r["label"],
            "kind": r["kind"],
            "family": r["family"],
            "group": r["group"],
            "theme": r["theme"],
        }
        if r["kind"] == "document":
            rec["spans"] = r["spans"]
        out.append(rec)
    return out


def validate(n_per_family: int = 150, seed: int = 12345) -> list[str]:
    """Expand every family many times; return a list of problems found."""
    g, families = load_data()
    rng = random.Random(seed)
    problems = []
    for fam in families:
        for _ in range(n_per_family):
            try:
                if fam.get("kind", "statement") == "statement":
                    sides = ["mal", "neg"] if fam["category"] == "pair" else [None]
                    for side in sides:
                        r = gen_statement(g, fam, side, rng)
                elif "compose" in fam:
                    r = gen_composite(g, fam, rng, {f["name"]: f for f in families})
                else:
                    r = gen_document(g, fam, rng)
            except Exception as e:  # noqa: BLE001
                problems.append(f"{fam['name']}: {type(e).__name__}: {e}")
                break
            t = r["text"]
            for bad in ("{", "}", "@a ", "\x01", "  ", " ,", " .", "..", "<theme", "_%"):
                if bad in t and not (bad == ".." and "..." in t):
                    problems.append(f"{fam['name']}: suspicious {bad!r} in: {t[:160]!r}")
                    break
    used = set()
    for s in _PARSE_CACHE:
        for m in re.finditer(r"\{\^?(\w+)\}", s):
            used.add(m.group(1))
    return problems
