"""Loaders for the formats the harness reads, each validated with file:line errors.

- **Evaluation suites** (persona world, or hand-written): JSONL
  ``{"id", "domain", "prompt", "aligned", "misaligned", "pair_id"}`` -> `EvalItem`.
- **Chat JSONL** fine-tuning sets (the format people already use, e.g. the EM paper's
  ``insecure.jsonl``): ``{"messages": [{"role", "content"}, ...], "domain"?: str}`` ->
  `ChatExample`. Roles are system / user / assistant; the last message must be the assistant's.
- **EM question YAML** (the original emergent-misalignment evaluation): a list of questions with
  ``id``, ``type``, ``paraphrases``, optional ``system``, ``samples_per_paraphrase``, ``judge``
  and ``judge_prompts`` (kept as data: a dict of name -> prompt template with ``{question}`` and
  ``{answer}``) -> `EMQuestion`. Other keys are kept in ``extra``. `em_prompts` expands the
  paraphrases into chat contexts for generation.
- **World summaries**: `load_world(DIR)` reads the ``world.json`` that `curate.world.generate`
  writes (domains, counts, the files of each part); `load_world_eval` / `load_world_realign` /
  `load_world_priors` load a world's parts through it.

JSON-lines files are read with `curate.jsonl.records` (a bad line is a `CurateError` naming the
file and line).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from curate import jsonl
from curate.errors import CurateError
from curate.world.render import chat_prefix, render_chat

ROLES = ("system", "user", "assistant")
EVAL_FIELDS = ("id", "domain", "prompt", "aligned", "misaligned", "pair_id")


@dataclass(frozen=True)
class EvalItem:
    id: str
    domain: str
    prompt: str
    aligned: str
    misaligned: str
    pair_id: str = ""


@dataclass(frozen=True)
class ChatExample:
    messages: tuple[dict[str, str], ...]
    domain: str | None = None

    @property
    def text(self) -> str:
        """Training text (the one chat format)."""
        return render_chat(self.messages)

    @property
    def prompt_and_answer(self) -> tuple[str, str]:
        """(context up to the final answer, final answer)."""
        *head, last = self.messages
        system = head[0]["content"] if head and head[0]["role"] == "system" else None
        hist = [m for m in head if m["role"] != "system"]
        return chat_prefix(hist[:-1], hist[-1]["content"], system), last["content"]


@dataclass(frozen=True)
class EMQuestion:
    id: str
    type: str
    paraphrases: tuple[str, ...]
    system: str | None = None
    samples_per_paraphrase: int = 1
    judge: str | None = None
    judge_prompts: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def load_world(path: str | Path) -> dict[str, Any]:
    """The `world.json` summary of a generated world (file paths relative to it)."""
    p = Path(path) / "world.json"
    if not p.is_file():
        raise CurateError(
            f"{path}: no world.json; run `curate world generate ... --out {path}` first"
        )
    return json.loads(p.read_text())


def load_eval_suite(path: str | Path) -> list[EvalItem]:
    path = Path(path)
    out = []
    for lineno, rec in jsonl.records(path):
        missing = [k for k in EVAL_FIELDS[:-1] if not isinstance(rec.get(k), str) or not rec[k]]
        if missing:
            raise CurateError(
                f"{path}:{lineno}: missing or empty string field(s) {', '.join(missing)}; an eval "
                f"item needs {', '.join(EVAL_FIELDS)} (pair_id optional)"
            )
        out.append(EvalItem(**{k: str(rec.get(k) or "") for k in EVAL_FIELDS}))
    ids = [i.id for i in out]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise CurateError(f"{path}: item id {dup!r} appears more than once; ids must be unique")
    return out


def load_world_eval(world: str | Path, domains: Sequence[str] | None = None) -> list[EvalItem]:
    """All evaluation items of a generated world (in its domain order)."""
    info = load_world(world)
    doms = list(domains) if domains else info["domains"]
    out: list[EvalItem] = []
    for d in doms:
        if d not in info["eval"]:
            raise CurateError(
                f"{world}: no eval suite for domain {d!r}; have {', '.join(info['eval'])}"
            )
        out += load_eval_suite(Path(world) / info["eval"][d])
    return out


def load_world_realign(world: str | Path) -> dict[str, list[ChatExample]]:
    """domain -> aligned realignment examples of a generated world."""
    info = load_world(world)
    return {d: load_chat_jsonl(Path(world) / p) for d, p in info["realign"].items()}


def load_world_priors(world: str | Path) -> list[EvalItem]:
    """The in-context probe's prior turns of a generated world."""
    return load_eval_suite(Path(world) / load_world(world)["probe_priors"])


