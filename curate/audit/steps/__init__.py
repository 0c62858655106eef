"""Annotating blocks: datatrove pipeline steps that add columns and never drop a document.

Every block receives three kinds of Documents from `curate.audit.read.ShardReader`: real documents,
bad records (``metadata["_error"]``) and shard markers (``metadata["_shard_end"]``). Blocks
annotate real documents only and pass the other two through unchanged and in order, so the
audit writer at the end of the pipeline sees exactly what the reader produced.

Annotations go into ``doc.metadata`` under plain keys that become `docs` columns (``n_chars``,
``exact_hash``, ``lex_<category>``, ``score_<name>``, ...) or under ``_minhash`` for the
`signatures` table. The batch blocks (the text annotator: hash, lengths, lexicon, MinHash; a
classifier) use `batched` to work on real documents in batches while yielding every document in
its original order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from datatrove.data import Document


def is_doc(doc: Document) -> bool:
    """True for a real document (not a bad record, not a shard marker)."""
    md = doc.metadata
    return "_error" not in md and "_shard_end" not in md


def batched(
    data: Iterable[Document], size: int, fn: Callable[[list[Document]], None]
) -> Iterator[Document]:
    """Call `fn` on batches of up to `size` real documents; yield every document in order."""
    pending: list[Document] = []
    docs: list[Document] = []
    for d in data:
        pending.append(d)
        if is_doc(d):
            docs.append(d)
            if len(docs) >= size:
                fn(docs)
                yield from pending
                pending, docs = [], []
    if docs:
        fn(docs)
    yield from pending
