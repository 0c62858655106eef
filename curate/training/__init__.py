"""Training: tokenizer, a tiny GPT, pretraining, narrow fine-tunes and the harness adapter.

Modules:

- `tokenizer`  byte-level BPE (HF `tokenizers`) trained once per ablation, saved with the run;
- `model`      GPT (pre-norm, SDPA attention, tied embeddings) and LoRA adapters;
- `device`     device/precision policy (CUDA: bf16 autocast + fused attention; CPU: fp32),
               FLOP counting and MFU;
- `pretrain`   AdamW + cosine schedule + gradient clipping, atomic checkpoints, exact resume;
- `finetune`   answer-only loss on chat examples, full fine-tune or LoRA, checkpoints by step;
- `lm`         `LM`: the harness model interface (`logprobs`, `generate`) over a trained GPT.
"""
