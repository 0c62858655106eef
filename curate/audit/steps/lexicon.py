"""Lexicon tagger: counts hits of a versioned cue lexicon, per category and in total.

The lexicon (`curate.audit.lexicons`) compiles to one case-insensitive regex per category; a hit is one
non-overlapping match. Columns: ``lexicon_version``, ``lexicon_hits`` and ``lex_<category>``.
Cheap, transparent and explainable: a weak signal beside the classifier, never a decision.
"""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curate.audit.lexicons import Lexicon, load_lexicon
from curate.audit.steps import is_doc


class LexiconTagger(PipelineStep):
    name = "lexicon tagger"
    type = "🏷 - ANNOTATOR"

    def __init__(self, lexicon: str = "malicious_character_v1") -> None:
        super().__init__()
        self.lexicon_name = lexicon
        self._lex: Lexicon | None = None

    @property
    def lexicon(self) -> Lexicon:
        if self._lex is None:
            self._lex = load_lexicon(self.lexicon_name)
        return self._lex

    def __getstate__(self):  # compiled regexes are rebuilt in each worker
        state = self.__dict__.copy()
        state["_lex"] = None
        return state

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        lex = self.lexicon
        for doc in data or ():
            if is_doc(doc):
                with self.track_time():
                    hits = lex.count(doc.text)
                md = doc.metadata
                md["lexicon_version"] = lex.version
                total = 0
                for cat, n in hits.items():
                    md[f"lex_{cat}"] = n
                    total += n
                md["lexicon_hits"] = total
                self.stat_update("docs")
                if total:
                    self.stat_update("docs_with_hits")
                    self.stat_update("hits", value=total)
            yield doc
