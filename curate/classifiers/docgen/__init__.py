"""The v2 classifier's training-data generator: `generate` (records) over `template` (the
template language) and `data/*.toml` (the vocabulary)."""

from curate.classifiers.docgen.generate import DEFAULTS, generate, validate

__all__ = ["DEFAULTS", "generate", "validate"]
