"""MinHash signature step: one signature per document, stored in the `signatures` table.

Calls `curate.minhash.MinHasher(cfg).signatures(texts)` on batches (the batch interface the
near-duplicate issue keeps while replacing its body with a fast kernel) and leaves the row of the
signature matrix in ``metadata["_minhash"]``; the audit writer stores it as ``list<uint32>``.
"""

from __future__ import annotations

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curate.audit.steps import batched
from curate.minhash import MinHashConfig, MinHasher


class MinHashSignature(PipelineStep):
    name = "minhash signature"
    type = "🏷 - ANNOTATOR"

    def __init__(self, cfg: MinHashConfig, batch_size: int = 256) -> None:
        super().__init__()
        self.cfg = cfg
        self.batch_size = batch_size
        self._hasher: MinHasher | None = None

    def _sign(self, docs: list[Document]) -> None:
        if self._hasher is None:
            self._hasher = MinHasher(self.cfg)
        with self.track_time(unit="batch"):
            sigs = self._hasher.signatures([d.text for d in docs])
        for d, s in zip(docs, sigs, strict=True):
            d.metadata["_minhash"] = s
        self.stat_update("docs", value=len(docs))

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        yield from batched(data or (), self.batch_size, self._sign)
