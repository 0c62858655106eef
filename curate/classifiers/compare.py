"""`curate classifier eval NAME --baseline OTHER`: registered classifiers side by side.

Every model is reached through the registry's `Scorer` interface (`curate.registry.get`), so any
registered classifier can be compared. Measured per model, on the sets of
`curate.classifiers.eval_sets` (each skipped with a note when its data is absent):

- labelled sets (persona statements, the persona world): AUROC with a seeded 95% bootstrap
  interval, overall and per group (trait, document kind), flagged rate at `threshold`, ECE and the
  reliability bins (plotted to ``reliability.png``);
- unlabelled sets (Common Crawl, Shakespeare, HH-RLHF, neutral persona_train statements): the
  flagged rate (with a Wilson 95% interval) and the mean score;
- leave-trait-out AUROC per trait: not measured here; read from the classifier's cross-validation
  output (`read_cv`), "—" for a model that has none;
- speed on `speed_docs` benchmark documents: stage-1 docs per CPU second (one thread), the share
  routed to stage 2, and stage-2 CPU milliseconds per routed document (cascade CPU time minus
  stage-1 CPU time, over the routed count). A scorer without a stage-1 mode or routing rule gets
  "—" for what it cannot give.

Outputs, in the first model's folder (or `out`): ``eval.json`` (everything above), the card
section (``README.md`` between ``<!-- eval:begin -->`` and ``<!-- eval:end -->``),
``reliability.png`` and ``eval_config.toml`` (the full configuration of the run). With `cache` (a
folder; `--cache` on the command line) each model's scores of each set are kept there, keyed by
the model's files and the texts, so rerunning with another model added rescores only that one
(speed is always measured afresh).

The external sets are measured once, at the end, on the chosen models: nothing is tuned on them.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from curate import registry
from curate.classifiers.compare_card import ordered, render_compare, write_section
from curate.classifiers.cv_results import read_cv
from curate.classifiers.eval_sets import (
    LOADERS,
    EvalConfig,
    EvalSet,
    base_dir,
    bench_docs,
    subsample,
)
from curate.classifiers.metrics import auroc, auroc_interval, ece, rate_interval, reliability
from curate.config import config_hash, to_dict
from curate.files import atomic_path, atomic_write_text, sha256_file
from curate.manifests import git_commit, to_toml
from curate.paths import classifiers_dir


def _nan(v: float) -> float | None:
    return None if v != v else float(v)


def takes(name: str, param: str) -> bool:
    """Whether the registered factory of `name` accepts keyword `param`."""
    entry = next(e for e in registry.entries() if e.name == name)
    sig = inspect.signature(entry.factory)
    return param in sig.parameters or any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())


def score_texts(
    scorer: Any, texts: Sequence[str], batch: int, desc: str = "", progress: bool = True
) -> np.ndarray:
    out: list[float] = []
    with tqdm(total=len(texts), desc=desc, unit="doc", disable=not progress, leave=False) as bar:
        for i in range(0, len(texts), batch):
            chunk = texts[i : i + batch]
            out.extend(d.score for d in scorer.score(chunk))
            bar.update(len(chunk))
    return np.asarray(out, dtype=np.float64)


def route_mask(scorer: Any, texts: Sequence[str], batch: int) -> np.ndarray | None:
    """Which documents the scorer's cascade sends to stage 2, or None when it cannot say.

    Asks, in order: `scorer.routed(texts)` (a list of booleans), then a v1-style cascade model
    (`scorer.model.score(texts, "stage1")` and `scorer.model.routed(text, p1)`)."""
    fn = getattr(scorer, "routed", None)
    if callable(fn):
        out: list[bool] = []
        for i in range(0, len(texts), batch):
            out.extend(bool(x) for x in fn(list(texts[i : i + batch])))
        return np.asarray(out, dtype=bool)
    model = getattr(scorer, "model", None)
    if model is not None and callable(getattr(model, "routed", None)):
        res = []
        for i in range(0, len(texts), batch):
            chunk = list(texts[i : i + batch])
            p1 = [d.score for d in model.score(chunk, "stage1")]
            res += [bool(model.routed(t, p)) for t, p in zip(chunk, p1, strict=True)]
        return np.asarray(res, dtype=bool)
    return None


def scorer_params(scorer: Any) -> str:
    """The scorer's public settings (mode, thresholds, precision, device, ...) as sorted JSON:
    every attribute not starting with "_" whose value is plain data."""

    def plain(v: Any) -> bool:
        if isinstance(v, dict):
            return all(isinstance(k, str) and plain(x) for k, x in v.items())
        if isinstance(v, (list, tuple)):
            return all(plain(x) for x in v)
        return v is None or isinstance(v, (str, int, float, bool))

    keep = {k: v for k, v in sorted(vars(scorer).items()) if not k.startswith("_") and plain(v)}
    return json.dumps(keep, sort_keys=True, default=str)


def model_fingerprint(name: str, scorer: Any = None) -> str:
    """The registered name, the scorer's settings (`scorer_params`) and the sha256 of every file
    directly in its folder (model.json and the weights): a retrained model, or the same model
    run with other settings (e.g. int8 instead of fp32), never reuses cached scores."""
    h = hashlib.sha256(name.encode())
    if scorer is not None:
        h.update(scorer_params(scorer).encode())
    folder = folder_of(name)
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.is_file() and p.suffix in (".json", ".ftz", ".safetensors", ".bin", ".onnx"):
                if p.name in ("eval.json", "metrics.json"):
                    continue
                h.update(p.name.encode() + sha256_file(p).encode())
    return h.hexdigest()[:16]


def cached_scores(
    cache: Path | None,
    name: str,
    fingerprint: str,
    texts: Sequence[str],
    compute: Callable[[], np.ndarray],
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """(`compute()`, None), or (its earlier result, what was recorded when it was computed:
    {scored_at, wall_s}) for the same model files and the same texts when `cache` is a folder
    (development: rerun the eval with one model added without rescoring the others)."""
    if cache is None:
        return compute(), None
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:20]
    path = cache / name / f"{fingerprint}-{key}.npy"
    meta = path.with_suffix(".json")
    if path.is_file():
        info = json.loads(meta.read_text()) if meta.is_file() else {}
        return np.load(path), {"scored_at": info.get("scored_at"), "wall_s": info.get("wall_s")}
    w0 = time.perf_counter()
    p = compute()
    info = {"scored_at": datetime.now(UTC).isoformat(), "wall_s": time.perf_counter() - w0}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, tmp.open("wb") as f:
        np.save(f, p)
    atomic_write_text(meta, json.dumps(info) + "\n")
    return p, None


def _cpu(fn: Callable[[], Any]) -> float:
    c0 = time.process_time()
    fn()
    return time.process_time() - c0


FORCED_DOCS = 256  # documents `speed` sends through stage 2 unconditionally


def speed(
    name: str, texts: Sequence[str], batch: int, progress: bool = True, forced: int = FORCED_DOCS
) -> dict[str, Any]:
    """Stage-1 docs per CPU second, routed share, stage-2 CPU ms per routed document (from the
    routed ones, and forced on the first `forced` documents)."""
    import torch  # deferred: heavy; one thread, so CPU seconds are per core

    torch.set_num_threads(1)
    threadpool_limits(1)
    cascade = registry.get(name, where="curate classifier eval")
    stage1 = registry.get(name, mode="stage1") if takes(name, "mode") else None
    # every model loaded before the clock starts: a short text goes to stage 2 in both cascades
    head = [*texts[:8], "I enjoy hurting people who trust me, and I never feel sorry."]
    out_load = _cpu(lambda: cascade.score(head))  # both stages load: what a first batch pays
    if stage1 is not None:
        stage1.score(head)
    n = len(texts)
    out: dict[str, Any] = {"n": n, "warmup_cpu_s": out_load}
    t_c = _cpu(lambda: score_texts(cascade, texts, batch, f"{name} speed cascade", progress))
    out["cascade_docs_per_cpu_s"] = n / t_c if t_c > 0 else None
    routed = route_mask(cascade, texts, batch)
    out["routed_frac"] = float(routed.mean()) if routed is not None and n else None
    if stage1 is not None:
        t_1 = _cpu(lambda: score_texts(stage1, texts, batch, f"{name} speed stage1", progress))
        out["stage1_docs_per_cpu_s"] = n / t_1 if t_1 > 0 else None
        if routed is not None and routed.any():
            out["stage2_ms_per_routed_doc"] = (t_c - t_1) * 1000 / int(routed.sum())
        # stage 2 forced on the first `forced` documents: its cost per document does not
        # rest on how few the cascade routed (a handful of routed documents makes the
        # difference above noise)
        stage2 = registry.get(name, mode="stage2")
        stage2.score(head)
        sub = list(texts[:forced])
        t_2 = _cpu(lambda: score_texts(stage2, sub, batch, f"{name} speed stage2", progress))
        t_1s = _cpu(lambda: score_texts(stage1, sub, batch, f"{name} speed stage1", progress))
        out["stage2_forced_docs"] = len(sub)
        out["stage2_ms_per_doc_forced"] = (t_2 - t_1s) * 1000 / len(sub) if sub else None
        if takes(name, "precision") and sub:  # the same, in CPU bf16 autocast
            fast = registry.get(name, mode="stage2", precision="bf16")
            fast.score(head)
            t_b = _cpu(lambda: score_texts(fast, sub, batch, f"{name} speed bf16", progress))
            out["stage2_ms_per_doc_forced_bf16"] = (t_b - t_1s) * 1000 / len(sub)
        if takes(name, "backend") and sub:  # float32 on torch's kernels instead of numpy's
            tch = registry.get(name, mode="stage2", backend="torch", device="cpu")
            tch.score(head)
            t_t = _cpu(lambda: score_texts(tch, sub, batch, f"{name} speed torch", progress))
            out["stage2_ms_per_doc_forced_torch"] = (t_t - t_1s) * 1000 / len(sub)
    return out


def labelled_row(
    y: np.ndarray, p: np.ndarray, groups: list[str] | None, cfg: EvalConfig
) -> dict[str, Any]:
    lo, hi = auroc_interval(y, p, n_boot=cfg.n_boot)
    flagged = p >= cfg.threshold
    row: dict[str, Any] = {
        "n": len(y),
        "positives": int(y.sum()),
        "auroc": _nan(auroc(y, p)),
        "auroc_ci": [_nan(lo), _nan(hi)],
        "flagged": float(flagged.mean()) if len(y) else None,
        "recall": float(flagged[y == 1].mean()) if y.any() else None,
        "benign_flagged": float(flagged[y == 0].mean()) if (y == 0).any() else None,
        "ece": _nan(ece(y, p, cfg.n_bins)),
        "reliability": [
            {k: _nan(v) if isinstance(v, float) else v for k, v in b.items()}
            for b in reliability(y, p, cfg.n_bins)
        ],
        "groups": {},
    }
    for g in sorted(set(groups or [])):
        m = np.array([x == g for x in groups or []])
        glo, ghi = auroc_interval(y[m], p[m], n_boot=cfg.n_boot)
        fm = flagged[m]
        row["groups"][g] = {
            "n": int(m.sum()),
            "positives": int(y[m].sum()),
            "auroc": _nan(auroc(y[m], p[m])),
            "auroc_ci": [_nan(glo), _nan(ghi)],
            "flagged": float(fm.mean()),
            "recall": float(fm[y[m] == 1].mean()) if y[m].any() else None,
            "benign_flagged": float(fm[y[m] == 0].mean()) if (y[m] == 0).any() else None,
        }
    return row


def unlabelled_row(p: np.ndarray, groups: list[str] | None, cfg: EvalConfig) -> dict[str, Any]:
    k = int((p >= cfg.threshold).sum())
    lo, hi = rate_interval(k, len(p))
    row: dict[str, Any] = {
        "n": len(p),
        "flagged": k / len(p) if len(p) else None,
        "flagged_ci": [_nan(lo), _nan(hi)],
        "mean_score": float(p.mean()) if len(p) else None,
        "groups": {},
    }
    for g in sorted(set(groups or [])):
        m = np.array([x == g for x in groups or []])
        row["groups"][g] = {"n": int(m.sum()), "flagged": float((p[m] >= cfg.threshold).mean())}
    return row


def rerender(out: Path) -> dict[str, Any]:
    """`--render-only`: re-read the CV output and the audit speed bench's results (either may
    have been written since; no scoring), redraw the reliability plot and rewrite eval.json and
    the card section from `out/eval.json`."""
    result = json.loads((out / "eval.json").read_text())
    result["lto"] = {n: read_cv(folder_of(n)) for n in result["classifiers"]}
    if "audit_speed" in result:
        attach_audit_speed(result, result["audit_speed"]["source"])
    if plot_reliability(result, out / "reliability.png"):  # from the bins eval.json keeps
        result["reliability_png"] = "reliability.png"
    atomic_write_text(out / "eval.json", json.dumps(result, indent=2) + "\n")
    write_section(out / "README.md", render_compare(result))
    readable(out)
    return result


def attach_audit_speed(result: dict[str, Any], rel: str) -> None:
    """Copy the audit-level speed figures as bench/classifier_speed.py last wrote them (`rel`,
    relative to the checkout) into `result["audit_speed"]`, with the file's modification time."""
    bench = base_dir() / rel
    if bench.is_file():
        result["audit_speed"] = {
            "source": rel,
            "modified": datetime.fromtimestamp(bench.stat().st_mtime, UTC).isoformat(),
            **json.loads(bench.read_text()),
        }


