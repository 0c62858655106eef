"""`malicious_character_v2`: a hashed word/word-pair router (stage 1, numpy) over every document,
then a fine-tuned 3-layer MiniLM student (stage 2) on the routed documents' best sentence
windows, Platt-calibrated.

Modules: `windows` (the window rule), `encoder` (the stage-2 network, tokenizer, batched logits),
`export` (the int8 safetensors file), `router` (stage 1: features, scoring, fitting), `calibrate`
(Platt), `cascade` (the routing rule, model loading and verification, the registry's scorer);
training: `recipe` (recipe.toml), `data` (persona_train and generated records), `folds`
(leave-trait-out folds and the leak check), `train` (stage-2 fine-tuning), `distill` (stage 1
from stage 2), `build` (`curate classifier train`), `cv` (`curate classifier cv`).

Importing this package is cheap: torch loads when stage 2 runs or trains (transformers never: `minilm`).
"""
