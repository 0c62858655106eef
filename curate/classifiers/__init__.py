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

`malicious_character_v2` (not the audit's default: it does not beat v1 outside its own CV) is a fastText router over sentence-packed
windows, then a fine-tuned 3-layer MiniLM student on the routed windows, Platt-calibrated,
trained on persona_train and `docgen` records: `curate.classifiers.v2`, recipe and model card in
`classifiers/malicious_character_v2/`.

Importing this package is cheap (no torch): models load on the first `score()` call.
"""

from __future__ import annotations

from curate.classifiers.cascade import MaliciousCharacterScorer
from curate.classifiers.v2.cascade import MaliciousCharacterV2Scorer
from curate.registry import Scorer, register


@register(
    "malicious_character_v1",
    description="fastText windows -> MiniLM (LoRA-tuned) cascade, calibrated; "
    "params: mode=cascade|stage1|stage2, cascade_threshold, short_chars, stage2_members, folder",
)
def _malicious_character_v1(
    mode: str = "cascade",
    cascade_threshold: float | None = None,
    short_chars: int | None = None,
    stage2_members: int | None = None,
    folder: str | None = None,
) -> Scorer:
    return MaliciousCharacterScorer(
        name="malicious_character_v1",
        folder=folder,
        mode=mode,  # type: ignore[arg-type]  # checked by the scorer
        cascade_threshold=cascade_threshold,
        short_chars=short_chars,
        stage2_members=stage2_members,
    )


@register(
    "malicious_character_v2",
    description="fastText router over sentence windows -> fine-tuned 3-layer MiniLM, "
    "Platt-calibrated; params: mode=cascade|stage1|stage2, cascade_threshold, short_chars, "
    "top_windows, batch_size, device, precision=fp32|int8, folder",
)
def _malicious_character_v2(
    mode: str = "cascade",
    cascade_threshold: float | None = None,
    short_chars: int | None = None,
    top_windows: int | None = None,
    batch_size: int | None = None,
    device: str | None = None,
    precision: str = "fp32",
    folder: str | None = None,
) -> Scorer:
    return MaliciousCharacterV2Scorer(
        name="malicious_character_v2",
        folder=folder,
        mode=mode,  # type: ignore[arg-type]  # checked by the scorer
        cascade_threshold=cascade_threshold,
        short_chars=short_chars,
        top_windows=top_windows,
        batch_size=batch_size,
        device=device,
        precision=precision,
    )
