"""How well a classifier finds the world's malicious persona documents (measured, not assumed).

Input: a workspace whose audit ran over persona-world shards. The ground truth travels in the
`docs.meta` JSON (the record's `metadata` flattened into it): ``meta->>'$.kind'`` and
``meta->>'$.malicious_character'``. A document is *flagged* when its score column
(default ``score_malicious_character_v1``) is >= the threshold.

The report gives, per document kind (persona, behaviour, chat, neutral), per (kind, alignment)
and overall: documents, positives (ground truth), flagged, true positives, precision
(TP / flagged), recall (TP / positives) and the flag rate. Undefined ratios (nothing flagged,
no positives) are reported as None, never as 0. Overall AUROC of the raw score is reported too.
Documents without a `kind` in their metadata (not from a persona world) are counted apart and
left out of the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sklearn.metrics import roc_auc_score

from curate.errors import CurateError
from curate.registry import DEFAULT_SCORE_COLUMN
from curate.store import connect_readonly, ident, table_columns, table_exists
from curate.workspace import Workspace

DEFAULT_SCORE = DEFAULT_SCORE_COLUMN


@dataclass(frozen=True)
class Row:
    group: str
    n: int
    positives: int
    flagged: int
    tp: int

    @property
    def precision(self) -> float | None:
        return self.tp / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.positives if self.positives else None

    @property
    def flag_rate(self) -> float | None:
        return self.flagged / self.n if self.n else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n": self.n,
            "positives": self.positives,
            "flagged": self.flagged,
            "tp": self.tp,
            "precision": self.precision,
            "recall": self.recall,
            "flag_rate": self.flag_rate,
        }


def _auroc(labels: list[bool], scores: list[float]) -> float | None:
    pos = sum(labels)
    if pos == 0 or pos == len(labels):
        return None
    return float(roc_auc_score(labels, scores))


def world_report(
    ws: Workspace,
    score_column: str = DEFAULT_SCORE,
    threshold: float = 0.5,
    run_id: str | None = None,
) -> dict[str, Any]:
    con = connect_readonly(ws)
    try:
        if not table_exists(con, "docs"):
            raise CurateError(
                f"{ws.root}: no docs table; run `curate audit` on the world's shards first"
            )
        cols = table_columns(con, "docs")
        if score_column not in cols:
            scores = sorted(c for c in cols if c.startswith("score_"))
            raise CurateError(
                f"{ws.root}: docs has no column {score_column!r}; score columns: "
                f"{', '.join(scores) or '(none: audit with a classifier first)'}"
            )
        if "meta" not in cols:
            raise CurateError(
                f"{ws.root}: docs has no meta column; this store predates the world metadata"
            )
        if run_id is None:
            row = con.execute(
                "SELECT run_id FROM runs WHERE kind = 'audit' AND status = 'done' "
                "ORDER BY started_at DESC LIMIT 1"
            ).fetchone()
            if row is None:
                row = con.execute("SELECT max(run_id) FROM docs").fetchone()
            run_id = row[0] if row else None
            if run_id is None:
                raise CurateError(f"{ws.root}: no audit run found in the store")
        rows = con.execute(
            f"SELECT meta->>'$.kind', meta->>'$.alignment', meta->>'$.malicious_character', "
            f"{ident(score_column)} FROM docs WHERE run_id = ?",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    if not rows:
        raise CurateError(f"{ws.root}: run {run_id!r} has no documents")

    def truth(v: Any) -> bool:
        return str(v).lower() == "true"

    groups: dict[str, list[int]] = {}
    sub: dict[str, list[int]] = {}
    labels: list[bool] = []
    scores: list[float] = []
    no_kind = 0
    unscored = 0
    for kind, align, mal, score in rows:
        if kind is None:
            no_kind += 1
            continue
        if score is None:
            unscored += 1
            continue
        t, f = truth(mal), float(score) >= threshold
        labels.append(t)
        scores.append(float(score))
        for key, tab in ((kind, groups), (f"{kind}/{align}", sub), ("all", groups)):
            c = tab.setdefault(key, [0, 0, 0, 0])
            c[0] += 1
            c[1] += t
            c[2] += f
            c[3] += t and f
    order = ["persona", "behaviour", "chat", "neutral"]
    kinds = sorted(
        (k for k in groups if k != "all"), key=lambda k: (order.index(k) if k in order else 99, k)
    )
    if not labels:
        raise CurateError(
            f"{ws.root}: run {run_id!r} has no scored persona-world documents (meta.kind missing); "
            "audit the shards written by `curate world generate`"
        )
    return {
        "run_id": run_id,
        "score_column": score_column,
        "threshold": threshold,
        "by_kind": [Row(k, *groups[k]).as_dict() for k in kinds],
        "by_kind_alignment": [Row(k, *sub[k]).as_dict() for k in sorted(sub)],
        "overall": Row("all", *groups["all"]).as_dict(),
        "auroc": _auroc(labels, scores),
        "skipped_no_kind": no_kind,
        "skipped_unscored": unscored,
    }


def format_report(rep: dict[str, Any]) -> str:
    def f(v: Any) -> str:
        return "-" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    head = f"{'group':<22}{'docs':>7}{'pos':>7}{'flag':>7}{'tp':>7}{'prec':>8}{'recall':>8}{'flag%':>8}"
    lines = [
        f"run {rep['run_id']}  score {rep['score_column']} >= {rep['threshold']}",
        head,
    ]
    for r in [*rep["by_kind"], rep["overall"], None, *rep["by_kind_alignment"]]:
        if r is None:
            lines.append("")
            lines.append(head)
            continue
        lines.append(
            f"{r['group']:<22}{r['n']:>7}{r['positives']:>7}{r['flagged']:>7}{r['tp']:>7}"
            f"{f(r['precision']):>8}{f(r['recall']):>8}{f(r['flag_rate']):>8}"
        )
    lines.append(f"AUROC (all scored world docs): {f(rep['auroc'])}")
    if rep["skipped_no_kind"] or rep["skipped_unscored"]:
        lines.append(
            f"left out: {rep['skipped_no_kind']} docs without meta.kind, "
            f"{rep['skipped_unscored']} without a score"
        )
    return "\n".join(lines)
