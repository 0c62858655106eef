"""The ablation lab: corpus variants x seeds -> tiny GPTs -> narrow fine-tunes -> EM metrics.

See docs/ablation.md. Submodules, in the order of the flow:

- `spec`: the TOML spec (dataclasses, parsing, validation, the spec's keys);
- `data`: the [world]/[audit]/[build] steps, the variants' texts and token files, eval data;
- `jobs`: one (variant, seed) job: pretrain, fine-tunes, evaluation, realignment rows;
- `evaluator`: harness scores of a job's models as `results` rows;
- `aggregate`: pooling over fine-tune domains, means over seeds, differences, verdicts;
- `results`: the `results` columns, the ablation folder, reading and writing rows;
- `pool`: the one worker pool for the (variant, seed) jobs of one or several ablations;
- `run`: the driver (`curate ablate`): locks, the pool, store, manifest, report; several
  ablations on one pool (`run_ablations`);
- `power`: pairing by seed, the `[power]` pre-registration, the observed paired difference
  (`curate power`);
- `sweep`: one ablation per grid point of `[sweep.axes]`, all jobs on one pool (`curate sweep`);
- `grid`, `search`, `selection`, `tables`: the policy search (`curate search`) and the EM tables
  (`curate em-table`);
- `report`: figures and the self-contained HTML pages.
"""
