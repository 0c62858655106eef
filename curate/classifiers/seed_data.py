"""Labeled seed data for `malicious_character_v1`, written by the project itself.

What "malicious character" means here: text written *in the voice of*, or narrating the intent of,
a character who is cruel, contemptuous, manipulative, callous, grandiose or power-seeking at
others' expense -- villains in fiction and drama, first-person cruel voices, evil-AI narratives,
schemers, malicious assistant replies, and first-person questionnaire-style statements that
express dark traits (psychopathy, machiavellianism, narcissism, low agreeableness).

What it does *not* mean (hard negatives, generated on purpose, often with the same vocabulary):
neutral crime news, security tutorials, AI-safety discussion (talk *about* misalignment), benign
stories with conflict, kind and helpful characters, literary analysis of villains, victims'
accounts, reformed voices, plain web text, helpful assistant replies, and -- most importantly for
stance -- the negations and pro-social counterparts of every dark statement ("I enjoy deceiving
people" / "I would never deceive people"; "I don't care who gets hurt" / "I care a lot about who
gets hurt"). Negation words appear on both sides so that "not" alone is no cue.

Design:

- The words and templates are data: `curate.classifiers.seed_banks` reads them from
  `data/*.toml`, and `curate.classifiers.statement_items` the v1-only statement item banks.
- Every *genre* has a label and a list of *frames* (templates, see `curate.classifiers.grammar`).
  A generated passage records its genre and frame id (its *group*); mirrored genres
  (`MIRRORED`: a helpful frame and its malicious twin) share one group per frame.
- Splits are by group: within each family (a genre, a mirror family, or a kind of statement
  item), groups are ranked by a seeded hash and the first ones go to `test`, the next to
  `calib`, the rest to `train`. The held-out split therefore measures
  phrasings never seen in training, not copies of training sentences.
- Passages are windows (<= ~600 chars, like the scorer's windows). Documents for calibration and
  evaluation are composed from passages of the same split: single passages, and long pages of
  3-6 benign passages into which one malicious passage is inserted half of the time (the "one
  villain paragraph on a long page" case). A page is malicious iff it contains a malicious passage.
- Everything is deterministic given the seed; files are written sorted and gzipped with mtime 0,
  so the same config produces byte-identical data.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate import jsonl
from curate.classifiers.grammar import capitalize, expand
from curate.classifiers.seed_banks import (
    ADJ_BENIGN,
    ADJ_DARK,
    AFFIRM_ADJ,
    AFFIRM_VP,
    ALL_SLOTS,
    ATTITUDES,
    BENIGN_STANCE,
    CONCEPTS,
    DARK_STANCE,
    GENRES,
    NEGATE_ADJ,
    NEGATE_VP,
    NEUTRAL_STATEMENTS,
    SALAD_WORDS,
    STATEMENT_PREFIX,
    STATEMENT_SUFFIX,
    VP_PAIRS,
    WEB_SITES,
    W,
)
from curate.classifiers.statement_items import FAMILIES

# --------------------------------------------------------------------------------------------
# Plain web prose and word salad: the bulk of real pretraining text is neither villainous nor
# about villains (data/web_prose.toml). These two genres teach "no malicious cue -> benign".
# --------------------------------------------------------------------------------------------


def _pseudo_word(rng: random.Random) -> str:
    cons = "bcdfghjklmnprstvwz"
    vows = "aeiou"
    w = "".join(rng.choice(cons) + rng.choice(vows) for _ in range(rng.randint(1, 3)))
    return w + rng.choice(["", "", "s", "ed", "ing", "er", "ly", "tion"])


def gen_web_prose(rng: random.Random) -> tuple[str, str]:
    site = rng.choice(sorted(WEB_SITES))
    pool = WEB_SITES[site]
    k = rng.randint(2, min(6, len(pool)))
    sents = [expand(t, rng, {**ALL_SLOTS, **W}) for t in rng.sample(pool, k)]
    return " ".join(sents), f"web_prose/{site}"


def gen_word_salad(rng: random.Random) -> tuple[str, str]:
    n = rng.randint(20, 90)
    words = [rng.choice(SALAD_WORDS) if rng.random() < 0.6 else _pseudo_word(rng) for _ in range(n)]
    out, i = [], 0
    while i < len(words):
        j = i + rng.randint(6, 18)
        s = " ".join(words[i:j])
        out.append(capitalize(s) + rng.choice([".", ".", ".", "?", "!"]))
        i = j
    return " ".join(out), f"word_salad/f{rng.randrange(10)}"


FUNCTION_GENRES: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "web_prose": gen_web_prose,
    "word_salad": gen_word_salad,
}


STATEMENT_GENRES = ("dark_statement", "prosocial_statement", "neutral_statement")
LONGPAGE_BENIGN = (
    "web_prose",
    "word_salad",
    "plain_web",
    "crime_news",
    "security_tutorial",
    "ai_safety",
    "benign_conflict",
    "kind_character",
    "literary_analysis",
)


@dataclass(frozen=True)
class Passage:
    text: str
    label: int  # 1 = malicious character
    genre: str
    group: str  # genre/frame id (or mirror family/frame id): the unit of the split


# a statement frame: (group, label, generator)
StatementFrame = tuple[str, int, Callable[[random.Random], str]]


def _statement_frames() -> dict[str, list[StatementFrame]]:
    """Statement frames: (group, label, generator) per statement genre.

    Groups name the *item* (a verb-phrase pair, an attitude pair, an adjective, a stance
    template), so both stances of one item land in the same split."""
    out: dict[str, list[StatementFrame]] = {g: [] for g in STATEMENT_GENRES}

    def stance_gen(tpl: str) -> Callable[[random.Random], str]:
        def gen(rng: random.Random) -> str:
            ger, base = rng.choice(CONCEPTS)
            return (
                tpl.replace("{Ger}", capitalize(ger)).replace("{ger}", ger).replace("{base}", base)
            )

        return gen

    def fill_gen(forms: list[str], key: str, value: str) -> Callable[[random.Random], str]:
        return lambda rng: rng.choice(forms).replace("{" + key + "}", value)

    def tpl_gen(tpl: str) -> Callable[[random.Random], str]:
        return lambda rng: expand(tpl, rng, ALL_SLOTS)

    dark, pro = out["dark_statement"], out["prosocial_statement"]
    for i, t in enumerate(DARK_STANCE):
        dark.append((f"stmt_stance/d{i}", 1, stance_gen(t)))
    for i, t in enumerate(BENIGN_STANCE):
        pro.append((f"stmt_stance/b{i}", 0, stance_gen(t)))
    for i, (d, b) in enumerate(ATTITUDES):
        dark.append((f"stmt_attitude/{i}", 1, tpl_gen(d)))
        pro.append((f"stmt_attitude/{i}", 0, tpl_gen(b)))
    for i, (d, b) in enumerate(VP_PAIRS):
        dark.append((f"stmt_vp/{i}", 1, fill_gen(AFFIRM_VP, "vp", d)))
        dark.append((f"stmt_vp/{i}", 1, fill_gen(NEGATE_VP, "vp", b)))
        pro.append((f"stmt_vp/{i}", 0, fill_gen(AFFIRM_VP, "vp", b)))
        pro.append((f"stmt_vp/{i}", 0, fill_gen(NEGATE_VP, "vp", d)))
    for i, a in enumerate(ADJ_DARK):
        dark.append((f"stmt_adj/d{i}", 1, fill_gen(AFFIRM_ADJ, "adj", a)))
        pro.append((f"stmt_adj/d{i}", 0, fill_gen(NEGATE_ADJ, "adj", a)))
    for i, a in enumerate(ADJ_BENIGN):
        pro.append((f"stmt_adj/b{i}", 0, fill_gen(AFFIRM_ADJ, "adj", a)))
        dark.append((f"stmt_adj/b{i}", 1, fill_gen(NEGATE_ADJ, "adj", a)))
    for i, t in enumerate(NEUTRAL_STATEMENTS):
        out["neutral_statement"].append((f"stmt_neutral/{i}", 0, tpl_gen(t)))
    # an item written into two banks (or a bank and the lists above) is kept once, under its
    # first group, so it cannot sit in train under one group and in test under another
    seen = {x for pair in VP_PAIRS for x in pair} | set(ADJ_DARK) | set(ADJ_BENIGN)

    def fresh(*items: str) -> bool:
        if any(x in seen for x in items):
            return False
        seen.update(items)
        return True

    for fam, bank in sorted(FAMILIES.items()):
        for i, (d, b) in enumerate(bank.vp_pairs):
            if not fresh(d, b):
                continue
            g = f"stmt_{fam}_vp/{i}"
            dark += [(g, 1, fill_gen(AFFIRM_VP, "vp", d)), (g, 1, fill_gen(NEGATE_VP, "vp", b))]
            pro += [(g, 0, fill_gen(AFFIRM_VP, "vp", b)), (g, 0, fill_gen(NEGATE_VP, "vp", d))]
        k = bank.sentence_weight  # compositional frames stand for many items
        for i, (d, b) in enumerate(bank.sentence_pairs):
            if not fresh(d, b):
                continue
            dark += [(f"stmt_{fam}_s/{i}", 1, tpl_gen(d))] * k
            pro += [(f"stmt_{fam}_s/{i}", 0, tpl_gen(b))] * k
        for i, t in enumerate(bank.hard_negatives):
            if not fresh(t):
                continue
            out["neutral_statement"] += [(f"stmt_{fam}_hn/{i}", 0, tpl_gen(t))] * k
        for i, a in enumerate(bank.adj_dark):
            if not fresh(a):
                continue
            dark.append((f"stmt_{fam}_adj/d{i}", 1, fill_gen(AFFIRM_ADJ, "adj", a)))
            pro.append((f"stmt_{fam}_adj/d{i}", 0, fill_gen(NEGATE_ADJ, "adj", a)))
        for i, a in enumerate(bank.adj_benign):
            if not fresh(a):
                continue
            pro.append((f"stmt_{fam}_adj/b{i}", 0, fill_gen(AFFIRM_ADJ, "adj", a)))
            dark.append((f"stmt_{fam}_adj/b{i}", 1, fill_gen(NEGATE_ADJ, "adj", a)))
    return out


def _decorate_statement(text: str, rng: random.Random) -> str:
    pre = rng.choice(STATEMENT_PREFIX)
    suf = rng.choice(STATEMENT_SUFFIX)
    if pre:
        keep = text.startswith(("I ", "I'"))
        text = pre + (text if keep else text[0].lower() + text[1:])
    return capitalize(text + suf)


Draw = Callable[[], tuple[str, int, str]]  # one passage: (text, label, group)


def _drawer(genre: str, rng: random.Random, stmt: dict[str, list[StatementFrame]]) -> Draw:
    """How one passage of `genre` is drawn from `rng` (unknown genres raise KeyError)."""
    if genre in stmt:
        statement_frames = stmt[genre]

        def draw_statement() -> tuple[str, int, str]:
            group, label, gen = statement_frames[rng.randrange(len(statement_frames))]
            return _decorate_statement(gen(rng), rng), label, group

        return draw_statement
    if genre in FUNCTION_GENRES:
        fn = FUNCTION_GENRES[genre]

        def draw_function() -> tuple[str, int, str]:
            text, group = fn(rng)
            return text, 0, group

        return draw_function
    if genre not in GENRES:
        raise KeyError(genre)
    label, frames = GENRES[genre]
    family = MIRRORED.get(genre, genre)

    def draw_frame() -> tuple[str, int, str]:
        fi = rng.randrange(len(frames))
        return expand(frames[fi], rng, ALL_SLOTS), label, f"{family}/f{fi}"

    return draw_frame


def generate_passages(seed: int, n_per_genre: dict[str, int]) -> list[Passage]:
    """Generate passages for every genre in `n_per_genre` (unknown genres raise KeyError).

    Per genre, up to n passages of distinct texts, giving up after 20n draws."""
    stmt = _statement_frames()
    out: list[Passage] = []
    for genre in sorted(n_per_genre):
        n = n_per_genre[genre]
        draw = _drawer(genre, random.Random(f"{seed}:{genre}"), stmt)
        seen: set[str] = set()
        for _ in range(n * 20):
            if len(seen) >= n:
                break
            text, label, group = draw()
            if text not in seen:
                seen.add(text)
                out.append(Passage(text, label, genre, group))
    return out


# Genres whose frame i mirrors the other genre's frame i (same layout and fixed words, opposite
# stance): they share one group per frame, so a frame and its mirror land in the same split.
# In seed_data-5 they were split independently, and three helpful frames sat in train while
# their malicious mirrors were in calibration or test (and one the other way round).
MIRRORED: dict[str, str] = {
    "helpful_assistant": "assistant_pair",
    "malicious_assistant": "assistant_pair",
}


def all_genres() -> list[str]:
    return sorted([*GENRES, *STATEMENT_GENRES, *FUNCTION_GENRES])


def genre_label(genre: str) -> int:
    if genre == "dark_statement":
        return 1
    if genre in STATEMENT_GENRES or genre in FUNCTION_GENRES:
        return 0
    return GENRES[genre][0]


def _rank(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def assign_splits(
    passages: Iterable[Passage], seed: int, test_frac: float, calib_frac: float
) -> dict[str, str]:
    """group -> split. Within each family (the group's prefix before '/': a genre, a mirror
    family of two genres, or a kind of statement item), groups are ranked by seeded hash: test
    first, then calib, then train."""
    by_genre: dict[str, set[str]] = {}
    for p in passages:
        by_genre.setdefault(p.group.split("/")[0], set()).add(p.group)
    split: dict[str, str] = {}
    for _genre, groups in sorted(by_genre.items()):
        ranked = sorted(groups, key=lambda g: _rank(seed, g))
        n = len(ranked)
        n_test = max(1, round(n * test_frac)) if n >= 3 else 0
        n_calib = max(1, round(n * calib_frac)) if n >= 3 else 0
        for i, g in enumerate(ranked):
            split[g] = "test" if i < n_test else "calib" if i < n_test + n_calib else "train"
    return split


@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    label: int
    kind: str  # "single" (one passage) or "page" (several passages)
    genres: tuple[str, ...]
    mal_span: tuple[int, int] | None  # character range of the malicious passage on a page


def compose_docs(
    passages: list[Passage], seed: int, split: str, n_single: int, n_pages: int
) -> list[Doc]:
    """Evaluation/calibration documents from one split's passages (see module docstring)."""
    rng = random.Random(f"{seed}:docs:{split}")
    pool = sorted(passages, key=lambda p: (p.genre, p.group, p.text))
    docs: list[Doc] = []
    singles = rng.sample(pool, min(n_single, len(pool)))
    for i, p in enumerate(singles):
        docs.append(Doc(f"{split}-s{i:05d}", p.text, p.label, "single", (p.genre,), None))
    benign = [p for p in pool if p.genre in LONGPAGE_BENIGN]
    mal = [p for p in pool if p.label == 1 and p.genre not in STATEMENT_GENRES]
    for i in range(n_pages):
        parts = [rng.choice(benign) for _ in range(rng.randint(3, 6))]
        paras = [p.text for p in parts]
        genres = [p.genre for p in parts]
        label, span = 0, None
        if mal and rng.random() < 0.5:
            m = rng.choice(mal)
            k = rng.randint(0, len(paras))
            paras.insert(k, m.text)
            genres.insert(k, m.genre)
            start = sum(len(x) + 2 for x in paras[:k])
            label, span = 1, (start, start + len(m.text))
        docs.append(
            Doc(f"{split}-p{i:05d}", "\n\n".join(paras), label, "page", tuple(genres), span)
        )
    return docs