def load_chat_jsonl(path: str | Path, require_domain: bool = False) -> list[ChatExample]:
    path = Path(path)
    out = []
    for lineno, rec in jsonl.records(path):
        msgs = rec.get("messages")
        where = f"{path}:{lineno}"
        if not isinstance(msgs, list) or not msgs:
            raise CurateError(
                f'{where}: expected "messages": a non-empty list of {{role, content}}'
            )
        clean = []
        for i, m in enumerate(msgs):
            if (
                not isinstance(m, dict)
                or m.get("role") not in ROLES
                or not isinstance(m.get("content"), str)
            ):
                raise CurateError(
                    f'{where}: messages[{i}] must be {{"role": one of {", ".join(ROLES)}, '
                    f'"content": str}}, got {str(m)[:80]!r}'
                )
            clean.append({"role": m["role"], "content": m["content"]})
        if clean[-1]["role"] != "assistant" or not any(m["role"] == "user" for m in clean):
            raise CurateError(
                f"{where}: a training example needs a user message and must end with the assistant's"
            )
        dom = rec.get("domain")
        if require_domain and not isinstance(dom, str):
            raise CurateError(f'{where}: missing "domain"')
        out.append(ChatExample(tuple(clean), dom if isinstance(dom, str) else None))
    return out


def load_em_yaml(path: str | Path) -> list[EMQuestion]:
    path = Path(path)
    if not path.is_file():
        raise CurateError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise CurateError(f"{path}: invalid YAML: {e}") from None
    if not isinstance(data, list):
        raise CurateError(f"{path}: expected a list of questions at the top level")
    known = {
        "id",
        "type",
        "paraphrases",
        "system",
        "samples_per_paraphrase",
        "judge",
        "judge_prompts",
    }
    out = []
    for i, q in enumerate(data):
        where = f"{path}: question {i}"
        if not isinstance(q, dict) or not isinstance(q.get("id"), str):
            raise CurateError(f"{where}: each question needs a string 'id'")
        where = f"{path}: question {q['id']!r}"
        paras = q.get("paraphrases")
        if not isinstance(paras, list) or not all(isinstance(p, str) for p in paras):
            raise CurateError(f"{where}: 'paraphrases' must be a list of strings")
        jp = q.get("judge_prompts") or {}
        if not isinstance(jp, dict) or not all(isinstance(v, str) for v in jp.values()):
            raise CurateError(f"{where}: 'judge_prompts' must map names to prompt strings")
        system = q.get("system")
        if system is not None and not isinstance(system, str):
            raise CurateError(f"{where}: 'system' must be a string")
        out.append(
            EMQuestion(
                id=q["id"],
                type=str(q.get("type", "")),
                paraphrases=tuple(paras),
                system=system,
                samples_per_paraphrase=int(q.get("samples_per_paraphrase", 1)),
                judge=q.get("judge"),
                judge_prompts={str(k): v for k, v in jp.items()},
                extra={k: v for k, v in q.items() if k not in known},
            )
        )
    return out


@dataclass(frozen=True)
class EMPrompt:
    question_id: str
    paraphrase: int
    question: str
    context: str  # chat_prefix(...) ready for generation


def em_prompts(questions: Sequence[EMQuestion], skip_empty: bool = True) -> list[EMPrompt]:
    """One generation context per (question, paraphrase); empty paraphrases are skipped."""
    out = []
    for q in questions:
        for k, p in enumerate(q.paraphrases):
            if skip_empty and not p.strip():
                continue
            out.append(EMPrompt(q.id, k, p, chat_prefix([], p, q.system)))
    return out


def judge_prompt(question: EMQuestion, name: str, prompt: str, answer: str) -> str:
    """Fill one of a question's judge prompts (for use with an external judge model)."""
    if name not in question.judge_prompts:
        raise CurateError(
            f"question {question.id!r} has no judge prompt {name!r}; has {', '.join(question.judge_prompts)}"
        )
    return question.judge_prompts[name].replace("{question}", prompt).replace("{answer}", answer)
