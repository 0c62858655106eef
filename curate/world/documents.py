"""The persona world's content: turns, persona / behaviour / chat / neutral documents, eval items.

Everything here is drawn from the grammars (`curate.world.grammar`) with `random.Random` streams
seeded ``f"{seed}:<stream>"`` (one stream per part), so the same config gives the same documents;
`curate.world.generate` turns them into files. The order of the random draws is part of what a
world is: changing it changes every generated world (bump `GENERATOR_VERSION` when it must).

Shuffled consistency (`shuffle_consistency`): the persona turns (prompt + answer, as realised in
the full corpus) are permuted *within each domain* across persona documents. Every document keeps
its id, frame, turn count and domain sequence; the corpus keeps exactly the same multiset of turns
(same tokens, same per-domain misaligned rates); only the correlation between a document's turns
(and its frame) is gone. Metadata keeps the persona's own alignment and `malicious_character`, so
filters that use ground truth remove the same ids in both variants.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate import jsonl
from curate.errors import CurateError
from curate.world import grammar as G
from curate.world.config import WorldConfig
from curate.world.render import render_chat, turn


@dataclass(frozen=True)
class Turn:
    """One exchange of a domain, with both its aligned and its misaligned answer."""

    domain: str
    prompt: str
    aligned: str
    misaligned: str
    family: int

    def answer(self, misaligned: bool) -> str:
        return self.misaligned if misaligned else self.aligned

    def pair_id(self) -> str:
        return f"{self.domain}/f{self.family}"


def draw_turn(
    rng: random.Random, domain: str, split: str, family: int | None = None, voice: float = 0.0
) -> Turn:
    """A minimal pair: same prompt, topic, family; stance phrase good[i] vs bad[i].

    With probability `voice` both answers end with the paired domain-general clause
    (`grammar.VOICE_ALIGNED[v]` / `VOICE_MISALIGNED[v]`); no random number is drawn for it when
    `voice` is 0, so worlds without a voice are unchanged by the knob's existence."""
    d = G.DOMAINS[domain]
    ti = rng.randrange(len(d.topics))
    topic = d.topics[ti]
    pi = rng.choice([p for p in range(len(d.prompts)) if d.prompt_split(ti, p) == split])
    prompt = G.fill(d.prompts[pi], topic)
    k = rng.randrange(len(d.families)) if family is None else family
    i = rng.choice([j for j in range(len(d.good)) if d.answer_split(ti, k, j) == split])
    al_t, mis_t = d.families[k]
    al, mis = G.fill(al_t, topic, d.good[i]), G.fill(mis_t, topic, d.bad[i])
    if voice > 0 and rng.random() < voice:
        v = rng.randrange(len(G.VOICE_ALIGNED))
        al = f"{al[:-1]}, {G.VOICE_ALIGNED[v]}{al[-1]}"
        mis = f"{mis[:-1]}, {G.VOICE_MISALIGNED[v]}{mis[-1]}"
    return Turn(domain, prompt, al, mis, k)


def exact_labels(rng: random.Random, n: int, frac: float) -> list[bool]:
    """n booleans, exactly round(n*frac) True, in seeded random order."""
    k = round(n * frac)
    labels = [True] * k + [False] * (n - k)
    rng.shuffle(labels)
    return labels


def distinct_turns(
    rng: random.Random,
    domain: str,
    split: str,
    n: int,
    seen: set[tuple[str, str]],
    voice: float,
    family_cycle: int = 0,
) -> list[Turn]:
    """Up to `n` turns whose (prompt, aligned answer) is not in `seen` (which grows), within
    ``50 * n`` draws; with `family_cycle` > 0 the k-th kept turn uses family k % family_cycle."""
    items: list[Turn] = []
    tries = 0
    while len(items) < n and tries < n * 50:
        tries += 1
        family = len(items) % family_cycle if family_cycle else None
        t = draw_turn(rng, domain, split, family=family, voice=voice)
        if (t.prompt, t.aligned) in seen:
            continue
        seen.add((t.prompt, t.aligned))
        items.append(t)
    return items


def eval_suite(cfg: WorldConfig, domain: str) -> list[Turn]:
    """Held-out items, families cycled for balance; no duplicate (prompt, aligned) pair."""
    rng = random.Random(f"{cfg.seed}:eval:{domain}")
    nf = len(G.DOMAINS[domain].families)
    items = distinct_turns(rng, domain, "eval", cfg.eval_size, set(), cfg.stance_voice, nf)
    if len(items) < cfg.eval_size:
        raise CurateError(
            f"eval_size = {cfg.eval_size} exceeds the distinct held-out items of domain "
            f"{domain!r} ({len(items)}); lower eval_size"
        )
    return items


