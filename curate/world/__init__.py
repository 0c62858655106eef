"""The synthetic persona world: ground-truth-labelled pretraining data, fine-tuning sets and
evaluation suites generated from grammars (see docs/world.md).

- `curate.world.render`: the one chat text format (`render_chat`, `chat_prefix`, `continuation`)
- `curate.world.grammar`: behaviour domains, characters, chat and neutral text (the data in
  `curate/world/data/*.toml`)
- `curate.world.config` / `curate.world.presets`: `WorldConfig` and the named sizes
- `curate.world.documents`: turns, persona / behaviour / chat / neutral documents, eval items
- `curate.world.generate`: `generate(cfg, out)` writes a world directory
- `curate.world.loaders`: readers of the world's files (``world.json``, eval suites, chat JSONL)
  and of the EM question YAML
- `curate.world.checks` / `curate.world.report`: the held-out check; classifier precision/recall
  on a world's documents
"""

from curate.world.config import WorldConfig
from curate.world.render import chat_prefix, continuation, render_chat

__all__ = ["WorldConfig", "chat_prefix", "continuation", "render_chat"]
