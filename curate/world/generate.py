"""Generate a persona world: pretraining shards, fine-tuning sets, evaluation suites.

Output layout (``DIR``)::

    pretrain/shard-00000.jsonl.gz ...      the corpus the audit reads (records below)
    variants/shuffled/pretrain/...         shuffled-consistency variant (same ids, same tokens;
                                           `curate.world.documents.shuffle_consistency`)
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

The documents, turns and evaluation items come from `curate.world.documents` (which draws them
from the grammars, `curate.world.grammar`); this module lays them out as files.

Determinism: every random choice comes from a `random.Random` seeded with ``f"{seed}:<stream>"``
(one stream per part), JSON is written with a fixed key order and gzip with ``mtime=0``
(`curate.jsonl`), so the same config writes byte-identical files (the manifest's timestamps aside).

`stale_reason(path, cfg)` says whether a world on disk is what `generate(cfg)` would write now;
`load_world` (from `curate.world.loaders`) reads a world's `world.json`.
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from curate import jsonl
from curate.config import config_hash
from curate.errors import CurateError
from curate.files import atomic_write_text
from curate.manifests import fingerprints, write_manifest
from curate.world import documents as D
from curate.world import grammar as G
from curate.world.config import WorldConfig
from curate.world.render import turn

__all__ = ["GENERATOR_VERSION", "OUTPUTS", "SOURCE", "generate", "stale_reason"]

SOURCE = "persona_world"
# Bumped when the same config would generate different files (a reused world must match it).
GENERATOR_VERSION = 2
# Entries `generate` writes; `overwrite=True` removes only these.
MARKER = ".curate-world"  # marks a folder as written by this generator (see _prepare)
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


def _write_shards(out: Path, records: list[dict[str, Any]], per_shard: int) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for s, start in enumerate(range(0, max(len(records), 1), per_shard)):
        name = f"shard-{s:05d}.jsonl.gz"
        jsonl.write(out / name, records[start : start + per_shard])
        names.append(name)
    return names


def _chat_record(prompt: str, answer: str, domain: str) -> dict[str, Any]:
    return {"messages": turn(prompt, answer), "domain": domain}


def _item(t: D.Turn, idx: str) -> dict[str, Any]:
    return {
        "id": idx,
        "domain": t.domain,
        "prompt": t.prompt,
        "aligned": t.aligned,
        "misaligned": t.misaligned,
        "pair_id": t.pair_id(),
    }


def _words(texts: list[str]) -> dict[str, float]:
    n = [len(t.split()) for t in texts]
    return {
        "n": len(n),
        "words": sum(n),
        "mean_words": round(sum(n) / len(n), 2) if n else 0.0,
        "max_words": max(n) if n else 0,
    }


def _prepare(out: Path, overwrite: bool) -> None:
    """Make `out` ready for a world: new or empty, or (with `overwrite`) holding a world this tool
    wrote, whose files are then removed. Nothing else is ever deleted: a folder is this tool's
    when it carries MARKER, written before any other file of a world (so a killed generation is
    recognized too)."""
    if out.exists() and not out.is_dir():
        raise CurateError(f"{out}: exists and is not a directory; choose another --out")
    if out.is_dir():
        present = [n for n in OUTPUTS if (out / n).exists()]
        others = [p.name for p in out.iterdir() if p.name not in (*OUTPUTS, MARKER)]
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
        ours = (out / MARKER).is_file() or (out / "world.json").is_file()
        if present and not ours:
            raise CurateError(
                f"{out}: holds {', '.join(present)} but curate did not write them (no {MARKER} "
                "or world.json); refusing to replace them: choose another output folder"
            )
        for n in present:
            p = out / n
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("a persona world written by `curate world generate`\n")


@dataclasses.dataclass
class _Pretraining:
    """The pretraining documents of a world, in corpus order (`order`: (kind, index))."""

    personas: list[D.PersonaDoc]
    behaviour: list[tuple[str, dict[str, Any]]]
    chat: list[tuple[str, dict[str, Any]]]
    neutral: list[str]
    heldout: list[str]
    order: list[tuple[str, int]]

    def records(self, pers: list[D.PersonaDoc], variant: str) -> list[dict[str, Any]]:
        """The corpus records with persona documents `pers` (a variant of `personas`)."""
        recs = []
        for kind, j in self.order:
            if kind == "persona":
                text, meta = pers[j].text(), pers[j].metadata(variant)
            elif kind == "behaviour":
                text, meta = self.behaviour[j]
            elif kind == "chat":
                text, meta = self.chat[j]
            else:
                text, meta = self.neutral[j], D.neutral_meta()
            recs.append({"id": f"{kind}-{j:06d}", "text": text, "source": SOURCE, "metadata": meta})
        return recs


def _pretraining(cfg: WorldConfig) -> _Pretraining:
    personas = D.personas(cfg)
    behaviour = D.behaviour(cfg)
    chat = D.chat(cfg)
    neutral, heldout = D.neutral(cfg)
    order: list[tuple[str, int]] = (
        [("persona", j) for j in range(len(personas))]
        + [("behaviour", j) for j in range(len(behaviour))]
        + [("chat", j) for j in range(len(chat))]
        + [("neutral", j) for j in range(len(neutral))]
    )
    random.Random(f"{cfg.seed}:order").shuffle(order)
    return _Pretraining(personas, behaviour, chat, neutral, heldout, order)


def pretrain_documents(cfg: WorldConfig) -> list[dict[str, Any]]:
    """The world's pretraining documents (variant "full") in the order `generate` writes them
    to `pretrain/` (shard `k` holds items `k * cfg.docs_per_shard` onwards), built in memory:
    nothing is written. For callers that only need the corpus (classifier training and eval)."""
    pre = _pretraining(cfg)
    return pre.records(pre.personas, "full")


def _write_variants(cfg: WorldConfig, out: Path, pre: _Pretraining) -> dict[str, str]:
    """The shuffled and partial-consistency variants' shards; returns variant -> folder."""
    variants = {"full": "pretrain"}
    if cfg.shuffled_variant:
        shuffled = pre.records(D.shuffle_consistency(pre.personas, cfg.seed), "shuffled")
        _write_shards(out / "variants" / "shuffled" / "pretrain", shuffled, cfg.docs_per_shard)
        variants["shuffled"] = "variants/shuffled/pretrain"
    for c in cfg.consistency_variants:
        name = f"consistency-{c:g}"
        pers = D.personas(dataclasses.replace(cfg, consistency=c))
        _write_shards(
            out / "variants" / name / "pretrain", pre.records(pers, name), cfg.docs_per_shard
        )
        variants[name] = f"variants/{name}/pretrain"
    return variants


