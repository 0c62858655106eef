"""Training data of v2: the persona_train statements (by trait role) and generated records.

persona_train (`../shared/data/persona_train`, read in place, never copied into the project): one
`<trait>.jsonl` per trait (fields `statement`, `answer_matching_behavior`) and a `traits.toml`
mapping trait -> "dark" | "neutral". A dark trait's statement is malicious (label 1) iff its
answer_matching_behavior is " Yes"; every neutral statement is benign (label 0). Exact duplicate
texts within a trait are kept once.

Generated records come from `curate.classifiers.docgen`: statements pass through; documents are
cut into v2 windows, and a window is malicious when it overlaps a malicious span by at least
min(`min_overlap_chars`, half the span), benign when it overlaps none; a window that touches a
span only marginally is dropped (ambiguous). Every record: {text, label, kind, family, group}.

Persona-world documents (`[world]`, off unless the recipe includes them) are cut into the same
windows, each labelled with its document's ground truth (`metadata.malicious_character`): the
world's definition, under which a misaligned answer outside a persona document is benign (the
decorrelated behaviour documents that an audit must keep). Their group is the persona's name
(or the document kind and a bucket), so a persona's documents never straddle a CV split.
"""

from __future__ import annotations

import json
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.classifiers.docgen import generate
from curate.classifiers.v2.negate import negate
from curate.classifiers.v2.recipe import RecipeV2, WorldDocsConfig
from curate.classifiers.v2.windows import windows
from curate.errors import CurateError
from curate.world.generate import pretrain_documents
from curate.world.presets import resolve


@dataclass(frozen=True)
class Statement:
    text: str
    trait: str
    role: str  # "dark" | "neutral"
    label: int  # 1 malicious, 0 benign
    confidence: float = 1.0  # the record's label_confidence (1.0 when it has none)

    def target(self, soft: bool) -> float:
        """The training target: the label, or with `soft` the probability that the statement
        is malicious given its label_confidence (a dark " Yes": confidence, a dark " No":
        1 - confidence; a neutral statement is benign whatever it says: 0)."""
        if not soft or self.role != "dark":
            return float(self.label)
        return self.confidence if self.label else 1.0 - self.confidence


def load_roles(folder: str | Path) -> dict[str, str]:
    """trait -> role from `<folder>/traits.toml` (roles "dark" or "neutral")."""
    path = Path(folder) / "traits.toml"
    if not path.is_file():
        raise CurateError(
            f"{path}: not found; point the recipe's [data] persona_train at the persona_train "
            "folder (relative to the repository root)"
        )
    try:
        roles = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise CurateError(f"{path}: invalid TOML ({e}); fix that line") from None
    bad = {k: v for k, v in roles.items() if v not in ("dark", "neutral")}
    if bad:
        raise CurateError(f"{path}: roles must be 'dark' or 'neutral'; fix {bad}")
    return dict(roles)


def load_persona_train(
    folder: str | Path, max_per_trait: int = 0, seed: int = 0
) -> list[Statement]:
    """Statements of the traits in `traits.toml`, in trait-file order; with `max_per_trait`, a
    seeded sample of at most that many per trait (kept in file order)."""
    folder = Path(folder)
    out: list[Statement] = []
    for trait, role in load_roles(folder).items():
        path = folder / f"{trait}.jsonl"
        if not path.is_file():
            raise CurateError(f"{path}: listed in traits.toml but missing; restore the file")
        rows: list[Statement] = []
        seen: set[str] = set()
        with path.open() as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                    text = str(r["statement"]).strip()
                    yes = str(r["answer_matching_behavior"]).strip() == "Yes"
                    conf = float(r.get("label_confidence", 1.0))
                    if not 0.0 <= conf <= 1.0:
                        raise ValueError(f"label_confidence {conf} outside [0, 1]")
                except (ValueError, KeyError, TypeError) as e:
                    raise CurateError(
                        f"{path}:{lineno}: not a statement record ({type(e).__name__}: {e}); "
                        "each line needs 'statement' and 'answer_matching_behavior'"
                    ) from None
                if text and text not in seen:
                    seen.add(text)
                    rows.append(Statement(text, trait, role, int(role == "dark" and yes), conf))
        if max_per_trait and len(rows) > max_per_trait:
            keep = sorted(random.Random(f"{seed}:{trait}").sample(range(len(rows)), max_per_trait))
            rows = [rows[i] for i in keep]
        out.extend(rows)
    return out


