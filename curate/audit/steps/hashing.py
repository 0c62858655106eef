"""Exact hash and lengths: the cheap columns every audit row has.

``exact_hash`` is `curate.text.exact_hash` (xxh64 of the normalized text), so documents that
differ only in case, punctuation or spacing share a hash. Lengths: characters, UTF-8 bytes,
whitespace-separated words and lines (``text.count("\\n") + 1`` for a non-empty text, else 0).
"""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curate.audit.steps import is_doc
from curate.text import exact_hash


class HashLengths(PipelineStep):
    name = "exact hash + lengths"
    type = "🏷 - ANNOTATOR"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        for doc in data or ():
            if is_doc(doc):
                with self.track_time():
                    t = doc.text
                    md = doc.metadata
                    md["n_chars"] = len(t)
                    md["n_bytes"] = len(t.encode("utf-8"))
                    md["n_words"] = len(t.split())
                    md["n_lines"] = t.count("\n") + 1 if t else 0
                    md["exact_hash"] = exact_hash(t)
                self.stat_update("docs")
                self.stat_update("chars", value=md["n_chars"])
            yield doc
