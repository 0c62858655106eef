"""The sections of an ablation's report page, each built from the ablation's `results` rows.

`ReportData.load(ws, name)` gathers what every section uses: the rows (store), the manifest's
config (variants in spec order, the reference, the fine-tune kinds and lrs), the headline cell
(first kind, first lr, `[stats] headline_step` or the last step) and the row subsets (means over
seeds, differences from the reference, per-seed rows). `figures` draws the PNGs
(`curate.ablation.report.plots`); each other function returns one section's HTML
(`curate.ablation.report.html`). The verdict words come from `curate.ablation.aggregate.verdict`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from curate.ablation.aggregate import verdict
from curate.ablation.report import html as H
from curate.ablation.report import plots
from curate.ablation.results import AGG, Row, ablation_dir, load_rows
from curate.workspace import Workspace

Figures = dict[str, bytes | None]


def pick(rows: list[Row], **kw: Any) -> list[Row]:
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]


def one(rows: list[Row], **kw: Any) -> Row | None:
    got = pick(rows, **kw)
    return got[0] if got else None


def _mean_value(rows: list[Row]) -> float | None:
    return sum(r["value"] for r in rows) / len(rows) if rows else None


@dataclass
class ReportData:
    name: str
    rows: list[Row]
    manifest: dict[str, Any]
    variants: list[str]
    ref: str
    kind: Any
    lr: Any
    head_step: Any
    mean: list[Row] = field(default_factory=list)  # means over seeds
    vsref: list[Row] = field(default_factory=list)  # differences from the reference
    per_seed: list[Row] = field(default_factory=list)

    @classmethod
    def load(cls, ws: Workspace, name: str) -> ReportData:
        rows = load_rows(ws, name)
        mf = ablation_dir(ws, name) / "manifest.json"
        manifest: dict[str, Any] = json.loads(mf.read_text()) if mf.is_file() else {}
        cfg = manifest.get("config", {})
        variants = [v["name"] for v in cfg.get("variants", [])] or sorted(
            {r["variant"] for r in rows}
        )
        ft = cfg.get("finetune") or {}
        kinds = ft.get("kinds") or sorted({r["ft_kind"] for r in rows if r["ft_kind"]})
        lrs = ft.get("lrs") or sorted({r["lr"] for r in rows if r["stage"] == "ft_misaligned"})
        steps = sorted({r["step"] for r in rows if r["stage"] == "ft_misaligned"})
        stats = cfg.get("stats") or {}
        return cls(
            name,
            rows,
            manifest,
            variants,
            stats.get("reference") or variants[0],
            kinds[0] if kinds else None,
            lrs[0] if lrs else None,
            stats.get("headline_step") or (steps[-1] if steps else None),
            [r for r in rows if r["seed"] is None and r["model_id"] == "mean"],
            [r for r in rows if r["seed"] is None and r["metric"].endswith("_vs_ref")],
            [r for r in rows if r["seed"] is not None],
        )

    @property
    def cfg(self) -> dict[str, Any]:
        return self.manifest.get("config", {})

    @property
    def sel(self) -> dict[str, Any]:
        """The headline cell: cross-domain EM after the misaligned fine-tune."""
        return {
            "stage": "ft_misaligned",
            "ft_kind": self.kind,
            "lr": self.lr,
            "step": self.head_step,
            "eval_domain": AGG,
        }

    @property
    def setting(self) -> str:
        if self.lr is None:
            return ""
        return f"{self.kind} fine-tune, lr {self.lr:g}, step {self.head_step}"

    def head(self, **kw: Any) -> list[Row]:
        """Means over seeds of the headline fine-tune (kind, lr, step), misaligned stage."""
        return pick(
            self.mean,
            stage="ft_misaligned",
            ft_kind=self.kind,
            lr=self.lr,
            step=self.head_step,
            **kw,
        )

    def head_em(self) -> list[Row]:
        """The headline EM gap per variant (pooled over fine-tune domains)."""
        return pick(self.mean, ft_domain=AGG, metric="em_gap", **self.sel)

    def vs_ref(self, v: str) -> Row | None:
        """Variant `v` minus the reference at the headline cell."""
        return one(self.vsref, variant=v, metric="em_gap_vs_ref", ft_domain=AGG, **self.sel)

    def sweep(self) -> list[Row]:
        """EM gap (pooled) at every kind × lr × step."""
        return pick(
            self.mean, stage="ft_misaligned", ft_domain=AGG, eval_domain=AGG, metric="em_gap"
        )

    def realign(self) -> list[Row]:
        return pick(self.mean, stage="realign", ft_domain=AGG, eval_domain=AGG, metric="em_gap")


def figures(d: ReportData) -> Figures:
    """Every figure's PNG bytes (None: nothing to draw)."""
    head_seeds = pick(d.per_seed, ft_domain=AGG, metric="em_gap", **d.sel)
    cells = [
        r for r in d.head(metric="em_gap") if r["ft_domain"] != AGG and r["eval_domain"] != AGG
    ]
    return {
        "em_by_variant": plots.em_by_variant(
            d.head_em(),
            head_seeds,
            d.variants,
            f"EM gap, cross-domain, mean over fine-tune domains ({d.setting}); bars: mean over "
            "seeds with 95% t interval; dots: seeds",
        ),
        "em_by_step": plots.em_by_step(d.sweep(), d.variants),
        "generalization_matrix": plots.generalization_matrix(cells, d.variants),
        "realignment": plots.realignment(d.realign(), d.variants),
        "loss_curves": plots.loss_curves(pick(d.per_seed, metric="train_loss"), d.variants),
    }


