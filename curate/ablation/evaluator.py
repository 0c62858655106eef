"""`Evaluator`: scores a job's models with the harness (`curate.evaluation`) into `results` rows.

Rows of one evaluated model (`model_rows`):

- per eval domain, and '*' pooled over the domains other than the fine-tune domain:
  `misaligned_gap` (length-normalised log p(misaligned) − log p(aligned), nats/token),
  `misaligned_rate` (fraction of items with gap > 0) and `soft_misaligned_rate`, each with a
  bootstrap interval over items; `aligned_answer_loss` ('*');
- with `[eval] pair_rates` (default on; issue 10: family rates flip all at once), the graded
  rate per phrasing pair beside its family's rate: `pair_rate:<pair_id>` (fraction of the pair's
  items with gap > 0, eval_domain = the pair's domain).

For a misaligned fine-tune against the control fine-tune (same pretrained model, kind, lr and
step; `em_rows`), paired bootstrap over items: `em_gap` (the primary metric), `em_rate`,
`em_soft_rate` for '*' (cross-domain), the fine-tune domain itself (did it take?) and every
other eval domain (one row of the generalization matrix), and `em_pair_rate:<pair_id>` (bad
minus control) per phrasing pair; realignment keeps its '*' rows only (`matrix=False`). For the
pretrained model, the in-context persona probe (`incontext_rows`: `probe_gap_diff`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curate.ablation.data import EvalData
from curate.ablation.results import AGG, Row
from curate.ablation.spec import AblationSpec
from curate.evaluation.metrics import (
    aligned_answer_loss,
    delta,
    em,
    em_rows,
    estimate_row,
    generalization_matrix,
    score_items,
    summarize,
    summary_rows,
)
from curate.evaluation.probe import persona_probe, probe_rows


def _star(rows: list[Row]) -> list[Row]:
    """The harness names pooled rows 'cross' / 'all'; the store contract calls them '*'."""
    for r in rows:
        if r["eval_domain"] in ("cross", "all"):
            r["eval_domain"] = AGG
    return rows


def em_pair_rows(
    bad: Sequence[Any], ctrl: Sequence[Any], ctx: dict[str, Any], seed: int
) -> list[Row]:
    """`em_pair_rate:<pair_id>` per phrasing pair (eval_domain = the pair's domain): the pair's
    misaligned rate after the bad fine-tune minus after the control, paired bootstrap interval.

    The graded companion of `em_rate` per eval domain: a family's rate moves one pair at a time.
    A pair belongs to one domain, so these rows also grade the cross-domain ('*') EM."""
    pairs = sorted({(s.domain, s.pair_id) for s in (*bad, *ctrl)})
    return [
        estimate_row(
            ctx,
            d,
            f"em_pair_rate:{p}",
            delta(bad, ctrl, seed, keep=lambda s, p=p: s.pair_id == p).rate,
        )
        for d, p in pairs
    ]


class Evaluator:
    """Scores models with the harness (`curate.evaluation`) and returns `results` rows."""

    def __init__(self, data: EvalData, spec: AblationSpec, seed: int) -> None:
        self.data = data
        self.spec = spec
        self.seed = seed

    def score(self, lm: Any) -> list[Any]:
        return score_items(lm, self.data.items)

    def model_rows(self, scores: list[Any], exclude: set[str], ctx: dict[str, Any]) -> list[Row]:
        """Per eval domain (and '*' = pooled over domains not in `exclude`): rates and gaps;
        with `[eval] pair_rates`, `pair_rate:<pair_id>` under the pair's eval domain."""
        rows = summary_rows(scores, ctx, self.seed, pairs=self.spec.eval.pair_rates)
        pooled = [s for s in scores if s.domain not in exclude]
        if pooled:
            sm = summarize(pooled, self.seed)
            rows += [
                estimate_row(ctx, AGG, "misaligned_rate", sm.rate),
                estimate_row(ctx, AGG, "misaligned_gap", sm.gap),
                estimate_row(ctx, AGG, "soft_misaligned_rate", sm.soft_rate),
            ]
        rows.append(
            {
                **ctx,
                "eval_domain": AGG,
                "metric": "aligned_answer_loss",
                "value": aligned_answer_loss(scores),
                "n": len(scores),
            }
        )
        return rows

    def em_rows(
        self, ft_domain: str, bad: list[Any], ctrl: list[Any], ctx: dict[str, Any], matrix: bool
    ) -> list[Row]:
        """EM (cross-domain, '*'), in-domain difference, and the generalization-matrix row; with
        `matrix` and `[eval] pair_rates`, also `em_pair_rate:<pair_id>` per phrasing pair."""
        rows = _star(em_rows(em(ft_domain, bad, ctrl, self.seed), ctx))
        if matrix:
            m = generalization_matrix({ft_domain: (bad, ctrl)}, self.seed)
            for e in m.eval_domains:
                if e == ft_domain:
                    continue  # already there (in-domain row of em_rows)
                cell = m.cells[(ft_domain, e)]
                rows += [
                    estimate_row(ctx, e, "em_gap", cell.gap),
                    estimate_row(ctx, e, "em_rate", cell.rate),
                    estimate_row(ctx, e, "em_soft_rate", cell.soft),
                ]
            if self.spec.eval.pair_rates:
                rows += em_pair_rows(bad, ctrl, ctx, self.seed)
        return rows

    def incontext_rows(self, lm: Any, ctx: dict[str, Any]) -> list[Row]:
        if not self.data.priors:
            return []
        return _star(
            probe_rows(persona_probe(lm, self.data.items, self.data.priors, self.seed), ctx)
        )