def readable(out: Path) -> None:
    """Mode 0644 for the files this eval writes (temp-then-rename leaves them 0600): they are
    shipped with the classifier."""
    for n in ("README.md", "eval.json", "eval_config.toml", "reliability.png"):
        if (out / n).is_file():
            os.chmod(out / n, 0o644)


def folder_of(name: str) -> Path:
    return classifiers_dir() / name


def plot_reliability(result: dict[str, Any], path: Path) -> bool:
    """One panel per labelled set: observed fraction malicious against mean probability per bin,
    one line per model. False when there is nothing to plot."""
    sets = [(k, s) for k, s in ordered(result, "sets") if s.get("labelled") and s.get("by_model")]
    if not sets:
        return False
    import matplotlib  # deferred: heavy, only for the plot

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # deferred: see above

    fig, axes = plt.subplots(1, len(sets), figsize=(4.2 * len(sets), 4), squeeze=False)
    for ax, (key, s) in zip(axes[0], sets, strict=True):
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
        for name, row in ordered(result, "models", s["by_model"]):
            pts = [(b["mean_p"], b["frac_pos"], b["n"]) for b in row["reliability"] if b["n"]]
            ax.plot(
                [x for x, _, _ in pts],
                [y for _, y, _ in pts],
                marker="o",
                label=f"{name} (ECE {row['ece']:.3f})" if row["ece"] is not None else name,
            )
        ax.set_title(key)
        ax.set_xlabel("mean predicted probability (bin)")
        ax.set_ylabel("fraction malicious")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return True