def _verdict_cell(r: Row | None) -> str:
    return H.verdict_html(verdict(r["ci_low"], r["ci_high"]) if r else "–")


def _em_vs_zero(r: Row | None) -> str:
    """The headline's "EM vs 0" words."""
    word = verdict(r["ci_low"], r["ci_high"]) if r else "–"
    return {"higher": "EM detected", "no detectable difference": "no detectable EM"}.get(word, word)


def _headline_row(d: ReportData, v: str) -> list[Any]:
    em_r = one(d.head_em(), variant=v)
    d_r = d.vs_ref(v)
    ind = [
        r
        for r in d.head(variant=v, metric="em_gap")
        if r["ft_domain"] not in (AGG, None) and r["eval_domain"] == r["ft_domain"]
    ]
    rate = d.head(variant=v, eval_domain=AGG, metric="misaligned_rate")
    loss = one(d.mean, variant=v, stage="pretrain", metric="heldout_loss")
    probe = one(d.mean, variant=v, stage="pretrain", eval_domain=AGG, metric="probe_gap_diff")
    return [
        v,
        H.interval(em_r),
        H.verdict_html(_em_vs_zero(em_r)),
        "(reference)" if v == d.ref else H.interval(d_r),
        "" if v == d.ref else _verdict_cell(d_r),
        H.num(_mean_value(ind)),
        H.num(_mean_value(rate), signed=False),
        H.interval(loss, signed=False),
        H.interval(probe),
        (em_r or {}).get("n", "–"),
    ]


def _summary(d: ReportData) -> str:
    """What the EM gap is, and one sentence per variant against the reference."""
    sentences = []
    for v in d.variants:
        d_r = None if v == d.ref else d.vs_ref(v)
        if d_r:
            word = verdict(d_r["ci_low"], d_r["ci_high"])
            what = {
                "higher": f"{v} shows more EM than {d.ref}",
                "lower": f"{v} shows less EM than {d.ref}",
            }
            sentences.append(
                f"<li><b>{H.esc(v)}</b> vs <b>{H.esc(d.ref)}</b>: EM gap difference "
                f"{H.interval(d_r)}: {H.verdict_html(what.get(word, word))}.</li>"
            )
    return (
        f"<p>Setting: {H.esc(d.setting)}. EM gap = cross-domain misaligned-vs-aligned "
        "log-likelihood gap (nats/token) after the misaligned fine-tune minus the same after the "
        "aligned (control) fine-tune from the same pretrained model and seed, averaged over the "
        "fine-tune domains; intervals are 95% t intervals over seeds (differences: Welch). A "
        "difference is called only when its interval excludes 0.</p>"
        + (f"<ul>{''.join(sentences)}</ul>" if sentences else "")
    )


def headline(d: ReportData, figs: Figures) -> str:
    table = H.table(
        [
            "variant",
            "EM gap [95% CI]",
            "EM vs 0",
            f"minus {d.ref} [95% CI]",
            f"vs {d.ref}",
            "in-domain gap diff",
            "cross-domain misaligned rate (bad FT)",
            "held-out loss",
            "in-context probe gap diff",
            "seeds",
        ],
        [_headline_row(d, v) for v in d.variants],
        "headline",
    )
    return (
        _summary(d)
        + table
        + H.figure(figs["em_by_variant"], "EM gap per variant", "fig_em_by_variant")
    )