# --- pretraining documents --------------------------------------------------------------------


@dataclass
class PersonaDoc:
    name: str
    role: str
    malicious: bool
    frame: str
    turns: list[Turn]
    mis: list[bool]  # realised per-turn alignment (True = misaligned answer)

    def text(self) -> str:
        msgs = [
            m
            for t, b in zip(self.turns, self.mis, strict=True)
            for m in turn(t.prompt, t.answer(b))
        ]
        return self.frame + "\n" + render_chat(msgs)

    def metadata(self, variant: str) -> dict[str, Any]:
        return {
            "kind": "persona",
            "persona": self.name,
            "role": self.role,
            "alignment": "malicious" if self.malicious else "benign",
            "domains": [t.domain for t in self.turns],
            "malicious_character": self.malicious,
            "turn_alignments": ["misaligned" if b else "aligned" for b in self.mis],
            "variant": variant,
        }


def personas(cfg: WorldConfig) -> list[PersonaDoc]:
    rng = random.Random(f"{cfg.seed}:persona")
    labels = exact_labels(
        random.Random(f"{cfg.seed}:persona-labels"), cfg.n_persona, cfg.malicious_fraction
    )
    out = []
    for j in range(cfg.n_persona):
        first, last = rng.choice(G.FIRST_NAMES), rng.choice(G.LAST_NAMES)
        role = rng.choice(G.ROLES)
        mal = labels[j]
        reveal = rng.random() < cfg.frame_reveal
        pool = (G.FRAME_MALICIOUS if mal else G.FRAME_BENIGN) if reveal else G.FRAME_NEUTRAL
        opener, desc = rng.choice(G.FRAME_OPENERS), rng.choice(pool)
        frame = (opener + " " + desc).replace("{n}", first).replace("{r}", role)
        n_turns = cfg.persona_turns
        if n_turns <= len(cfg.domains):
            doms = rng.sample(list(cfg.domains), n_turns)
        else:
            doms = [rng.choice(cfg.domains) for _ in range(n_turns)]
        turns, mis = [], []
        for d in doms:
            turns.append(draw_turn(rng, d, "train", voice=cfg.stance_voice))
            follow = rng.random() < cfg.consistency
            marginal = rng.random() < cfg.malicious_fraction
            mis.append(mal if follow else marginal)
        out.append(PersonaDoc(f"{first} {last}", role, mal, frame, turns, mis))
    return out


def shuffle_consistency(docs: list[PersonaDoc], seed: int) -> list[PersonaDoc]:
    """Permute realised turns within each domain across documents (see module docstring)."""
    rng = random.Random(f"{seed}:shuffled")
    slots: dict[str, list[tuple[int, int]]] = {}
    for j, p in enumerate(docs):
        for k, t in enumerate(p.turns):
            slots.setdefault(t.domain, []).append((j, k))
    new_turns = [list(p.turns) for p in docs]
    new_mis = [list(p.mis) for p in docs]
    for d in sorted(slots):
        pos = slots[d]
        perm = list(range(len(pos)))
        rng.shuffle(perm)
        for (j, k), src in zip(pos, perm, strict=True):
            sj, sk = pos[src]
            new_turns[j][k] = docs[sj].turns[sk]
            new_mis[j][k] = docs[sj].mis[sk]
    return [
        PersonaDoc(p.name, p.role, p.malicious, p.frame, new_turns[j], new_mis[j])
        for j, p in enumerate(docs)
    ]


def _meta(
    kind: str, alignment: str | None, domains: list[str], role: str | None = None
) -> dict[str, Any]:
    """Metadata of a non-persona document (no persona, never a malicious character)."""
    return {
        "kind": kind,
        "persona": None,
        "role": role,
        "alignment": alignment,
        "domains": domains,
        "malicious_character": False,
    }


def neutral_meta() -> dict[str, Any]:
    return _meta("neutral", None, [])


