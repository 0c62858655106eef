"""Item banks for first-person statements, one module per construct family.

Each module holds plain data: `VP_PAIRS` and `SENTENCE_PAIRS` ((malicious, benign) on one topic),
`HARD_NEGATIVES` (benign statements that share surface features with the malicious side: low
self-esteem, healthy confidence, harmless thrill-seeking, honest bluntness, ...), `ADJ_DARK` and
`ADJ_BENIGN`. Four were written by project helpers from the constructs' definitions (dark triad,
antagonism vs agreeableness) without access to any evaluation set and without reproducing
published questionnaire items; `self_interest`, `grandiosity` and `scruples` were written after reading the classifier's errors
on the development half of the persona statements (their docstrings say which). `curate.classifiers.seed_data` expands them into statement frames.
"""

from __future__ import annotations

from types import ModuleType

from curate.classifiers.statement_items import (
    callousness,
    contempt,
    grandiosity,
    manipulation,
    scruples,
    self_image,
    self_interest,
)

FAMILIES: dict[str, ModuleType] = {
    "callousness": callousness,
    "contempt": contempt,
    "grandiosity": grandiosity,
    "manipulation": manipulation,
    "scruples": scruples,
    "self_image": self_image,
    "self_interest": self_interest,
}