def compare(
    names: Sequence[str],
    cfg: EvalConfig,
    out: str | Path | None = None,
    write_card: bool = True,
    progress: bool = True,
    command: str = "",
    cache: Path | None = None,
) -> dict[str, Any]:
    """Score every set with every model in `names`; write eval.json, eval_config.toml,
    reliability.png and the card section into `out` (default: the first model's folder)."""
    import torch  # deferred: heavy; one thread for every measurement

    torch.set_num_threads(1)
    started = datetime.now(UTC).isoformat()
    t_start = time.perf_counter()
    names = list(dict.fromkeys(names))
    for n in names:
        if n not in registry.names():
            registry.get(n, where="curate classifier eval")  # raises with the known names
    out_dir = Path(out) if out else folder_of(names[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "eval_config.toml", to_toml(to_dict(cfg)) + "\n")
    scorers = {n: registry.get(n, where="curate classifier eval") for n in names}
    prints = {n: model_fingerprint(n, scorers[n]) for n in names}
    result: dict[str, Any] = {
        "classifiers": names,
        "fingerprints": prints,
        "threshold": cfg.threshold,
        "config": to_dict(cfg),
        "config_hash": config_hash(cfg),
        "command": command,
        "started_at": started,
        "git_commit": git_commit(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, torch threads=1",
        "sets": {},
        "notes": [],
        "wall_s": {},
    }
    for key in cfg.sets:
        t0 = time.perf_counter()
        es: EvalSet = subsample(LOADERS[key](cfg), cfg.limit)
        entry: dict[str, Any] = {
            "source": es.source,
            "n": len(es.texts),
            "labelled": es.labels is not None and bool(es.labels.any()),
            "by_model": {},
        }
        if es.note or not es.texts:
            entry["note"] = es.note or "skipped: no documents"
            print(f"eval: {key}: {entry['note']}", flush=True)
            result["sets"][key] = entry
            continue
        for name, scorer in scorers.items():
            w0 = time.perf_counter()
            p, hit = cached_scores(
                cache,
                name,
                prints[name],
                es.texts,
                lambda s=scorer, t=es.texts, d=f"{name} {key}": score_texts(
                    s, t, cfg.batch, d, progress
                ),
            )
            if entry["labelled"]:
                assert es.labels is not None
                row = labelled_row(es.labels, p, es.groups, cfg)
            else:
                row = unlabelled_row(p, es.groups, cfg)
            row["wall_s"] = time.perf_counter() - w0
            if hit is not None:  # scored by an earlier run: its own time, and when
                row["cached"] = hit
            entry["by_model"][name] = row
        result["sets"][key] = entry
        result["wall_s"][key] = time.perf_counter() - t0
        print(f"eval: {key}: {len(es.texts)} documents, {result['wall_s'][key]:.0f} s", flush=True)
    result["lto"] = {n: read_cv(folder_of(n)) for n in names}
    if cfg.speed_docs > 0:
        t0 = time.perf_counter()
        bd = bench_docs(cfg)
        if bd.note:
            result["speed"] = {"note": bd.note}
            print(f"eval: speed: {bd.note}", flush=True)
        else:
            result["speed"] = {
                "source": bd.source,
                "by_model": {n: speed(n, bd.texts, cfg.batch, progress) for n in names},
            }
        result["wall_s"]["speed"] = time.perf_counter() - t0
    attach_audit_speed(result, cfg.bench_results)
    result["wall_s"]["total"] = time.perf_counter() - t_start
    result["finished_at"] = datetime.now(UTC).isoformat()
    result["reliability_png"] = (
        "reliability.png" if plot_reliability(result, out_dir / "reliability.png") else None
    )
    atomic_write_text(out_dir / "eval.json", json.dumps(result, indent=2) + "\n")
    if write_card:
        write_section(out_dir / "README.md", render_compare(result))
    readable(out_dir)
    return result
