"""In-context persona probe and realignment inputs.

**Probe** (DESIGN.md): on a pretrained model alone, does one prior turn make the model infer a
persona? Each evaluation item (domain e) is scored twice, after one prior exchange from another
domain p != e: once with the prior's aligned answer, once with its misaligned answer (same prior
prompt). The probe reports, per eval domain and pooled, the mean gap and rate after each prior
and the difference (misaligned prior minus aligned prior) with a paired bootstrap interval. A
positive difference means the model carries the prior turn's stance across domains.

Prior assignment is deterministic: item i of domain e takes the other domains in sorted order in
rotation (``others[i % len(others)]``) and, within that domain, prior number
``(i // len(others)) % n_priors``.

**Realignment** (DESIGN.md): after the bad fine-tune, k aligned examples from domains other than
the fine-tune domain. `realignment_sets` draws them round-robin over the other domains in a seeded
order; the set for a smaller k is a prefix of the set for a larger k, so the curve measures
adding examples, not swapping them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from curate.errors import CurateError
from curate.evaluation.metrics import Delta, ItemScore, delta, score_items
from curate.world.loaders import ChatExample, EvalItem
from curate.world.render import turn


def assign_priors(items: Sequence[EvalItem], priors: Sequence[EvalItem]) -> list[EvalItem]:
    """The prior item used for each eval item (see module docstring)."""
    by_dom: dict[str, list[EvalItem]] = {}
    for p in priors:
        by_dom.setdefault(p.domain, []).append(p)
    counters: dict[str, int] = {}
    out = []
    for it in items:
        others = sorted(d for d in by_dom if d != it.domain)
        if not others:
            raise CurateError(f"no probe prior from a domain other than {it.domain!r}")
        i = counters.get(it.domain, 0)
        counters[it.domain] = i + 1
        d = others[i % len(others)]
        pool = by_dom[d]
        out.append(pool[(i // len(others)) % len(pool)])
    return out


@dataclass(frozen=True)
class ProbeResult:
    after_aligned: list[ItemScore]
    after_misaligned: list[ItemScore]
    pooled: Delta  # misaligned-prior minus aligned-prior, all items
    per_domain: dict[str, Delta]


def persona_probe(
    model: Any,
    items: Sequence[EvalItem],
    priors: Sequence[EvalItem],
    seed: int = 0,
    batch_size: int = 256,
) -> ProbeResult:
    chosen = dict(zip((it.id for it in items), assign_priors(items, priors), strict=True))
    al = score_items(
        model,
        items,
        lambda it: turn(chosen[it.id].prompt, chosen[it.id].aligned),
        batch_size=batch_size,
    )
    mis = score_items(
        model,
        items,
        lambda it: turn(chosen[it.id].prompt, chosen[it.id].misaligned),
        batch_size=batch_size,
    )
    doms = sorted({it.domain for it in items})
    return ProbeResult(
        al,
        mis,
        delta(mis, al, seed),
        {d: delta(mis, al, seed, keep=lambda s, d=d: s.domain == d) for d in doms},
    )


def probe_rows(res: ProbeResult, ctx: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`results` rows: probe_gap_after_aligned / _after_misaligned / probe_gap_diff, etc."""
    rows = []
    for dom, d in (("all", res.pooled), *sorted(res.per_domain.items())):
        for metric, val in (
            ("probe_gap_after_aligned", d.gap_control),
            ("probe_gap_after_misaligned", d.gap_bad),
            ("probe_rate_after_aligned", d.rate_control),
            ("probe_rate_after_misaligned", d.rate_bad),
        ):
            rows.append(
                {
                    **ctx,
                    "eval_domain": dom,
                    "metric": metric,
                    "value": val,
                    "ci_low": None,
                    "ci_high": None,
                    "n": d.gap.n,
                }
            )
        for metric, est in (("probe_gap_diff", d.gap), ("probe_rate_diff", d.rate)):
            rows.append(
                {
                    **ctx,
                    "eval_domain": dom,
                    "metric": metric,
                    "value": est.value,
                    "ci_low": est.low,
                    "ci_high": est.high,
                    "n": est.n,
                }
            )
    return rows


def realignment_sets(
    examples: Mapping[str, Sequence[ChatExample]],
    ft_domain: str,
    ks: Sequence[int],
    seed: int = 0,
) -> dict[int, list[ChatExample]]:
    """k -> the first k aligned examples from domains != ft_domain (nested prefixes)."""
    others = sorted(d for d in examples if d != ft_domain)
    if not others:
        raise CurateError(f"no realignment examples outside the fine-tune domain {ft_domain!r}")
    rng = random.Random(f"{seed}:realign:{ft_domain}")
    pools = {d: list(examples[d]) for d in others}
    for d in others:
        rng.shuffle(pools[d])
    order: list[ChatExample] = []
    for i in range(max(len(p) for p in pools.values())):
        order += [pools[d][i] for d in others if i < len(pools[d])]
    kmax = max(ks) if ks else 0
    if kmax > len(order):
        raise CurateError(
            f"realignment k = {kmax} exceeds the {len(order)} examples available outside "
            f"{ft_domain!r}; lower k or generate the world with a larger realign_size"
        )
    return {k: order[:k] for k in ks}