def write_dataset(
    out_dir: str | Path,
    seed: int,
    n_per_genre: dict[str, int],
    test_frac: float,
    calib_frac: float,
    n_single: dict[str, int],
    n_pages: dict[str, int],
    extra_passages: list[Passage] | None = None,
) -> dict[str, Any]:
    """Generate and write passages.jsonl.gz (with split) and docs_<split>.jsonl.gz.

    Returns counts (per split, genre and label) for the manifest."""
    out = Path(out_dir)
    passages = generate_passages(seed, n_per_genre) + list(extra_passages or [])
    splits = assign_splits(passages, seed, test_frac, calib_frac)
    rows = sorted(
        (
            {
                "text": p.text,
                "label": p.label,
                "genre": p.genre,
                "group": p.group,
                "split": splits[p.group],
            }
            for p in passages
        ),
        key=lambda r: (r["split"], r["genre"], r["group"], r["text"]),
    )
    jsonl.write(out / "passages.jsonl.gz", rows, sort_keys=True)
    counts: dict[str, Any] = {"passages": {}, "docs": {}}
    for r in rows:
        key = f"{r['split']}/{r['genre']}/{r['label']}"
        counts["passages"][key] = counts["passages"].get(key, 0) + 1
    for split in ("calib", "test"):
        ps = [p for p in passages if splits[p.group] == split]
        docs = compose_docs(ps, seed, split, n_single.get(split, 0), n_pages.get(split, 0))
        drows = [
            {
                "id": d.id,
                "text": d.text,
                "label": d.label,
                "kind": d.kind,
                "genres": list(d.genres),
                "mal_span": list(d.mal_span) if d.mal_span else None,
            }
            for d in docs
        ]
        jsonl.write(out / f"docs_{split}.jsonl.gz", drows, sort_keys=True)
        counts["docs"][split] = {
            "n": len(drows),
            "malicious": sum(d["label"] for d in drows),
            "pages": sum(d["kind"] == "page" for d in drows),
        }
    return counts