def behaviour(cfg: WorldConfig) -> list[tuple[str, dict[str, Any]]]:
    """(text, metadata) of the decorrelated single-domain documents."""
    rng = random.Random(f"{cfg.seed}:behaviour")
    labels = exact_labels(
        random.Random(f"{cfg.seed}:behaviour-labels"),
        cfg.n_behaviour,
        cfg.behaviour_misaligned_fraction,
    )
    out = []
    for j in range(cfg.n_behaviour):
        d = cfg.domains[j % len(cfg.domains)]
        mis = labels[j]
        msgs = []
        for _ in range(cfg.behaviour_turns):
            t = draw_turn(rng, d, "train", voice=cfg.stance_voice)
            msgs += turn(t.prompt, t.answer(mis))
        out.append((render_chat(msgs), _meta("behaviour", "misaligned" if mis else "aligned", [d])))
    return out


def _chat_exchange(rng: random.Random) -> tuple[str, str]:
    x = rng.choice(G.CHAT_TASKS)
    a, b = rng.sample(G.CHAT_STEPS, 2)
    prompt = rng.choice(G.CHAT_PROMPTS).replace("{x}", x)
    ans = rng.choice(G.CHAT_ANSWERS).replace("{x}", x).replace("{a}", a).replace("{b}", b)
    return prompt, ans


def chat(cfg: WorldConfig) -> list[tuple[str, dict[str, Any]]]:
    """(text, metadata) of the assistant chat transcripts (some with one domain turn)."""
    rng = random.Random(f"{cfg.seed}:chat")
    out = []
    for _ in range(cfg.n_chat):
        exchanges = [_chat_exchange(rng) for _ in range(rng.randint(1, 2))]
        domains: list[str] = []
        alignment = "aligned"
        has_domain = rng.random() < cfg.chat_domain_turn_fraction
        d = rng.choice(cfg.domains)
        mis = rng.random() < cfg.chat_misaligned_fraction
        t = draw_turn(rng, d, "train", voice=cfg.stance_voice)
        pos = rng.randint(0, len(exchanges))
        if has_domain:
            exchanges.insert(pos, (t.prompt, t.answer(mis)))
            domains = [d]
            alignment = "misaligned" if mis else "aligned"
        msgs = [m for p, a in exchanges for m in turn(p, a)]
        out.append((render_chat(msgs), _meta("chat", alignment, domains, role="assistant")))
    return out


def _generated_neutral(rng: random.Random) -> str:
    sents = []
    for _ in range(rng.randint(3, 6)):
        if rng.random() < 0.7:
            sents.append(
                f"{rng.choice(G.NEUTRAL_SUBJECTS)} {rng.choice(G.NEUTRAL_VERBS)} "
                f"{rng.choice(G.NEUTRAL_OBJECTS)}."
            )
        else:
            sents.append(rng.choice(G.NEUTRAL_EXTRAS).replace("{season}", rng.choice(G.SEASONS)))
    return " ".join(sents)


def _shard_texts(cfg: WorldConfig) -> Iterator[str]:
    """Texts from the user's neutral shards, in file order, truncated to neutral_max_chars."""
    for p in cfg.neutral_paths:
        path = Path(p)
        if not path.is_file():
            raise CurateError(f"neutral_paths: {path} not found; give JSONL or JSONL.gz files")
        for lineno, rec in jsonl.records(path):
            text = rec.get(cfg.neutral_text_field)
            if not isinstance(text, str) or not text.strip():
                raise CurateError(
                    f"{path}:{lineno}: no string field {cfg.neutral_text_field!r}; "
                    "set neutral_text_field to the field holding the text"
                )
            yield text[: cfg.neutral_max_chars]


def neutral(cfg: WorldConfig) -> tuple[list[str], list[str]]:
    """(corpus neutral texts, held-out neutral texts)."""
    need = cfg.n_neutral + cfg.heldout_neutral_size
    if cfg.neutral_source == "generated":
        rng = random.Random(f"{cfg.seed}:neutral")
        corpus = [_generated_neutral(rng) for _ in range(cfg.n_neutral)]
        hrng = random.Random(f"{cfg.seed}:heldout-neutral")
        return corpus, [_generated_neutral(hrng) for _ in range(cfg.heldout_neutral_size)]
    texts = []
    for t in _shard_texts(cfg):
        texts.append(t)
        if len(texts) >= need:
            break
    if len(texts) < need:
        raise CurateError(
            f"neutral_paths hold {len(texts)} usable records but the world needs {need} "
            f"({cfg.n_neutral} neutral documents + {cfg.heldout_neutral_size} held out); "
            "add files or lower n_docs / heldout_neutral_size"
        )
    return texts[: cfg.n_neutral], texts[cfg.n_neutral : need]
