"""The ablation lab: corpus variants x seeds -> tiny GPTs -> narrow fine-tunes -> EM metrics.

See docs/ablation.md. Submodules: `spec` (the TOML spec), `data` (corpora and eval data of a run),
`jobs` (one pretrain + fine-tune + eval job), `aggregate` (means over seeds, differences),
`run` (the driver), `search` (the policy search), `tables` (EM tables), `report` (HTML + plots).
"""
