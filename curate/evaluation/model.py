"""The model interface the harness needs, and nothing more.

Any object with::

    logprobs(contexts: list[str], continuations: list[str]) -> list[tuple[float, int]]

(sum of the log-probabilities of the continuation's tokens given the context, and the number of
those tokens) can be evaluated; generation is optional::

    generate(prompts: list[str], max_new_tokens: int) -> list[str]

The harness never imports torch: the training module (or a wrapper around any other model)
implements these. `score_continuations` batches calls and checks what comes back, so a broken
adapter fails loudly (wrong length, non-finite or positive log-probability, zero tokens) instead
of producing quiet nonsense.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class LogProbModel(Protocol):
    def logprobs(
        self, contexts: list[str], continuations: list[str]
    ) -> list[tuple[float, int]]: ...


@runtime_checkable
class GenerativeModel(Protocol):
    def generate(self, prompts: list[str], max_new_tokens: int) -> list[str]: ...


class ModelError(RuntimeError):
    """The model adapter returned something the harness cannot use (a bug in the adapter)."""


def score_continuations(
    model: Any, contexts: Sequence[str], continuations: Sequence[str], batch_size: int = 256
) -> list[tuple[float, int]]:
    if not hasattr(model, "logprobs"):
        raise ModelError(f"{type(model).__name__} has no logprobs(contexts, continuations) method")
    if len(contexts) != len(continuations):
        raise ValueError("contexts and continuations differ in length")
    out: list[tuple[float, int]] = []
    for i in range(0, len(contexts), max(1, batch_size)):
        c = list(contexts[i : i + batch_size])
        k = list(continuations[i : i + batch_size])
        res = list(model.logprobs(c, k))
        if len(res) != len(c):
            raise ModelError(f"logprobs returned {len(res)} results for {len(c)} inputs")
        for j, r in enumerate(res):
            lp, n = float(r[0]), int(r[1])
            if n <= 0:
                raise ModelError(f"logprobs gave {n} tokens for continuation {k[j][:60]!r}")
            if not math.isfinite(lp) or lp > 1e-6:
                raise ModelError(
                    f"logprobs gave {lp} (must be a finite sum of log-probabilities <= 0)"
                )
            out.append((lp, n))
    return out


def generate(
    model: Any, prompts: Sequence[str], max_new_tokens: int, batch_size: int = 64
) -> list[str]:
    if not hasattr(model, "generate"):
        raise ModelError(
            f"{type(model).__name__} cannot generate (no generate(prompts, max_new_tokens))"
        )
    out: list[str] = []
    for i in range(0, len(prompts), max(1, batch_size)):
        chunk = list(prompts[i : i + batch_size])
        res = list(model.generate(chunk, max_new_tokens))
        if len(res) != len(chunk):
            raise ModelError(f"generate returned {len(res)} texts for {len(chunk)} prompts")
        out += [str(x) for x in res]
    return out