def negation_partners(statements: list[Statement]) -> list[Statement]:
    """The contrastive partner of every dark statement `negate` can flip (`[data] negations`):
    its words with the stance flipped, the opposite label, the same trait and confidence."""
    out = []
    for s in statements:
        if s.role == "dark" and (text := negate(s.text)) is not None:
            out.append(Statement(text, s.trait, s.role, 1 - s.label, s.confidence))
    return out


def window_records(rec: dict[str, Any], max_chars: int, min_overlap: int) -> list[dict[str, Any]]:
    """A generated document's windows, labelled from its malicious spans (see the module doc)."""
    spans = [tuple(s) for s in rec.get("spans") or []]
    out = []
    for s, e in windows(rec["text"], max_chars):
        ov = [max(0, min(e, b) - max(s, a)) for a, b in spans]
        need = [min(min_overlap, (b - a) / 2) for a, b in spans]
        if any(o >= n and o > 0 for o, n in zip(ov, need, strict=True)):
            label = 1
        elif not any(ov):
            label = 0
        else:
            continue
        out.append(
            {"text": rec["text"][s:e], "label": label, "kind": "window",
             "family": rec["family"], "group": rec["group"]}
        )  # fmt: skip
    return out


def generated_records(
    seed: int, n_docs: int, n_statements: int, max_chars: int = 512, min_overlap: int = 40
) -> list[dict[str, Any]]:
    """docgen output as stage-2 training records: statements whole, documents as windows."""
    out: list[dict[str, Any]] = []
    for r in generate(seed, n_docs, n_statements):
        if r["kind"] == "statement":
            out.append({k: r[k] for k in ("text", "label", "kind", "family", "group")})
        else:
            out.extend(window_records(r, max_chars, min_overlap))
    return out


def world_docs(preset: str, seed: int, n_docs: int) -> list[dict[str, Any]]:
    """The pretraining documents of a persona world (built in memory)."""
    wcfg = resolve(preset, {"seed": seed, "n_docs": n_docs, "shuffled_variant": False}, "world")
    return pretrain_documents(wcfg)


def world_group(rec: dict[str, Any], i: int) -> str:
    """A world document's group: its persona, or its kind and a bucket."""
    meta = rec.get("metadata") or {}
    return f"world:{meta.get('kind', 'doc')}/{meta.get('persona') or i % 50}"


def world_records(cfg: WorldDocsConfig, max_chars: int = 512) -> list[dict[str, Any]]:
    """Persona-world documents as stage-2 window records (see the module doc); [] when
    `cfg.include` is off."""
    if not cfg.include:
        return []
    out: list[dict[str, Any]] = []
    for i, rec in enumerate(world_docs(cfg.preset, cfg.seed, cfg.n_docs)):
        meta = rec.get("metadata") or {}
        label = int(bool(meta.get("malicious_character")))
        family, group = f"world_{meta.get('kind', 'doc')}", world_group(rec, i)
        for s, e in windows(rec["text"], max_chars):
            out.append(
                {"text": rec["text"][s:e], "label": label, "kind": "window",
                 "family": family, "group": group}
            )  # fmt: skip
    return out


def extra_records(recipe: RecipeV2) -> list[dict[str, Any]]:
    """Every non-persona_train stage-2 record of the recipe: docgen's, then the world's."""
    g = recipe.docgen
    mc = recipe.cascade.max_chars
    gen = generated_records(g.seed, g.n_docs, g.n_statements, mc, g.min_overlap_chars)
    return gen + world_records(recipe.world, mc)


def check_excluded(recipe: RecipeV2, roles: dict[str, str]) -> None:
    """Every `[data] train_exclude_traits` entry must be a dark trait of traits.toml."""
    bad = [t for t in recipe.data.train_exclude_traits if roles.get(t) != "dark"]
    if bad:
        raise CurateError(
            f"[data] train_exclude_traits: {bad} are not dark traits of the persona_train "
            "traits.toml; fix the spelling or remove them"
        )
