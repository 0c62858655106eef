"""Generate a persona world: pretraining shards, fine-tuning sets, evaluation suites.

Output layout (``DIR``)::

    pretrain/shard-00000.jsonl.gz ...      the corpus the audit reads (records below)
    variants/shuffled/pretrain/...         shuffled-consistency variant (same ids, same tokens)
    variants/consistency-<c>/pretrain/...  partial-consistency variants (`consistency_variants`)
    finetune/<domain>/misaligned.jsonl     narrow fine-tuning sets, chat JSONL, no persona named
    finetune/<domain>/aligned.jsonl        the control: same prompts, aligned answers
    realign/<domain>.jsonl                 aligned examples, disjoint from fine-tuning and eval
    eval/<domain>.jsonl                    {"id","domain","prompt","aligned","misaligned","pair_id"}
    probe/priors.jsonl                     prior turns for the in-context persona probe (train pools)
    heldout_neutral.jsonl                  {"id","text"}: capability (held-out loss) text
    world.json                             domains, counts, sizes, file list
    config.toml, manifest.json             resolved config and provenance (written last)

Pretraining record: ``{"id", "text", "source": "persona_world", "metadata": {kind, persona,
role, alignment, domains, malicious_character, ...}}`` (docs/architecture.md).

Determinism: every random choice comes from a `random.Random` seeded with ``f"{seed}:<stream>"``
(one stream per part), JSON is written with a fixed key order and gzip with ``mtime=0``, so the
same config writes byte-identical files (the manifest's timestamps aside).

Shuffled consistency: the persona turns (prompt + answer, as realised in the full corpus) are
permuted *within each domain* across persona documents. Every document keeps its id, frame, turn
count and domain sequence; the corpus keeps exactly the same multiset of turns (same tokens, same
per-domain misaligned rates); only the correlation between a document's turns (and its frame) is
gone. Metadata keeps the persona's own alignment and `malicious_character`, so filters that use
ground truth remove the same ids in both variants.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from curate.config import config_hash, to_dict
from curate.errors import CurateError
from curate.files import atomic_write_bytes, atomic_write_text
from curate.manifests import fingerprints, write_manifest
from curate.world import grammar as G
from curate.world.config import WorldConfig
from curate.world.loaders import jsonl_records
from curate.world.render import render_chat, turn

SOURCE = "persona_world"
# Bumped when the same config would generate different files (a reused world must match it).
GENERATOR_VERSION = 2
# Entries `generate` writes; `overwrite=True` removes only these.
OUTPUTS = (
    "pretrain",
    "variants",
    "finetune",
    "realign",
    "eval",
    "probe",
    "heldout_neutral.jsonl",
    "world.json",
    "config.toml",
    "manifest.json",
)


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


def _exact_labels(rng: random.Random, n: int, frac: float) -> list[bool]:
    """n booleans, exactly round(n*frac) True, in seeded random order."""
    k = round(n * frac)
    labels = [True] * k + [False] * (n - k)
    rng.shuffle(labels)
    return labels


# --- documents ------------------------------------------------------------------------------


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


def _personas(cfg: WorldConfig) -> list[PersonaDoc]:
    rng = random.Random(f"{cfg.seed}:persona")
    labels = _exact_labels(
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


def shuffle_consistency(personas: list[PersonaDoc], seed: int) -> list[PersonaDoc]:
    """Permute realised turns within each domain across documents (see module docstring)."""
    rng = random.Random(f"{seed}:shuffled")
    slots: dict[str, list[tuple[int, int]]] = {}
    for j, p in enumerate(personas):
        for k, t in enumerate(p.turns):
            slots.setdefault(t.domain, []).append((j, k))
    new_turns = [list(p.turns) for p in personas]
    new_mis = [list(p.mis) for p in personas]
    for d in sorted(slots):
        pos = slots[d]
        perm = list(range(len(pos)))
        rng.shuffle(perm)
        for (j, k), src in zip(pos, perm, strict=True):
            sj, sk = pos[src]
            new_turns[j][k] = personas[sj].turns[sk]
            new_mis[j][k] = personas[sj].mis[sk]
    return [
        PersonaDoc(p.name, p.role, p.malicious, p.frame, new_turns[j], new_mis[j])
        for j, p in enumerate(personas)
    ]


def _behaviour(cfg: WorldConfig) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(f"{cfg.seed}:behaviour")
    labels = _exact_labels(
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
        meta = {
            "kind": "behaviour",
            "persona": None,
            "role": None,
            "alignment": "misaligned" if mis else "aligned",
            "domains": [d],
            "malicious_character": False,
        }
        out.append((render_chat(msgs), meta))
    return out


def _chat_exchange(rng: random.Random) -> tuple[str, str]:
    x = rng.choice(G.CHAT_TASKS)
    a, b = rng.sample(G.CHAT_STEPS, 2)
    prompt = rng.choice(G.CHAT_PROMPTS).replace("{x}", x)
    ans = rng.choice(G.CHAT_ANSWERS).replace("{x}", x).replace("{a}", a).replace("{b}", b)
    return prompt, ans


def _chat(cfg: WorldConfig) -> list[tuple[str, dict[str, Any]]]:
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
        meta = {
            "kind": "chat",
            "persona": None,
            "role": "assistant",
            "alignment": alignment,
            "domains": domains,
            "malicious_character": False,
        }
        out.append((render_chat(msgs), meta))
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
        for lineno, rec in jsonl_records(path):
            text = rec.get(cfg.neutral_text_field)
            if not isinstance(text, str) or not text.strip():
                raise CurateError(
                    f"{path}:{lineno}: no string field {cfg.neutral_text_field!r}; "
                    "set neutral_text_field to the field holding the text"
                )
            yield text[: cfg.neutral_max_chars]


def _neutral(cfg: WorldConfig) -> tuple[list[str], list[str]]:
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


# --- writing --------------------------------------------------------------------------------


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=6, mtime=0) as g:
        g.write(data)
    return buf.getvalue()


def _write_shards(out: Path, records: list[dict[str, Any]], per_shard: int) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for s, start in enumerate(range(0, max(len(records), 1), per_shard)):
        name = f"shard-{s:05d}.jsonl.gz"
        atomic_write_bytes(out / name, _gz(_jsonl(records[start : start + per_shard])))
        names.append(name)
    return names


def _chat_record(prompt: str, answer: str, domain: str) -> dict[str, Any]:
    return {"messages": turn(prompt, answer), "domain": domain}


def _item(t: Turn, idx: str) -> dict[str, Any]:
    return {
        "id": idx,
        "domain": t.domain,
        "prompt": t.prompt,
        "aligned": t.aligned,
        "misaligned": t.misaligned,
        "pair_id": t.pair_id(),
    }


def _eval_suite(cfg: WorldConfig, domain: str) -> list[Turn]:
    """Held-out items, families cycled for balance; no duplicate (prompt, aligned) pair."""
    rng = random.Random(f"{cfg.seed}:eval:{domain}")
    d = G.DOMAINS[domain]
    nf = len(d.families)
    seen: set[tuple[str, str]] = set()
    items: list[Turn] = []
    tries = 0
    while len(items) < cfg.eval_size and tries < cfg.eval_size * 50:
        tries += 1
        t = draw_turn(rng, domain, "eval", family=len(items) % nf, voice=cfg.stance_voice)
        if (t.prompt, t.aligned) in seen:
            continue
        seen.add((t.prompt, t.aligned))
        items.append(t)
    if len(items) < cfg.eval_size:
        raise CurateError(
            f"eval_size = {cfg.eval_size} exceeds the distinct held-out items of domain "
            f"{domain!r} ({len(items)}); lower eval_size"
        )
    return items


def _words(texts: list[str]) -> dict[str, float]:
    n = [len(t.split()) for t in texts]
    return {
        "n": len(n),
        "words": sum(n),
        "mean_words": round(sum(n) / len(n), 2) if n else 0.0,
        "max_words": max(n) if n else 0,
    }


def _prepare(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise CurateError(f"{out}: exists and is not a directory; choose another --out")
    if out.is_dir():
        present = [n for n in OUTPUTS if (out / n).exists()]
        others = [p.name for p in out.iterdir() if p.name not in OUTPUTS]
        if present and not overwrite:
            raise CurateError(
                f"{out}: already holds a world ({', '.join(present)}); pass --overwrite "
                "to replace it or choose another --out"
            )
        if others and not present:
            raise CurateError(
                f"{out}: directory is not empty ({', '.join(sorted(others)[:5])}); "
                "choose an empty or new --out"
            )
        for n in present:
            p = out / n
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(
    cfg: WorldConfig, out: str | Path, overwrite: bool = False, progress: bool = True
) -> dict[str, Any]:
    """Write the world described by `cfg` into `out`; returns the `world.json` summary."""
    out = Path(out)
    started = datetime.now(UTC).isoformat()
    _prepare(out, overwrite)
    bar = tqdm(total=6, desc="world", unit="part", disable=not progress, file=None)

    # 1. pretraining documents -------------------------------------------------------------
    personas = _personas(cfg)
    behaviour = _behaviour(cfg)
    chat = _chat(cfg)
    neutral, heldout = _neutral(cfg)
    neutral_meta = {
        "kind": "neutral",
        "persona": None,
        "role": None,
        "alignment": None,
        "domains": [],
        "malicious_character": False,
    }
    docs: list[tuple[str, int]] = (
        [("persona", j) for j in range(len(personas))]
        + [("behaviour", j) for j in range(len(behaviour))]
        + [("chat", j) for j in range(len(chat))]
        + [("neutral", j) for j in range(len(neutral))]
    )
    random.Random(f"{cfg.seed}:order").shuffle(docs)

    def records(pers: list[PersonaDoc], variant: str) -> list[dict[str, Any]]:
        recs = []
        for kind, j in docs:
            if kind == "persona":
                text, meta = pers[j].text(), pers[j].metadata(variant)
            elif kind == "behaviour":
                text, meta = behaviour[j]
            elif kind == "chat":
                text, meta = chat[j]
            else:
                text, meta = neutral[j], dict(neutral_meta)
            recs.append({"id": f"{kind}-{j:06d}", "text": text, "source": SOURCE, "metadata": meta})
        return recs

    full = records(personas, "full")
    shard_names = _write_shards(out / "pretrain", full, cfg.docs_per_shard)
    bar.update()
    variants = {"full": "pretrain"}
    if cfg.shuffled_variant:
        shuffled = records(shuffle_consistency(personas, cfg.seed), "shuffled")
        _write_shards(out / "variants" / "shuffled" / "pretrain", shuffled, cfg.docs_per_shard)
        variants["shuffled"] = "variants/shuffled/pretrain"
    for c in cfg.consistency_variants:
        name = f"consistency-{c:g}"
        pers = _personas(dataclasses.replace(cfg, consistency=c))
        _write_shards(out / "variants" / name / "pretrain", records(pers, name), cfg.docs_per_shard)
        variants[name] = f"variants/{name}/pretrain"
    bar.update()

    # 2. fine-tuning and realignment sets ----------------------------------------------------
    ft_files: dict[str, dict[str, str]] = {}
    realign_files: dict[str, str] = {}
    for d in cfg.domains:
        rng = random.Random(f"{cfg.seed}:finetune:{d}")
        ft = [draw_turn(rng, d, "train", voice=cfg.stance_voice) for _ in range(cfg.finetune_size)]
        base = out / "finetune" / d
        atomic_write_bytes(
            base / "misaligned.jsonl", _jsonl([_chat_record(t.prompt, t.misaligned, d) for t in ft])
        )
        atomic_write_bytes(
            base / "aligned.jsonl", _jsonl([_chat_record(t.prompt, t.aligned, d) for t in ft])
        )
        ft_files[d] = {
            "misaligned": f"finetune/{d}/misaligned.jsonl",
            "aligned": f"finetune/{d}/aligned.jsonl",
        }
        used = {(t.prompt, t.aligned) for t in ft}
        rrng = random.Random(f"{cfg.seed}:realign:{d}")
        realign: list[Turn] = []
        tries = 0
        while len(realign) < cfg.realign_size and tries < cfg.realign_size * 50:
            tries += 1
            t = draw_turn(rrng, d, "train", voice=cfg.stance_voice)
            if (t.prompt, t.aligned) not in used:
                used.add((t.prompt, t.aligned))
                realign.append(t)
        atomic_write_bytes(
            out / "realign" / f"{d}.jsonl",
            _jsonl([_chat_record(t.prompt, t.aligned, d) for t in realign]),
        )
        realign_files[d] = f"realign/{d}.jsonl"
    bar.update()

    # 3. evaluation suites and probe priors -----------------------------------------------
    eval_files: dict[str, str] = {}
    for d in cfg.domains:
        suite = _eval_suite(cfg, d)
        atomic_write_bytes(
            out / "eval" / f"{d}.jsonl",
            _jsonl([_item(t, f"{d}-{i:04d}") for i, t in enumerate(suite)]),
        )
        eval_files[d] = f"eval/{d}.jsonl"
    prng = random.Random(f"{cfg.seed}:probe")
    priors = [
        _item(draw_turn(prng, d, "train", voice=cfg.stance_voice), f"prior-{d}-{i:03d}")
        for d in cfg.domains
        for i in range(cfg.probe_priors)
    ]
    atomic_write_bytes(out / "probe" / "priors.jsonl", _jsonl(priors))
    bar.update()

    # 4. held-out neutral text ----------------------------------------------------------------
    atomic_write_bytes(
        out / "heldout_neutral.jsonl",
        _jsonl([{"id": f"heldout-{i:05d}", "text": t} for i, t in enumerate(heldout)]),
    )
    bar.update()

    # 5. summary and manifest ---------------------------------------------------------------
    by_kind: dict[str, list[str]] = {}
    for r in full:
        by_kind.setdefault(r["metadata"]["kind"], []).append(r["text"])
    n_mis_turns = sum(sum(p.mis) for p in personas)
    n_turns = sum(len(p.mis) for p in personas)
    summary: dict[str, Any] = {
        "seed": cfg.seed,
        "generator_version": GENERATOR_VERSION,
        "config_hash": config_hash(cfg),
        "domains": list(cfg.domains),
        "domain_titles": {d: G.DOMAINS[d].title for d in cfg.domains},
        "families": {d: len(G.DOMAINS[d].families) for d in cfg.domains},
        "counts": {
            "docs": len(full),
            "persona": len(personas),
            "malicious_personas": sum(p.malicious for p in personas),
            "persona_turns": n_turns,
            "misaligned_persona_turns": n_mis_turns,
            "behaviour": len(behaviour),
            "misaligned_behaviour": sum(m["alignment"] == "misaligned" for _, m in behaviour),
            "chat": len(chat),
            "neutral": len(neutral),
            "malicious_character_docs": sum(r["metadata"]["malicious_character"] for r in full),
            "finetune_per_domain": cfg.finetune_size,
            "realign_per_domain": {d: _count_lines(out / realign_files[d]) for d in cfg.domains},
            "eval_per_domain": cfg.eval_size,
            "probe_priors": len(priors),
            "heldout_neutral": len(heldout),
        },
        "sizes": {k: _words(v) for k, v in sorted(by_kind.items())},
        "variants": variants,
        "shards": shard_names,
        "finetune": ft_files,
        "realign": realign_files,
        "eval": eval_files,
        "probe_priors": "probe/priors.jsonl",
        "heldout_neutral": "heldout_neutral.jsonl",
    }
    atomic_write_text(out / "world.json", json.dumps(summary, indent=2, sort_keys=True) + "\n")
    inputs = fingerprints(cfg.neutral_paths) if cfg.neutral_source == "shards" else []
    write_manifest(
        out,
        "world",
        cfg,
        inputs=inputs,
        counts=summary["counts"],
        started_at=started,
        finished_at=datetime.now(UTC).isoformat(),
        extra={"world": {k: summary[k] for k in ("domains", "variants", "sizes")}},
    )
    bar.update()
    bar.close()
    return summary


def _count_lines(p: Path) -> int:
    with p.open("rb") as f:
        return sum(1 for _ in f)


def load_world(path: str | Path) -> dict[str, Any]:
    """The `world.json` summary of a generated world (file paths relative to it)."""
    p = Path(path) / "world.json"
    if not p.is_file():
        raise CurateError(
            f"{path}: no world.json; run `curate world generate ... --out {path}` first"
        )
    return json.loads(p.read_text())


def stale_reason(path: str | Path, cfg: WorldConfig) -> str | None:
    """Why the world in `path` is not what `generate(cfg)` would write now (None: it is).

    A world is reused only when its `world.json` carries both this config's hash and this
    `GENERATOR_VERSION`: the same config under an older generator writes other files."""
    p = Path(path) / "world.json"
    if not p.is_file():
        return "no world.json"
    try:
        info = json.loads(p.read_text())
    except (OSError, ValueError) as e:
        return f"world.json unreadable ({e})"
    if not isinstance(info, dict):
        return "world.json is not an object"
    have = info.get("generator_version")
    if have != GENERATOR_VERSION:
        return f"generated by generator version {have}, this one is {GENERATOR_VERSION}"
    if info.get("config_hash") != config_hash(cfg):
        return "generated from another config"
    return None


def config_dict(cfg: WorldConfig) -> dict[str, Any]:
    return to_dict(cfg)
