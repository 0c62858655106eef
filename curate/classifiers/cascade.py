"""The two-stage malicious-character scorer: windows -> fastText -> MiniLM (+ adapter) + linear head.

Scoring rule (the model card repeats it):

1. **Windows** (`curate.classifiers.windows`). A document is split into paragraphs (blank
   lines); a paragraph longer than `max_chars` is split at sentence ends (or, failing that, at
   the last space) into pieces of at most `max_chars`; a paragraph shorter than `min_chars` is
   merged into the next one. Each window keeps its [start, end) character offsets in the
   original text.
2. **Stage 1.** fastText scores every window of a batch in one `predict` call (raw probability of
   the malicious label). The document's raw score is the **maximum** over its windows. The stage-1
   calibrator (fitted on document-level raw maxima of the calibration split) maps raw scores to
   probabilities; window spans carry calibrated window probabilities, so the stage-1 document
   score equals its highest span score.
3. **Stage 2.** all-MiniLM-L6-v2 (`curate.classifiers.embedder`, with a fine-tuned LoRA adapter
   merged in when `model.json` names one: `curate.classifiers.lora`) embeds a window (normalised mean pooling, e) and a
   linear head scores the recipe's features, a subset of [e, n*e, n, s1, len, s1*len]. With
   several members (`model.json` "stage2.members": adapter + head each, trained on their own
   seed and sample) the window's stage-2 logit is the mean of the members' logits, at one MiniLM
   pass per member. In the features, n = 1 when the window
   contains a negation cue (`features.NEGATION_RE`: not, never, no, n't, rarely, refuse, ...), s1 is the
   window's stage-1 logit (clipped to +-10, divided by 10) and len its length (chars/600, capped). The n*e block lets a linear model learn that negated
   dark content is benign and negated pro-social content is not -- mean-pooled MiniLM embeddings
   alone barely encode stance. The stage-2 calibrator maps the maximum logit over the scored
   windows to a probability. Stage 2 looks at the document's highest stage-1 windows (at most
   `max_windows`).
4. **Cascade** (the routing rule, stated once in `CascadeModel.routing`; evaluation and the
   benches ask `routed`). If the stage-1 probability is >= `cascade_threshold`, the document
   score is the stage-2 probability over the windows whose stage-1 probability is >= the
   threshold (at most `max_windows`, highest first), and those spans carry their stage-2
   probabilities. A document shorter than `cascade_short_chars` (stripped) goes to stage 2
   whatever its stage-1 score, on its top windows: fastText is weakest on one-sentence texts,
   where MiniLM is cheapest. Otherwise the document score is the stage-1 probability, so a
   clean-looking page costs one fastText pass.
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

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from curate.classifiers.embedder import Embedder
from curate.classifiers.features import POS, prep, stage2_features
from curate.classifiers.metrics import apply_calibrator, sigmoid
from curate.classifiers.windows import windows
from curate.errors import CurateError
from curate.files import check_sha256
from curate.paths import classifiers_dir
from curate.registry import DocScore, Span

Mode = Literal["stage1", "stage2", "cascade"]
Routing = Literal["flagged", "short"] | None  # why stage 2 runs on a document, if it does


@dataclass
class WindowScores:
    """Stage-1 result for one document: window offsets and raw fastText probabilities."""

    spans: list[tuple[int, int]]
    raw: np.ndarray  # raw stage-1 probability per window

    @property
    def doc_raw(self) -> float:
        return float(self.raw.max()) if len(self.raw) else 0.0


def verify_folder(folder: Path) -> None:
    """Check a classifier folder's files against its model.json (CurateError naming the file)."""
    path = folder / "model.json"
    if not path.is_file():
        raise CurateError(f"{path}: no trained model here; run `curate classifier train {folder}`")
    where = f"{folder}/model.json"
    try:
        meta = json.loads(path.read_text())
        st2 = meta["stage2"]
        files = [(meta["stage1"]["file"], meta["stage1"].get("sha256"))]
        for m in (st2.get("members") or [st2]) + list(st2.get("short_members") or []):
            if m.get("adapter"):
                files.append((m["adapter"], m.get("adapter_sha256")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise CurateError(
            f"{where}: unreadable or malformed model.json ({type(e).__name__}: {e}); restore the "
            f"classifier folder or retrain with `curate classifier train {folder}`"
        ) from None
    for name, sha in files:
        p = (folder / name).resolve()
        if folder.resolve() not in p.parents or not p.is_file():
            raise CurateError(f"{p}: model file named in {where} is missing or outside {folder}")
        check_sha256(p, sha, where)


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
            try:
                meta = json.loads(path.read_text())
            except (OSError, ValueError) as e:
                raise CurateError(
                    f"{path}: unreadable model.json ({e}); restore the classifier folder or "
                    f"retrain with `curate classifier train {self.folder}`"
                ) from None
        try:
            self._load_meta(meta, embedder)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise CurateError(
                f"{self.folder}/model.json: malformed ({type(e).__name__}: {e}); restore the "
                f"classifier folder or retrain with `curate classifier train {self.folder}`"
            ) from None

    def _load_meta(self, meta: dict[str, Any], embedder: Embedder | None) -> None:
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
        # stage 1 is checked now: a damaged .ftz can crash fastText's loader or score wrongly
        st1 = self.meta["stage1"]
        self._ft_path = self._model_file(st1["file"])
        check_sha256(self._ft_path, st1.get("sha256"), f"{self.folder}/model.json")

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
            import fasttext  # deferred: a compiled extension, loaded only when stage 1 runs

            fasttext.FastText.eprint = lambda *a, **k: None  # silence the load warning
            self._ft = fasttext.load_model(str(self._ft_path))
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
        assert self.cal_short is not None  # checked when the model loads
        return apply_calibrator(self.cal_short, sigmoid(np.asarray(logits, dtype=np.float64)))

    def calibrate2(self, logits: np.ndarray | Sequence[float]) -> np.ndarray:
        return apply_calibrator(self.cal2, sigmoid(np.asarray(logits, dtype=np.float64)))

    def is_short(self, text: str) -> bool:
        """Under `cascade_short_chars` (stripped): the cascade sends it to stage 2 regardless."""
        return len(text.strip()) < self.short_chars

    def routing(self, text: str, doc_p1: float, threshold: float | None = None) -> Routing:
        """The cascade's routing rule, the one statement of it: whether stage 2 runs on this
        document (given its calibrated stage-1 probability), and on which windows.

        "flagged": the document's stage-1 probability is >= the cascade threshold (the model's,
        or `threshold`): stage 2 scores its windows at or over the threshold. "short": a
        non-empty document under `cascade_short_chars` (stripped): stage 2 scores its top
        windows whatever stage 1 said. None: the document keeps its stage-1 score. (Which
        stage-2 route scores a routed document, the members' or the short-document
        specialists', is `uses_short`.)"""
        cut = self.cascade_threshold if threshold is None else threshold
        if doc_p1 >= cut:
            return "flagged"
        if self.is_short(text) and text.strip():
            return "short"
        return None

    def routed(self, text: str, doc_p1: float, threshold: float | None = None) -> bool:
        """Whether the cascade runs stage 2 on this document (given its stage-1 probability), at
        the model's cascade threshold or at `threshold` (bench/world_routing.py asks at two)."""
        return self.routing(text, doc_p1, threshold) is not None

    def stage2_targets(self, ws: WindowScores, p1: np.ndarray | None = None) -> list[int]:
        """The windows stage 2 scores: highest raw stage-1 probability first (ties by position),
        at most `max_windows`; with `p1` (calibrated window probabilities), only those at or over
        the cascade threshold (a document routed as "flagged")."""
        order = sorted(range(len(ws.spans)), key=lambda i: (-ws.raw[i], i))
        if p1 is not None:
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
            why = self.routing(text, dp) if mode == "cascade" else None
            if mode == "stage1" or not ws.spans:
                targets.append([])
            elif mode == "stage2" or why == "short":
                targets.append(self.stage2_targets(ws))
            elif why == "flagged":
                targets.append(self.stage2_targets(ws, p1))
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

    def check(self) -> None:
        """Before an audit starts: model.json readable, every model file present and equal to the
        sha256 it records (cheap: no model is loaded)."""
        verify_folder(self.folder)

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
