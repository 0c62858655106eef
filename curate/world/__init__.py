"""The synthetic persona world: ground-truth-labelled pretraining data, fine-tuning sets and
evaluation suites generated from grammars (see docs/world.md).

- `curate.world.render`: the one chat text format (`render_chat`, `chat_prefix`, `continuation`)
- `curate.world.grammar`: behaviour domains, characters, chat and neutral text
- `curate.world.config` / `curate.world.presets`: `WorldConfig` and the named sizes
- `curate.world.generate`: `generate(cfg, out)` writes a world directory
"""

from curate.world.config import WorldConfig
from curate.world.render import chat_prefix, continuation, render_chat

__all__ = ["WorldConfig", "chat_prefix", "continuation", "render_chat"]
