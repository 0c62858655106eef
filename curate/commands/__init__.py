"""CLI command modules. Each module exposes `register(subparsers)` and may expose
`SPEC_KINDS: dict[str, Callable[[dict, pathlib.Path], int]]` mapping a pipeline spec's `kind`
to a function that runs it (used by `curate run SPEC.toml`)."""

MODULES = (
    "curate.commands.audit",  # audit, query, summary (+ spec kind "audit")
    "curate.commands.dedup",  # dedup
    "curate.commands.classifier",  # classifier train|eval|predict|list
    "curate.commands.build",  # build, diff
    "curate.commands.world",  # world generate, world report
    "curate.commands.ablate",  # ablate, report
    "curate.commands.search",  # search (+ spec kind "policy_search"), em-table
    "curate.commands.demo",  # demo (end to end on bundled data)
)
