"""`LM`: a trained GPT behind the harness model interface.

`logprobs(contexts, continuations)` returns, per pair, the summed log-probability of the
continuation's tokens given the context and their count. Context and continuation are tokenized
separately and concatenated (so the continuation's tokens are the same whatever the context); an
empty context starts from `<|endoftext|>`, a too-long one loses its oldest tokens. Pairs are
scored in length-sorted, right-padded batches under `torch.no_grad()` and the device policy's
autocast; log-softmax is taken in fp32.

`generate(prompts, max_new_tokens)` samples (temperature > 0, seeded) or decodes greedily and
stops at `<|endoftext|>`. `heldout_loss` is the capability metric: mean next-token loss (nats) on
a token stream, in non-overlapping windows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from curate.training.device import DevicePolicy
from curate.training.model import GPT
from curate.training.tokenizer import Tokenizer


class LM:
    def __init__(
        self, model: GPT, tok: Tokenizer, policy: DevicePolicy, batch_size: int = 64
    ) -> None:
        self.model = model
        self.tok = tok
        self.policy = policy
        self.batch_size = batch_size
        self._cache: dict[str, list[int]] = {}

    def _enc(self, texts: Sequence[str]) -> list[list[int]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for t, ids in zip(missing, self.tok.encode_batch(missing), strict=True):
                self._cache[t] = ids
        return [self._cache[t] for t in texts]

    @torch.no_grad()
    def logprobs(
        self, contexts: Sequence[str], continuations: Sequence[str]
    ) -> list[tuple[float, int]]:
        if len(contexts) != len(continuations):
            raise ValueError("contexts and continuations must have the same length")
        ctx_len = self.model.cfg.ctx
        ctxs, conts = self._enc(contexts), self._enc(continuations)
        seqs = []
        for c, k in zip(ctxs, conts, strict=True):
            c = c or [self.tok.eot_id]
            k = k[:ctx_len]
            full = (c + k)[-(ctx_len + 1) :]
            seqs.append((full, len(k)))
        out: list[tuple[float, int]] = [(0.0, 0)] * len(seqs)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]))
        was_training = self.model.training
        self.model.eval()
        for s in range(0, len(order), self.batch_size):
            chunk = order[s : s + self.batch_size]
            t = max(len(seqs[i][0]) for i in chunk) - 1
            x = torch.full((len(chunk), t), self.tok.pad_id, dtype=torch.long)
            for r, i in enumerate(chunk):
                ids = seqs[i][0][:-1]
                x[r, : len(ids)] = torch.tensor(ids)
            with self.policy.autocast():
                logits, _ = self.model(x.to(self.policy.device))
            lp = F.log_softmax(logits.float(), dim=-1).cpu()
            for r, i in enumerate(chunk):
                full, n = seqs[i]
                if n == 0:
                    out[i] = (0.0, 0)
                    continue
                tgt = torch.tensor(full[-n:])
                pos = torch.arange(len(full) - 1 - n, len(full) - 1)
                out[i] = (float(lp[r, pos, tgt].sum()), n)
        self.model.train(was_training)
        return out

    @torch.no_grad()
    def generate(
        self,
        prompts: Sequence[str],
        max_new_tokens: int = 32,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> list[str]:
        g = torch.Generator().manual_seed(seed)
        ctx_len = self.model.cfg.ctx
        self.model.eval()
        outs = []
        for ids in self._enc(prompts):
            ids = list(ids or [self.tok.eot_id])
            new: list[int] = []
            for _ in range(max_new_tokens):
                x = torch.tensor([ids[-ctx_len:]], device=self.policy.device)
                with self.policy.autocast():
                    logits, _ = self.model(x)
                last = logits[0, -1].float().cpu()
                if temperature > 0:
                    nxt = int(torch.multinomial(F.softmax(last / temperature, -1), 1, generator=g))
                else:
                    nxt = int(last.argmax())
                if nxt == self.tok.eot_id:
                    break
                new.append(nxt)
                ids.append(nxt)
            outs.append(self.tok.decode(new))
        return outs


@torch.no_grad()
def heldout_loss(
    model: GPT, stream: np.ndarray, policy: DevicePolicy, max_windows: int = 256, batch: int = 32
) -> tuple[float, int]:
    """Mean next-token loss (nats/token) over up to `max_windows` disjoint windows; (loss, n_tokens)."""
    ctx = model.cfg.ctx
    data = torch.from_numpy(np.asarray(stream, dtype=np.int64))
    n_win = min(max_windows, (data.numel() - 1) // ctx)
    if n_win < 1:
        return float("nan"), 0
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for s in range(0, n_win, batch):
        rows = range(s, min(n_win, s + batch))
        x = torch.stack([data[r * ctx : r * ctx + ctx] for r in rows])
        y = torch.stack([data[r * ctx + 1 : r * ctx + ctx + 1] for r in rows])
        with policy.autocast():
            logits, _ = model(x.to(policy.device))
        loss = F.cross_entropy(
            logits.float().reshape(-1, logits.size(-1)),
            y.reshape(-1).to(policy.device),
            reduction="sum",
        )
        total += float(loss)
        count += y.numel()
    model.train(was_training)
    return total / count, count
