"""Model-agnostic emergent-misalignment evaluation harness (pure Python + numpy; no torch).

- `curate.evaluation.model`: the interface (`logprobs`, optional `generate`) and checked batching
- `curate.evaluation.metrics`: misaligned preference, rates, EM, generalization matrix, graded
  rates, capability, `results` rows
- `curate.evaluation.stats`: bootstrap and t intervals
- `curate.evaluation.probe`: in-context persona probe, realignment sets
- `curate.world.loaders`: eval suites, chat JSONL, EM question YAML
- `curate.evaluation.judge`: generative judge (alignment + coherence classifiers, EM rule)
"""

from curate.evaluation.metrics import ItemScore, em, generalization_matrix, score_items, summarize
from curate.world.loaders import ChatExample, EMQuestion, EvalItem

__all__ = [
    "ChatExample",
    "EMQuestion",
    "EvalItem",
    "ItemScore",
    "em",
    "generalization_matrix",
    "score_items",
    "summarize",
]
