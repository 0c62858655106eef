"""`malicious_character_v2`: a fastText router (stage 1) over sentence-packed windows, then a
fine-tuned 3-layer MiniLM student (stage 2, int8) on the routed windows, Platt-calibrated.

Modules: `windows` (the window rule), `encoder` (the stage-2 network, tokenizer, batched logits),
`export` (the int8 safetensors file), `stage1` (fastText distillation and scoring), `calibrate`
(Platt), `cascade` (the routing rule, model loading and verification, the registry's scorer);
training: `recipe` (recipe.toml), `data` (persona_train and generated records), `folds`
(leave-trait-out folds and the leak check), `train` (stage-2 fine-tuning), `distill` (stage 1
from stage 2), `build` (`curate classifier train`), `cv` (`curate classifier cv`).

Importing this package is cheap: torch, transformers and fastText load when a model is used.
"""
