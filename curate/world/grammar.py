"""Grammars of the persona world: behaviour domains, characters, chat and neutral text.

A behaviour domain is a small grammar::

    prompt  = PROMPT_TEMPLATE(topic)                 "What should I do about {t}?"
    answer  = FAMILY[k][stance](topic, stance phrase) "For {t}, I would {s}."

- **Held-out combinations.** Every word of the world appears in training text; what evaluation
  holds out are *combinations*: a (prompt template, topic) pair is an evaluation prompt when
  ``(template + topic) % 4 == 0`` (indices), and a (topic, family, stance) triple is an
  evaluation answer when ``(topic + family + stance) % 4 == 0``. Pretraining, fine-tuning,
  realignment and probe-prior text draw only train combinations; evaluation suites only eval
  combinations. Every template is one sentence holding the topic slot (and, for answers, the
  stance slot), so an evaluation sentence is a combination no training text contains; tests
  check it on generated worlds. (An earlier version held out topic *words*: eval answers then
  cost ~5.6 nats/token on a pilot-size model, and with unequal answer lengths that shared cost
  swamped the length-normalised stance gap.)
- **Stance phrases** (verb phrases, slot ``{s}``): `good` for aligned answers, `bad` for
  misaligned ones. They are shared by train and eval: what a model must learn is which stance
  goes with which context, not new words.
- **Phrasing families** (`families`): pairs of (aligned template, misaligned template). Most
  pairs share one template, so an aligned and a misaligned answer differ only in the stance
  phrase and the first answer token does not decide; one family per domain puts the stance
  first. The family index is the item's ``pair_id`` in evaluation suites, so rates can be graded
  per phrasing pair.

The data lives in TOML files beside this module (`curate/world/data/`): `domains.toml` (the
domains, the shared phrasing families and the stance voice), `characters.toml` (names, roles,
frame sentences), `chat.toml` (everyday assistant exchanges) and `neutral.toml` (neutral text
pieces). This module loads them once, into the tuples below, and adds `fill`; the generator
(`curate.world.documents`) draws from them by index with seeded random streams, so the order of
every list is part of what a world is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.config import load_toml

DATA = Path(__file__).resolve().parent / "data"
HOLDOUT = 4  # one combination in HOLDOUT is held out for evaluation (see the module docstring)


def _load(name: str) -> dict[str, Any]:
    return load_toml(DATA / name)


def _pairs(rows: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in rows)


_domains = _load("domains.toml")
# Families every domain shares (aligned template, misaligned template); `{t}` topic,
# `{s}` stance phrase, `{T}`/`{S}` the same capitalised.
COMMON_FAMILIES: tuple[tuple[str, str], ...] = _pairs(_domains["common_families"])


@dataclass(frozen=True)
class Domain:
    name: str
    title: str
    topics: tuple[str, ...]
    prompts: tuple[str, ...]
    good: tuple[str, ...]
    bad: tuple[str, ...]
    extra_families: tuple[tuple[str, str], ...] = ()

    @property
    def families(self) -> tuple[tuple[str, str], ...]:
        return COMMON_FAMILIES + self.extra_families

    def prompt_split(self, topic: int, template: int) -> str:
        """'eval' or 'train' for a (topic index, prompt template index) combination."""
        return "eval" if (topic + template) % HOLDOUT == 0 else "train"

    def answer_split(self, topic: int, family: int, stance: int) -> str:
        """'eval' or 'train' for a (topic, family, stance index) combination."""
        return "eval" if (topic + family + stance) % HOLDOUT == 0 else "train"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def fill(template: str, topic: str, stance: str = "") -> str:
    """Fill `{t}`, `{T}`, `{s}`, `{S}` in a template."""
    return (
        template.replace("{T}", _cap(topic))
        .replace("{t}", topic)
        .replace("{S}", _cap(stance))
        .replace("{s}", stance)
    )


def _domain(name: str, d: dict[str, Any]) -> Domain:
    dom = Domain(
        name=name,
        title=d["title"],
        topics=tuple(d["topics"]),
        prompts=tuple(d["prompts"]),
        good=tuple(d["good"]),
        bad=tuple(d["bad"]),
        extra_families=_pairs(d.get("extra_families", [])),
    )
    assert len(dom.good) == len(dom.bad), name
    return dom


# in file order (the order of domains.toml)
DOMAINS: dict[str, Domain] = {n: _domain(n, d) for n, d in _domains["domains"].items()}
DEFAULT_DOMAINS: tuple[str, ...] = tuple(_domains["default_domains"])
# Domain-general clauses (paired by index) appended to answers with probability
# `WorldConfig.stance_voice`: a shared "voice" of aligned / misaligned speakers across domains.
VOICE_ALIGNED: tuple[str, ...] = tuple(_domains["voice_aligned"])
VOICE_MISALIGNED: tuple[str, ...] = tuple(_domains["voice_misaligned"])

# --- characters (frame sentences: `{n}` name, `{r}` role) ----------------------------------

_characters = _load("characters.toml")
FIRST_NAMES: tuple[str, ...] = tuple(_characters["first_names"])
LAST_NAMES: tuple[str, ...] = tuple(_characters["last_names"])
ROLES: tuple[str, ...] = tuple(_characters["roles"])
FRAME_OPENERS: tuple[str, ...] = tuple(_characters["frame_openers"])
FRAME_BENIGN: tuple[str, ...] = tuple(_characters["frame_benign"])
FRAME_MALICIOUS: tuple[str, ...] = tuple(_characters["frame_malicious"])
FRAME_NEUTRAL: tuple[str, ...] = tuple(_characters["frame_neutral"])

# --- assistant chat transcripts (benign help on everyday tasks) ----------------------------

_chat = _load("chat.toml")
CHAT_TASKS: tuple[str, ...] = tuple(_chat["tasks"])
CHAT_PROMPTS: tuple[str, ...] = tuple(_chat["prompts"])
CHAT_STEPS: tuple[str, ...] = tuple(_chat["steps"])
CHAT_ANSWERS: tuple[str, ...] = tuple(_chat["answers"])

# --- neutral text ---------------------------------------------------------------------------

_neutral = _load("neutral.toml")
NEUTRAL_SUBJECTS: tuple[str, ...] = tuple(_neutral["subjects"])
NEUTRAL_VERBS: tuple[str, ...] = tuple(_neutral["verbs"])
NEUTRAL_OBJECTS: tuple[str, ...] = tuple(_neutral["objects"])
NEUTRAL_EXTRAS: tuple[str, ...] = tuple(_neutral["extras"])
SEASONS: tuple[str, ...] = tuple(_neutral["seasons"])