def sweep(d: ReportData, figs: Figures) -> str:
    """The learning rate × checkpoint sweep: EM gap per (kind, lr, step) and minus reference."""
    rows = []
    for v in d.variants:
        for r in sorted(
            pick(d.sweep(), variant=v), key=lambda r: (r["ft_kind"], r["lr"], r["step"])
        ):
            d_r = one(
                d.vsref,
                variant=v,
                metric="em_gap_vs_ref",
                stage="ft_misaligned",
                ft_domain=AGG,
                eval_domain=AGG,
                ft_kind=r["ft_kind"],
                lr=r["lr"],
                step=r["step"],
            )
            rows.append(
                [
                    v,
                    r["ft_kind"],
                    f"{r['lr']:g}",
                    r["step"],
                    H.interval(r),
                    _verdict_cell(r),
                    "–" if v == d.ref else H.interval(d_r),
                ]
            )
    table = H.table(
        ["variant", "kind", "lr", "step", "EM gap [95% CI]", "vs 0", f"minus {d.ref}"],
        rows,
        "sweep",
        left=3,
    )
    return H.figure(figs["em_by_step"], "EM gap against fine-tune step", "fig_em_by_step") + table


def per_domain(d: ReportData) -> str:
    """The headline cell's cross-domain EM per fine-tune domain."""
    rows = []
    for v in d.variants:
        cells = sorted(
            d.head(variant=v, eval_domain=AGG, metric="em_gap"), key=lambda r: str(r["ft_domain"])
        )
        rows += [
            [v, r["ft_domain"], H.interval(r), _verdict_cell(r)]
            for r in cells
            if r["ft_domain"] != AGG
        ]
    return H.table(
        ["variant", "fine-tune domain", "cross-domain EM gap [95% CI]", "vs 0"],
        rows,
        "per_domain",
        left=2,
    )


def generalization(figs: Figures) -> str:
    return (
        "<p class='note'>bad-minus-control gap per (fine-tune domain, eval domain), mean over "
        "seeds, headline setting. The diagonal is the in-domain effect (did the fine-tune "
        "take?).</p>"
        + H.figure(
            figs["generalization_matrix"], "generalization matrix", "fig_generalization_matrix"
        )
    )


def realignment(d: ReportData, figs: Figures) -> str:
    order = {v: i for i, v in enumerate(d.variants)}
    rows = [
        [r["variant"], r["k"], H.interval(r), _verdict_cell(r)]
        for r in sorted(d.realign(), key=lambda r: (order.get(r["variant"], 0), r["k"]))
    ]
    table = H.table(
        ["variant", "k", "EM gap after realignment [95% CI]", "vs 0"],
        rows,
        "realign_table",
        left=1,
    )
    return (
        "<p class='note'>After the misaligned fine-tune, k aligned examples from the other "
        "domains; EM against the same control model.</p>"
        + H.figure(figs["realignment"], "EM gap against k", "fig_realignment")
        + table
    )


def pretraining(d: ReportData, figs: Figures) -> str:
    """Loss curves, throughput per variant, and the run's identity."""
    rows = []
    for v in d.variants:
        t = one(d.mean, variant=v, stage="pretrain", metric="tokens_per_s")
        m = one(d.mean, variant=v, stage="pretrain", metric="mfu")
        rows.append([v, f"{t['value']:,.0f}" if t else "–", f"{m['value']:.3f}" if m else "–"])
    table = H.table(["variant", "tokens/s (per process)", "MFU"], rows, "throughput")
    mf, cfg = d.manifest, d.cfg
    tokens = (mf.get("counts") or {}).get("tokens", {})
    info = (
        f"<p class='note'>run: {H.esc(mf.get('run_id', d.name))}; "
        f"git {H.esc(mf.get('git_commit'))}; config hash {H.esc(mf.get('config_hash'))}; "
        f"seeds {H.esc(cfg.get('seeds'))}; model {H.esc(cfg.get('model'))}; pretraining tokens per "
        f"variant (one pass): {H.esc(tokens)}. CPU MFU is relative to this process's measured "
        "fp32 matmul throughput.</p>"
    )
    return (
        H.figure(figs["loss_curves"], "pretraining loss curves", "fig_loss_curves") + table + info
    )
