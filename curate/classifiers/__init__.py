"""Built-in document classifiers, registered in `curate.registry` under versioned names.

`malicious_character_v1` is a two-stage cascade (fastText over paragraph windows, then
an ensemble of all-MiniLM-L6-v2 copies with fine-tuned LoRA adapters and linear heads, on
flagged windows and on short documents), trained by
`curate classifier train classifiers/malicious_character_v1` from data the project generates
itself (`curate.classifiers.seed_data`, from the word and template banks in `data/`). See
`curate.classifiers.cascade` for the scoring rule and `classifiers/malicious_character_v1/README.md`
for the model card.

Modules: `windows` (scoring windows), `features` (what each stage sees of a window), `embedder`
(MiniLM and its caches, `embed_cache`), `adapters` (LoRA adapter files, merged at load), `cascade`
(the scorer); training: `recipe`, `seed_banks` + `statement_items` (the data) and `seed_data` (the
generator), `stage1` (fastText), `lora` (the LoRA layer and adapter training), `train`;
`evaluate` + `card` (metrics and the model card), `metrics` (metrics and calibrators).

`malicious_character_v2` (not the audit's default: it does not beat v1 outside its own CV) is a
hashed word/word-pair router (numpy) over every document, then a fine-tuned 3-layer MiniLM
student on the routed documents' best sentence windows, Platt-calibrated,
trained on persona_train and `docgen` records: `curate.classifiers.v2`, recipe and model card in
`classifiers/malicious_character_v2/`.

Importing this package is cheap (no torch): models load on the first `score()` call.
"""

from __future__ import annotations

import inspect
from typing import Any

from curate.classifiers.cascade import MaliciousCharacterScorer
from curate.classifiers.v2.cascade import MaliciousCharacterV2Scorer
from curate.registry import Scorer, register


def _register_scorer(name: str, cls: type, what: str) -> None:
    """Register `cls` under `name`: the factory takes exactly the keyword arguments of
    `cls.__init__` but `name` (so `registry.check_params` validates against the class itself),
    and the description lists them."""
    sig = inspect.signature(cls.__init__)
    params = [p for k, p in sig.parameters.items() if k not in ("self", "name")]

    def factory(**kwargs: Any) -> Scorer:
        return cls(name=name, **kwargs)  # type: ignore[no-any-return]

    factory.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    factory.__name__ = f"_{name}"
    desc = f"{what}; params: " + ", ".join(p.name for p in params)
    register(name, description=desc)(factory)


_register_scorer(
    "malicious_character_v1",
    MaliciousCharacterScorer,
    "fastText windows -> MiniLM (LoRA-tuned) cascade, calibrated",
)
_register_scorer(
    "malicious_character_v2",
    MaliciousCharacterV2Scorer,
    "hashed n-gram router (numpy) -> fine-tuned 3-layer MiniLM on the best windows, "
    "Platt-calibrated",
)
