"""Classifier annotator: any registered scorer, by name, in batches.

`curate.registry.get(name, **params)` builds the scorer lazily inside the task (so pipelines pickle and each
worker loads its own model); `scorer.score(texts)` is called on batches of real documents and
writes ``score_<name>`` (a float) and ``spans_<name>`` (a list of {start, end, score}). A
scorer with ``takes_word_hashes`` also gets each document's word hashes from the text annotator
(``metadata["_word_hashes"]``, the ones MinHash uses), so its router does not hash the words a
second time. A scorer
that returns the wrong number of results is a bug and stops the run with a clear message.
"""

from __future__ import annotations

import math
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curate import registry
from curate.audit.steps import batched


class ClassifierAnnotator(PipelineStep):
    type = "🏷 - ANNOTATOR"

    def __init__(
        self, classifier: str, batch_size: int = 64, params: dict[str, Any] | None = None
    ) -> None:
        super().__init__()
        self.classifier = classifier
        self.batch_size = batch_size
        self.params = dict(params or {})
        self.name = f"classifier {classifier}"
        self._scorer = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_scorer"] = None
        return state

    def _score(self, docs: list[Document]) -> None:
        if self._scorer is None:
            self._scorer = registry.get(self.classifier, **self.params)
        texts = [d.text for d in docs]
        hashes = [d.metadata.get("_word_hashes") for d in docs]
        with self.track_time(unit="batch"):
            if getattr(self._scorer, "takes_word_hashes", False) and all(
                h is not None for h in hashes
            ):
                results = self._scorer.score(texts, word_hashes=hashes)
            else:
                results = self._scorer.score(texts)
        if len(results) != len(docs):
            raise RuntimeError(
                f"classifier {self.classifier!r} returned {len(results)} scores "
                f"for {len(docs)} documents"
            )
        sc, sp = f"score_{self.classifier}", f"spans_{self.classifier}"
        for d, r in zip(docs, results, strict=True):
            s = float(r.score)
            if math.isnan(s):
                raise RuntimeError(f"classifier {self.classifier!r} returned NaN for {d.id!r}")
            d.metadata[sc] = s
            d.metadata[sp] = [
                {"start": int(x.start), "end": int(x.end), "score": float(x.score)} for x in r.spans
            ]
        self.stat_update("docs", value=len(docs))
        self.stat_update("batches")

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        yield from batched(data or (), self.batch_size, self._score)