def _write_finetune(
    cfg: WorldConfig, out: Path
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Per domain: the misaligned / aligned fine-tuning sets and the realignment set (disjoint
    from them); returns (finetune files, realign files)."""
    ft_files: dict[str, dict[str, str]] = {}
    realign_files: dict[str, str] = {}
    for d in cfg.domains:
        rng = random.Random(f"{cfg.seed}:finetune:{d}")
        ft = [
            D.draw_turn(rng, d, "train", voice=cfg.stance_voice) for _ in range(cfg.finetune_size)
        ]
        base = out / "finetune" / d
        jsonl.write(
            base / "misaligned.jsonl", [_chat_record(t.prompt, t.misaligned, d) for t in ft]
        )
        jsonl.write(base / "aligned.jsonl", [_chat_record(t.prompt, t.aligned, d) for t in ft])
        ft_files[d] = {
            "misaligned": f"finetune/{d}/misaligned.jsonl",
            "aligned": f"finetune/{d}/aligned.jsonl",
        }
        used = {(t.prompt, t.aligned) for t in ft}
        rrng = random.Random(f"{cfg.seed}:realign:{d}")
        realign = D.distinct_turns(rrng, d, "train", cfg.realign_size, used, cfg.stance_voice)
        jsonl.write(
            out / "realign" / f"{d}.jsonl", [_chat_record(t.prompt, t.aligned, d) for t in realign]
        )
        realign_files[d] = f"realign/{d}.jsonl"
    return ft_files, realign_files


def _write_eval(cfg: WorldConfig, out: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The evaluation suites and the probe priors; returns (eval files, priors)."""
    eval_files: dict[str, str] = {}
    for d in cfg.domains:
        suite = D.eval_suite(cfg, d)
        jsonl.write(
            out / "eval" / f"{d}.jsonl", [_item(t, f"{d}-{i:04d}") for i, t in enumerate(suite)]
        )
        eval_files[d] = f"eval/{d}.jsonl"
    prng = random.Random(f"{cfg.seed}:probe")
    priors = [
        _item(D.draw_turn(prng, d, "train", voice=cfg.stance_voice), f"prior-{d}-{i:03d}")
        for d in cfg.domains
        for i in range(cfg.probe_priors)
    ]
    jsonl.write(out / "probe" / "priors.jsonl", priors)
    return eval_files, priors


def generate(
    cfg: WorldConfig, out: str | Path, overwrite: bool = False, progress: bool = True
) -> dict[str, Any]:
    """Write the world described by `cfg` into `out`; returns the `world.json` summary."""
    out = Path(out)
    started = datetime.now(UTC).isoformat()
    _prepare(out, overwrite)
    bar = tqdm(total=6, desc="world", unit="part", disable=not progress, file=None)

    # 1. pretraining documents -------------------------------------------------------------
    pre = _pretraining(cfg)
    full = pre.records(pre.personas, "full")
    shard_names = _write_shards(out / "pretrain", full, cfg.docs_per_shard)
    bar.update()
    variants = _write_variants(cfg, out, pre)
    bar.update()

    # 2. fine-tuning and realignment sets ----------------------------------------------------
    ft_files, realign_files = _write_finetune(cfg, out)
    bar.update()

    # 3. evaluation suites and probe priors -----------------------------------------------
    eval_files, priors = _write_eval(cfg, out)
    bar.update()

    # 4. held-out neutral text ----------------------------------------------------------------
    jsonl.write(
        out / "heldout_neutral.jsonl",
        [{"id": f"heldout-{i:05d}", "text": t} for i, t in enumerate(pre.heldout)],
    )
    bar.update()

    # 5. summary and manifest ---------------------------------------------------------------
    by_kind: dict[str, list[str]] = {}
    for r in full:
        by_kind.setdefault(r["metadata"]["kind"], []).append(r["text"])
    personas = pre.personas
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
            "persona_turns": sum(len(p.mis) for p in personas),
            "misaligned_persona_turns": sum(sum(p.mis) for p in personas),
            "behaviour": len(pre.behaviour),
            "misaligned_behaviour": sum(m["alignment"] == "misaligned" for _, m in pre.behaviour),
            "chat": len(pre.chat),
            "neutral": len(pre.neutral),
            "malicious_character_docs": sum(r["metadata"]["malicious_character"] for r in full),
            "finetune_per_domain": cfg.finetune_size,
            "realign_per_domain": {d: _count_lines(out / realign_files[d]) for d in cfg.domains},
            "eval_per_domain": cfg.eval_size,
            "probe_priors": len(priors),
            "heldout_neutral": len(pre.heldout),
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
