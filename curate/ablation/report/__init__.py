"""Reports of ablations: PNG figures and one self-contained HTML page, from the store.

`write_report(ws, name)` reads the `results` rows of ablation `name` (read-only connection) and
the run's manifest, draws the figures (`curate.ablation.report.plots`), writes them as PNG files under
`ablations/<name>/figures/` and embeds the same bytes in `ablations/<name>/report.html`
(`curate.ablation.report.html`). It never trains or evaluates anything: a report can be redrawn at any
time with `curate report WS --ablation NAME`.

The page leads with the headline: per variant, the EM gap (cross-domain, pooled over the
fine-tune domains) at the headline (kind, lr, step) with its 95% interval over seeds, then the
difference from the reference variant with its interval and the verdict ("no detectable
difference" when the interval includes 0). Then the sweep (every kind × lr × step), the
generalization matrix, the realignment curve, capability and the in-context probe, pretraining
loss and throughput.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curate.errors import CurateError
from curate.files import atomic_write_bytes, atomic_write_text
from curate.workspace import Workspace

AGG = "*"


def load_rows(ws: Workspace, name: str) -> list[dict[str, Any]]:
    from curate.store import connect_readonly, table_exists

    con = connect_readonly(ws)
    try:
        if not table_exists(con, "results"):
            raise CurateError(f"{ws.db_path}: no results table; run `curate ablate SPEC` first")
        cur = con.execute("SELECT * FROM results WHERE ablation = ?", [name])
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        if not rows:
            have = [r[0] for r in con.execute("SELECT DISTINCT ablation FROM results").fetchall()]
            from curate.errors import unknown_name

            raise unknown_name("ablation", name, have, str(ws.db_path))
        return rows
    finally:
        con.close()


def _pick(rows: list[dict[str, Any]], **kw: Any) -> list[dict[str, Any]]:
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]


def write_report(ws: Workspace, name: str) -> Path:
    from curate.ablation.report import html as H
    from curate.ablation.report import plots
    from curate.ablation.run import ablation_dir, verdict

    rows = load_rows(ws, name)
    root = ablation_dir(ws, name)
    manifest: dict[str, Any] = {}
    if (root / "manifest.json").is_file():
        manifest = json.loads((root / "manifest.json").read_text())
    cfg = manifest.get("config", {})
    variants = [v["name"] for v in cfg.get("variants", [])] or sorted({r["variant"] for r in rows})
    ref = (cfg.get("stats") or {}).get("reference") or variants[0]
    ft = cfg.get("finetune") or {}
    kinds = ft.get("kinds") or sorted({r["ft_kind"] for r in rows if r["ft_kind"]})
    lrs = ft.get("lrs") or sorted({r["lr"] for r in rows if r["stage"] == "ft_misaligned"})
    steps = sorted({r["step"] for r in rows if r["stage"] == "ft_misaligned"})
    head_step = (cfg.get("stats") or {}).get("headline_step") or (steps[-1] if steps else None)
    kind, lr = (kinds[0] if kinds else None), (lrs[0] if lrs else None)
    mean = [r for r in rows if r["seed"] is None and r["model_id"] == "mean"]
    vsref = [r for r in rows if r["seed"] is None and r["metric"].endswith("_vs_ref")]
    per_seed = [r for r in rows if r["seed"] is not None]
    sel = {
        "stage": "ft_misaligned",
        "ft_kind": kind,
        "lr": lr,
        "step": head_step,
        "eval_domain": AGG,
    }

    figs: dict[str, bytes | None] = {}
    head_agg = _pick(mean, ft_domain=AGG, metric="em_gap", **sel)
    head_seeds = _pick(per_seed, ft_domain=AGG, metric="em_gap", **sel)
    setting = f"{kind} fine-tune, lr {lr:g}, step {head_step}" if lr is not None else ""
    figs["em_by_variant"] = plots.em_by_variant(
        head_agg,
        head_seeds,
        variants,
        f"EM gap, cross-domain, mean over fine-tune domains ({setting}); bars: mean over "
        "seeds with 95% t interval; dots: seeds",
    )
    sweep = [
        r
        for r in _pick(mean, stage="ft_misaligned", ft_domain=AGG, eval_domain=AGG, metric="em_gap")
    ]
    figs["em_by_step"] = plots.em_by_step(sweep, variants)
    cells = [
        r
        for r in _pick(
            mean, stage="ft_misaligned", ft_kind=kind, lr=lr, step=head_step, metric="em_gap"
        )
        if r["ft_domain"] != AGG and r["eval_domain"] != AGG
    ]
    figs["generalization_matrix"] = plots.generalization_matrix(cells, variants)
    realign = _pick(mean, stage="realign", ft_domain=AGG, eval_domain=AGG, metric="em_gap")
    figs["realignment"] = plots.realignment(realign, variants)
    figs["loss_curves"] = plots.loss_curves(_pick(per_seed, metric="train_loss"), variants)

    fig_dir = root / "figures"
    for k, png in figs.items():
        if png is not None:
            atomic_write_bytes(fig_dir / f"{k}.png", png)

    # ---- headline table
    def one(rs: list[dict[str, Any]], **kw: Any) -> dict[str, Any] | None:
        got = _pick(rs, **kw)
        return got[0] if got else None

    head_rows = []
    for v in variants:
        em_r = one(head_agg, variant=v)
        d_r = one(vsref, variant=v, metric="em_gap_vs_ref", ft_domain=AGG, **sel)
        ind = _pick(
            mean,
            variant=v,
            stage="ft_misaligned",
            ft_kind=kind,
            lr=lr,
            step=head_step,
            metric="em_gap",
        )
        ind = [
            r
            for r in ind
            if r["ft_domain"] not in (AGG, None) and r["eval_domain"] == r["ft_domain"]
        ]
        rate = _pick(
            mean,
            variant=v,
            stage="ft_misaligned",
            ft_kind=kind,
            lr=lr,
            step=head_step,
            eval_domain=AGG,
            metric="misaligned_rate",
        )
        rate_v = sum(r["value"] for r in rate) / len(rate) if rate else None
        ind_v = sum(r["value"] for r in ind) / len(ind) if ind else None
        loss = one(mean, variant=v, stage="pretrain", metric="heldout_loss")
        probe = one(mean, variant=v, stage="pretrain", eval_domain=AGG, metric="probe_gap_diff")
        em_verdict = verdict(em_r["ci_low"], em_r["ci_high"]) if em_r else "–"
        if em_verdict == "higher":
            em_verdict = "EM detected"
        elif em_verdict == "no detectable difference":
            em_verdict = "no detectable EM"
        head_rows.append(
            [
                v,
                H.interval(em_r),
                H.verdict_html(em_verdict),
                "(reference)" if v == ref else H.interval(d_r),
                ""
                if v == ref
                else H.verdict_html(verdict(d_r["ci_low"], d_r["ci_high"]) if d_r else "–"),
                H.num(ind_v),
                H.num(rate_v, signed=False),
                H.interval(loss, signed=False),
                H.interval(probe),
                (em_r or {}).get("n", "–"),
            ]
        )
    headline = H.table(
        [
            "variant",
            "EM gap [95% CI]",
            "EM vs 0",
            f"minus {ref} [95% CI]",
            f"vs {ref}",
            "in-domain gap diff",
            "cross-domain misaligned rate (bad FT)",
            "held-out loss",
            "in-context probe gap diff",
            "seeds",
        ],
        head_rows,
        "headline",
    )
    sentences = []
    for v in variants:
        if v == ref:
            continue
        d_r = one(vsref, variant=v, metric="em_gap_vs_ref", ft_domain=AGG, **sel)
        if d_r:
            word = verdict(d_r["ci_low"], d_r["ci_high"])
            what = {
                "higher": f"{v} shows more EM than {ref}",
                "lower": f"{v} shows less EM than {ref}",
            }
            sentences.append(
                f"<li><b>{H.esc(v)}</b> vs <b>{H.esc(ref)}</b>: EM gap difference "
                f"{H.interval(d_r)}: {H.verdict_html(what.get(word, word))}.</li>"
            )
    summary = (
        f"<p>Setting: {H.esc(setting)}. EM gap = cross-domain misaligned-vs-aligned "
        "log-likelihood gap (nats/token) after the misaligned fine-tune minus the same after the "
        "aligned (control) fine-tune from the same pretrained model and seed, averaged over the "
        "fine-tune domains; intervals are 95% t intervals over seeds (differences: Welch). A "
        "difference is called only when its interval excludes 0.</p>"
        + (f"<ul>{''.join(sentences)}</ul>" if sentences else "")
    )

    # ---- sweep table
    sweep_rows = []
    for v in variants:
        for r in sorted(_pick(sweep, variant=v), key=lambda r: (r["ft_kind"], r["lr"], r["step"])):
            d_r = one(
                vsref,
                variant=v,
                metric="em_gap_vs_ref",
                stage="ft_misaligned",
                ft_domain=AGG,
                eval_domain=AGG,
                ft_kind=r["ft_kind"],
                lr=r["lr"],
                step=r["step"],
            )
            sweep_rows.append(
                [
                    v,
                    r["ft_kind"],
                    f"{r['lr']:g}",
                    r["step"],
                    H.interval(r),
                    H.verdict_html(verdict(r["ci_low"], r["ci_high"])),
                    "–" if v == ref else H.interval(d_r),
                ]
            )
    sweep_t = H.table(
        ["variant", "kind", "lr", "step", "EM gap [95% CI]", "vs 0", f"minus {ref}"],
        sweep_rows,
        "sweep",
        left=3,
    )

    # ---- per fine-tune domain
    dom_rows = []
    for v in variants:
        for r in sorted(
            _pick(
                mean,
                variant=v,
                stage="ft_misaligned",
                ft_kind=kind,
                lr=lr,
                step=head_step,
                eval_domain=AGG,
                metric="em_gap",
            ),
            key=lambda r: str(r["ft_domain"]),
        ):
            if r["ft_domain"] == AGG:
                continue
            dom_rows.append(
                [
                    v,
                    r["ft_domain"],
                    H.interval(r),
                    H.verdict_html(verdict(r["ci_low"], r["ci_high"])),
                ]
            )
    dom_t = H.table(
        ["variant", "fine-tune domain", "cross-domain EM gap [95% CI]", "vs 0"],
        dom_rows,
        "per_domain",
        left=2,
    )

    # ---- realignment
    re_rows = [
        [r["variant"], r["k"], H.interval(r), H.verdict_html(verdict(r["ci_low"], r["ci_high"]))]
        for r in sorted(
            realign,
            key=lambda r: (variants.index(r["variant"]) if r["variant"] in variants else 0, r["k"]),
        )
    ]
    re_t = H.table(
        ["variant", "k", "EM gap after realignment [95% CI]", "vs 0"],
        re_rows,
        "realign_table",
        left=1,
    )

    # ---- throughput
    thr_rows = []
    for v in variants:
        t = one(mean, variant=v, stage="pretrain", metric="tokens_per_s")
        m = one(mean, variant=v, stage="pretrain", metric="mfu")
        thr_rows.append([v, f"{t['value']:,.0f}" if t else "–", f"{m['value']:.3f}" if m else "–"])
    thr_t = H.table(["variant", "tokens/s (per process)", "MFU"], thr_rows, "throughput")
    tokens = (manifest.get("counts") or {}).get("tokens", {})
    info = (
        f"<p class='note'>run: {H.esc(manifest.get('run_id', name))}; "
        f"git {H.esc(manifest.get('git_commit'))}; config hash {H.esc(manifest.get('config_hash'))}; "
        f"seeds {H.esc(cfg.get('seeds'))}; model {H.esc(cfg.get('model'))}; pretraining tokens per "
        f"variant (one pass): {H.esc(tokens)}. CPU MFU is relative to this process's measured "
        "fp32 matmul throughput.</p>"
    )

    sections = [
        (
            "Headline",
            summary
            + headline
            + H.figure(figs["em_by_variant"], "EM gap per variant", "fig_em_by_variant"),
        ),
        (
            "Fine-tune sweep: learning rate × checkpoint",
            H.figure(figs["em_by_step"], "EM gap against fine-tune step", "fig_em_by_step")
            + sweep_t,
        ),
        ("Per fine-tune domain", dom_t),
        (
            "Generalization matrix",
            "<p class='note'>bad-minus-control gap per (fine-tune domain, eval domain), mean over seeds, headline setting. The diagonal is the in-domain effect (did the fine-tune take?).</p>"
            + H.figure(
                figs["generalization_matrix"], "generalization matrix", "fig_generalization_matrix"
            ),
        ),
        (
            "Realignment",
            "<p class='note'>After the misaligned fine-tune, k aligned examples from the other domains; EM against the same control model.</p>"
            + H.figure(figs["realignment"], "EM gap against k", "fig_realignment")
            + re_t,
        ),
        (
            "Pretraining",
            H.figure(figs["loss_curves"], "pretraining loss curves", "fig_loss_curves")
            + thr_t
            + info,
        ),
    ]
    out = root / "report.html"
    atomic_write_text(out, H.page(f"Ablation {name}", sections))
    return out
