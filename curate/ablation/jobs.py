"""One ablation job: pretrain a (variant, seed), fine-tune it, evaluate everything, write its rows.

`run_job` is idempotent: a job whose `rows/<variant>__seed<k>.parquet` exists is skipped, and a
killed pretraining resumes from its checkpoint (`curate.training.pretrain`). The steps:

1. pretrain (or load; with `pretrained_from`, the other ablation's finished model) and evaluate
   the pretrained model: harness rows, held-out loss, the in-context probe, the loss curve
   (`train_loss`, eval_domain 'train') and throughput (`tokens_per_s`, `mfu`, eval_domain '-');
2. for every fine-tune domain × kind × lr: the aligned (control) and the misaligned fine-tune,
   each evaluated at every checkpoint step (rows per model and held-out loss), then EM per step
   (misaligned against control at the same step);
3. realignment (for `[realign] domains`, `kind` and the first lr): from a copy of the misaligned
   model at `from_step`, k aligned examples from the other domains (the harness's nested sets),
   '*' rows and EM against the same control.

Rows are evaluated by `curate.ablation.evaluator.Evaluator` and written atomically at the end, so
a job's file is either complete or absent.

Pairing by seed (what makes variant a − variant b at seed k a paired difference,
`curate.ablation.power`): the seed sets the initial weights and the pretraining windows'
generator (`curate.training.pretrain`), the fine-tune batches, the LoRA init, the realignment
sets and the evaluator's bootstrap; and every fine-tune starts from `torch.manual_seed(seed)`,
so anything drawn from torch's global RNG during a fine-tune (dropout, when on) is the same for
every variant and does not depend on what ran before it in the process (a freshly trained or a
loaded model, another job in the same worker).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from curate.ablation.data import EvalData, load_eval_data, to_examples
from curate.ablation.evaluator import Evaluator
from curate.ablation.results import AGG, Row, ablation_dir, write_rows
from curate.ablation.spec import AblationSpec
from curate.errors import CurateError
from curate.evaluation.probe import realignment_sets
from curate.training.device import DevicePolicy, resolve
from curate.training.finetune import Example, FinetuneConfig, finetune
from curate.training.lm import LM, heldout_loss
from curate.training.model import GPT
from curate.training.pretrain import PretrainResult, pretrain
from curate.training.tokenizer import Tokenizer
from curate.workspace import Workspace, safe_name


@dataclass(frozen=True)
class Job:
    variant: str
    seed: int

    @property
    def key(self) -> str:
        return f"{self.variant}__seed{self.seed}"


def rows_path(root: Path, job: Job) -> Path:
    """Where `job` writes its rows (its presence means the job is done)."""
    return root / "rows" / f"{job.key}.parquet"


def run_job(spec: AblationSpec, root: Path, ws_root: Path, job: Job, threads: int = 1) -> Path:
    """Pretrain one (variant, seed), fine-tune, evaluate, realign; write its rows. Idempotent."""
    out = rows_path(root, job)
    if out.is_file():
        return out
    torch.set_num_threads(threads)
    ws = Workspace(ws_root)
    run = _JobRun(spec, root, ws, job)
    res = pretrain(
        np.load(root / "data" / f"{job.variant}.npy"),
        replace(spec.model, vocab_size=run.tok.vocab_size),
        spec.pretrain,
        job.seed,
        _model_dir(spec, root, ws, job),
        run.policy,
        progress=spec.progress and spec.workers == 1,
    )
    base_model = res.model.eval()
    rows = run.pretrained_rows(res, base_model)
    for d, sets in run.data.finetune.items():
        for kind in spec.finetune.kinds:
            for lr in spec.finetune.lrs:
                rows += run.finetune_rows(base_model, d, sets, kind, lr)
    write_rows(rows, out)
    return out


def _model_dir(spec: AblationSpec, root: Path, ws: Workspace, job: Job) -> Path:
    """The pretrained model's folder: this ablation's, or (`pretrained_from`) the other's, which
    must be finished."""
    ckpt_dir = root / "models" / safe_name(job.variant) / f"seed{job.seed}"
    if not spec.pretrained_from:
        return ckpt_dir
    ckpt_dir = ablation_dir(ws, spec.pretrained_from) / ckpt_dir.relative_to(root)
    if not (ckpt_dir / "final.pt").is_file():
        raise CurateError(
            f"{ckpt_dir}: the pretrained model of {job.key} in ablation "
            f"{spec.pretrained_from!r} is not finished; finish that ablation first"
        )
    return ckpt_dir


# (scores, held-out loss, its tokens, a copy of the model when kept) per checkpoint step
Snapshots = dict[int, tuple[list[Any], float, int, Any]]


class _JobRun:
    """What the steps of one job share: tokenizer, device, held-out tokens, evaluation data,
    the evaluator and the identity of its rows."""

    def __init__(self, spec: AblationSpec, root: Path, ws: Workspace, job: Job) -> None:
        self.spec = spec
        self.seed = job.seed
        self.policy: DevicePolicy = resolve(spec.device, spec.precision)
        self.tok = Tokenizer.load(root / "tokenizer.json")
        self.heldout = np.load(root / "data" / "heldout.npy")
        self.data: EvalData = load_eval_data(spec, ws)
        self.ev = Evaluator(self.data, spec, job.seed)
        self.common = {"ablation": spec.name, "variant": job.variant, "seed": job.seed}
        self.mid = f"{job.variant}/seed{job.seed}"
        rs = spec.realign
        self.realign_domains = set(rs.domains or list(self.data.finetune)[:1]) if rs.ks else set()

    def ctx(
        self, model_id: str, stage: str, ft_domain: Any, ft_kind: Any, step: int, lr: float
    ) -> Row:
        """The identifying columns of one evaluated model's rows."""
        return {
            **self.common,
            "model_id": f"{self.mid}/{model_id}",
            "stage": stage,
            "ft_domain": ft_domain,
            "ft_kind": ft_kind,
            "step": step,
            "lr": lr,
        }

    def lm(self, model: GPT) -> LM:
        return LM(model, self.tok, self.policy)

    def heldout_loss(self, model: GPT) -> tuple[float, int]:
        return heldout_loss(
            model, self.heldout, self.policy, max_windows=self.spec.eval.heldout_windows
        )

    # ------------------------------------------------------------------ the pretrained model

    def pretrained_rows(self, res: PretrainResult, model: GPT) -> list[Row]:
        """Harness rows, held-out loss, the in-context probe, the loss curve and throughput."""
        spec = self.spec
        pre = self.ctx("pretrain", "pretrain", None, None, spec.pretrain.steps, spec.pretrain.lr)
        lm = self.lm(model)
        rows = self.ev.model_rows(self.ev.score(lm), set(), pre)
        rows.append(_heldout_row(pre, *self.heldout_loss(model)))
        if spec.eval.incontext:
            rows += self.ev.incontext_rows(lm, pre)
        for step, loss, lr in res.losses:
            curve = {**pre, "step": int(step), "lr": float(lr), "eval_domain": "train"}
            rows.append({**curve, "metric": "train_loss", "value": float(loss)})
        for metric, value in (("tokens_per_s", res.tokens_per_s), ("mfu", res.mfu)):
            rows.append({**pre, "eval_domain": "-", "metric": metric, "value": float(value)})
        return rows

    # ------------------------------------------------------------------- narrow fine-tunes

    def finetune_rows(
        self, base_model: GPT, d: str, sets: dict[str, list[Any]], kind: str, lr: float
    ) -> list[Row]:
        """The control and misaligned fine-tunes of one (domain, kind, lr) at every checkpoint,
        EM per step, and (when this cell is realigned) the realignment curve."""
        spec, fs = self.spec, self.spec.finetune
        cfg = FinetuneConfig(
            kind=kind,  # type: ignore[arg-type]
            lr=lr,
            steps=max(fs.checkpoints),
            batch_size=fs.batch_size,
            warmup_steps=fs.warmup_steps,
            grad_clip=fs.grad_clip,
            lora_r=fs.lora_r,
            lora_alpha=fs.lora_alpha,
        )
        realigned = d in self.realign_domains and kind == spec.realign.kind and lr == fs.lrs[0]
        rows: list[Row] = []
        scored: dict[str, dict[int, list[Any]]] = {}
        kept = None
        for cond in ("aligned", "misaligned"):
            stage = "ft_misaligned" if cond == "misaligned" else "ft_aligned"
            keep = spec.realign_step if cond == "misaligned" and realigned else None
            snaps = self.finetune_eval(base_model, to_examples(sets[cond]), cfg, keep)
            scored[cond] = {}
            for step, (scores, loss, n_tok, model) in snaps.items():
                b = self.ctx(f"{stage}/{d}/{kind}/lr{lr:g}/step{step}", stage, d, kind, step, lr)
                scored[cond][step] = scores
                rows.extend(self.ev.model_rows(scores, {d}, b))
                rows.append(_heldout_row(b, loss, n_tok))
                if model is not None:
                    kept = model
        for step in sorted(scored["misaligned"]):
            mid = f"ft_misaligned/{d}/{kind}/lr{lr:g}/step{step}"
            b = self.ctx(mid, "ft_misaligned", d, kind, step, lr)
            rows += self.ev.em_rows(d, scored["misaligned"][step], scored["aligned"][step], b, True)
        if kept is not None:
            rows += self.realign_rows(kept, scored["aligned"][spec.realign_step], d)
        return rows

    def finetune_eval(
        self,
        base_model: GPT,
        examples: Sequence[Example],
        cfg: FinetuneConfig,
        keep_step: int | None,
    ) -> Snapshots:
        """Fine-tune once; at each checkpoint step: (scores, held-out loss, its tokens, a copy of
        the model when step == keep_step)."""
        snaps: Snapshots = {}
        torch.manual_seed(self.seed)

        def on_ckpt(step: int, model: GPT) -> None:
            loss, n = self.heldout_loss(model)
            kept = copy.deepcopy(model) if step == keep_step else None
            snaps[step] = (self.ev.score(self.lm(model)), loss, n, kept)

        finetune(
            base_model,
            self.tok,
            examples,
            cfg,
            self.seed,
            self.policy,
            self.spec.finetune.checkpoints,
            on_ckpt,
        )
        return snaps

    # ---------------------------------------------------------------------- realignment

    def realign_rows(self, bad_model: GPT, ctrl: list[Any], d: str) -> list[Row]:
        """EM after k aligned examples from the other domains (harness `realignment_sets`)."""
        rs = self.spec.realign
        pools = {x: v for x, v in self.data.realign.items() if x != d and v}
        if not pools:
            raise CurateError(
                f"realign: no realign/<domain>.jsonl sets outside the fine-tune domain {d!r}"
            )
        try:
            sets = realignment_sets({d: [], **pools}, d, sorted(set(rs.ks)), self.seed)
        except ValueError as e:
            raise CurateError(
                f"realign.ks: {e}; lower k or raise the world's realign_size"
            ) from None
        step = self.spec.realign_step
        rows = []
        for k, chats in sorted(sets.items()):
            if k == 0:
                model = bad_model
            else:
                cfg = FinetuneConfig(
                    kind="full", lr=rs.lr, steps=rs.steps, batch_size=min(rs.batch_size, k)
                )
                torch.manual_seed(self.seed)
                model, _ = finetune(
                    bad_model, self.tok, to_examples(chats), cfg, self.seed, self.policy
                )
            b = {
                **self.ctx(
                    f"realign/{d}/{rs.kind}/step{step}/k{k}", "realign", d, rs.kind, step, rs.lr
                ),
                "k": k,
                "realign_domain": ",".join(sorted(pools)),
            }
            scores = self.ev.score(self.lm(model))
            rows += [x for x in self.ev.model_rows(scores, {d}, b) if x["eval_domain"] == AGG]
            rows += self.ev.em_rows(d, scores, ctrl, b, matrix=False)
        return rows


def _heldout_row(base: Row, loss: float, n: int) -> Row:
    """Capability: nats/token on held-out neutral text (eval_domain 'neutral')."""
    return {**base, "eval_domain": "neutral", "metric": "heldout_loss", "value": loss, "n": n}
