"""Text annotator: exact hash, lengths, lexicon hits and MinHash signature, in batches.

The per-document columns every audit row has, computed together because they share one view of
the text: `curate.text.word_codes` turns a chunk of documents (about
`curate.minhash.CHUNK_CHARS` characters, ASCII and non-ASCII documents apart) into one array of
lower-cased word characters with 0 for everything else. From it, with numpy over the whole chunk:

- ``exact_hash``: each document's normalized text, read off the array (each word and the one
  separator after it kept, `curate.text.normalized_from_codes`), hashed with xxh64: equal to
  `curate.text.exact_hash`;
- ``n_words`` of ASCII documents (``len(text.split())``) by counting word starts in one
  translated copy of the chunk; ``n_chars``, ``n_bytes``, ``n_lines`` per document (one C call
  each);
- the words' 64-bit hashes (`curate.minhash.word_hashes`), from which the lexicon finds each
  document's gate words in one lookup (`Lexicon.count_ascii`: ``lexicon_version``,
  ``lexicon_hits``, ``lex_<category>``; non-ASCII documents go through `Lexicon.count`) and the
  MinHash step its shingles (``metadata["_minhash"]``: the document's row of the chunk's
  signature matrix, stored as ``list<uint32>`` by the audit writer);
- with ``keep_word_hashes`` (an audit with classifiers), each document's word hashes
  (``metadata["_word_hashes"]``, a view of the chunk's array; never written) for a classifier
  whose router hashes the same words (`curate.classifiers.v2.router`).

Every value equals the per-document definition (property-tested against it). Bad records and
shard markers pass through untouched, in order (`batched`).
"""

from __future__ import annotations

import numpy as np
import xxhash
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curate.audit.lexicons import Lexicon, load_lexicon
from curate.audit.steps import batched
from curate.minhash import CHUNK_CHARS, MinHashConfig, MinHasher, char_chunks, word_hashes
from curate.text import ascii_word_counts, normalized_from_codes, word_codes, word_spans


class TextAnnotator(PipelineStep):
    name = "text annotator (hash, lengths, lexicon, minhash)"
    type = "🏷 - ANNOTATOR"

    def __init__(
        self,
        lexicon: str | None = "malicious_character_v1",
        minhash: MinHashConfig | None = None,
        batch_size: int = 256,
        keep_word_hashes: bool = False,
    ) -> None:
        super().__init__()
        self.keep_word_hashes = keep_word_hashes
        self.lexicon_name = lexicon
        self.minhash_cfg = minhash
        self.batch_size = batch_size
        self._lex: Lexicon | None = None
        self._hasher: MinHasher | None = None

    def __getstate__(self):  # compiled regexes and tables are rebuilt in each worker
        state = self.__dict__.copy()
        state["_lex"] = None
        state["_hasher"] = None
        return state

    def _setup(self) -> None:
        if self.lexicon_name and self._lex is None:
            self._lex = load_lexicon(self.lexicon_name)
        if self.minhash_cfg is not None and self._hasher is None:
            self._hasher = MinHasher(self.minhash_cfg)

    def _annotate(self, docs: list[Document]) -> None:
        self._setup()
        texts = [d.text for d in docs]
        is_ascii = np.fromiter((t.isascii() for t in texts), dtype=bool, count=len(texts))
        with self.track_time(unit="batch"):
            for group, ascii_ in (
                (np.flatnonzero(is_ascii), True),
                (np.flatnonzero(~is_ascii), False),
            ):
                for idx in char_chunks(texts, group, CHUNK_CHARS):
                    self._chunk([docs[i] for i in idx.tolist()], ascii_)
        self.stat_update("docs", value=len(docs))
        self.stat_update("chars", value=sum(map(len, texts)))

    def _chunk(self, docs: list[Document], ascii_: bool) -> None:
        texts = [d.text for d in docs]
        lens = [len(t) for t in texts]
        if ascii_:
            joined = " ".join(texts).encode("ascii")
            codes, starts = word_codes(texts, joined)
            n_words = ascii_word_counts(joined, starts, lens)
        else:
            codes, starts = word_codes(texts)
            n_words = [len(t.split()) for t in texts]
        spans = word_spans(codes, starts)
        norms = normalized_from_codes(codes, starts, spans)
        lex, hasher = self._lex, self._hasher
        counts = sigs = None
        words = None
        if lex is not None or hasher is not None or self.keep_word_hashes:
            wh, wdoc = word_hashes(codes, starts, spans)
            if self.keep_word_hashes:
                words = np.zeros(len(texts) + 1, dtype=np.int64)
                np.cumsum(np.bincount(wdoc, minlength=len(texts)), out=words[1:])
            if lex is not None:
                if ascii_:
                    counts = lex.count_ascii(texts, norms, codes, spans[0], wh, wdoc)
                else:
                    counts = [tuple(lex.count(t).values()) for t in texts]
            if hasher is not None:
                sigs = hasher.sign_words(wh, wdoc, len(texts))
        h = xxhash.xxh64_hexdigest
        cols = [f"lex_{c}" for c in lex.categories] if lex is not None else []
        with_hits = hits = 0
        for k, (d, t) in enumerate(zip(docs, texts, strict=True)):
            md = d.metadata
            n = lens[k]
            md["n_chars"] = n
            md["n_bytes"] = n if ascii_ else len(t.encode("utf-8"))
            md["n_words"] = n_words[k]
            md["n_lines"] = t.count("\n") + 1 if t else 0
            md["exact_hash"] = h(norms[k])
            if counts is not None:
                md["lexicon_version"] = lex.version
                c = counts[k]
                md.update(zip(cols, c, strict=True))
                total = sum(c)
                md["lexicon_hits"] = total
                if total:
                    with_hits += 1
                    hits += total
            if sigs is not None:
                md["_minhash"] = sigs[k]
            if words is not None:
                md["_word_hashes"] = wh[words[k] : words[k + 1]]
        if with_hits:
            self.stat_update("docs_with_hits", value=with_hits)
            self.stat_update("hits", value=hits)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        yield from batched(data or (), self.batch_size, self._annotate)
