"""`curate classifier train|eval|predict|list|cache`.

- ``train FOLDER``: regenerate the seed data and rebuild the artifact from `FOLDER/recipe.toml`
  (v1: deterministic, same recipe, same bytes; a v2 recipe, `kind = "cascade-v2"`, runs
  `curate.classifiers.v2.build`; ``--smoke --out DIR`` runs its [smoke] overrides).
- ``cv FOLDER``: a v2 recipe's leave-trait-out CV (per-trait AUROC with 95% bootstrap CIs).
- ``eval FOLDER``: metric tables for stage 1, stage 2 and the cascade on the held-out split and,
  when present, the persona statements; printed and written into `FOLDER/README.md`.
  ``eval NAME --baseline OTHER [--config TOML]``: the side-by-side card (`classifiers.compare`).
- ``predict NAME FILE``: score a JSONL (``--text-field``) or plain-text file (one document per
  line) with a registered classifier and print the documents, highest score first.
- ``list``: the registered classifiers.
- ``cache [--prune]``: the development cache of MiniLM vectors (`CURATE_EMBED_CACHE=1`): each
  file, its size and the classifiers that use it; ``--prune`` deletes the files none uses.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from curate import jsonl, registry
from curate.classifiers.card import render, write_into_card
from curate.classifiers.compare import compare, rerender
from curate.classifiers.compare_card import render_compare
from curate.classifiers.embed_cache import (
    cache_dir,
    classifier_folders,
    ids_in_use,
    list_cache,
    prune,
)
from curate.classifiers.eval_sets import load_config
from curate.classifiers.evaluate import evaluate
from curate.classifiers.recipe import load_recipe
from curate.classifiers.train import train
from curate.classifiers.v2.build import train_v2
from curate.classifiers.v2.cv import report as cv_report
from curate.classifiers.v2.cv import run_cv
from curate.classifiers.v2.recipe import KIND as V2_KIND
from curate.classifiers.v2.recipe import recipe_kind
from curate.errors import CurateError
from curate.paths import classifiers_dir


def _folder(arg: str) -> Path:
    """A classifier folder, or a registered name resolved to classifiers/<name>."""
    p = Path(arg)
    if p.is_dir() or p.suffix == ".toml":
        return p
    cand = classifiers_dir() / arg
    if cand.is_dir():
        return cand
    raise CurateError(
        f"{arg}: not a classifier folder; pass e.g. classifiers/malicious_character_v2"
    )


def _cmd_train(args: argparse.Namespace) -> int:
    folder = _folder(args.folder)
    if recipe_kind(folder) == V2_KIND:
        m = train_v2(folder, out=args.out, smoke=args.smoke, stage1_only=args.stage1_only)
    elif args.smoke or args.out or args.stage1_only:
        raise CurateError(
            f"{folder}: --smoke, --out and --stage1-only are for v2 recipes (kind = {V2_KIND!r})"
        )
    else:
        m = train(folder)
    print(json.dumps({"artifacts": m["artifacts"], "counts": m["counts"]}, indent=2))
    return 0


def _cmd_cv(args: argparse.Namespace) -> int:
    folder = _folder(args.folder)
    if recipe_kind(folder) != V2_KIND:
        raise CurateError(
            f"{folder}: `cv` runs leave-trait-out CV of v2 recipes (kind = {V2_KIND!r})"
        )
    print(cv_report(run_cv(folder, smoke=args.smoke, out=args.out)), end="")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    if args.compare or args.baseline or args.config or args.out or args.cache:
        return _cmd_eval_compare(args)
    folder = _folder(args.folder)
    if not _v1_recipe(folder):  # the held-out tables need a v1-style recipe; others compare
        return _cmd_eval_compare(args)
    if args.render_only:
        path = folder / "metrics.json"
        if not path.is_file():
            raise CurateError(f"{path}: no metrics yet; run `curate classifier eval {folder}`")
        result = json.loads(path.read_text())
        write_into_card(folder / "README.md", render(result))
    else:
        result = evaluate(folder, write_card=not args.no_card)
    print(render(result))
    return 0


def _v1_recipe(folder: Path) -> bool:
    """Whether `folder` has a recipe the held-out eval (`classifiers.evaluate`) can read."""
    try:
        load_recipe(folder)
    except CurateError:
        return False
    return True


def _cmd_eval_compare(args: argparse.Namespace) -> int:
    """The side-by-side card: FOLDER's classifier and each --baseline, every set of the config."""
    name = Path(args.folder).name if Path(args.folder).is_dir() else args.folder
    out = Path(args.out) if args.out else classifiers_dir() / name
    if args.render_only:
        path = out / "eval.json"
        if not path.is_file():
            raise CurateError(f"{path}: no eval yet; run it without --render-only")
        result = rerender(out)
    else:
        cfg = load_config(args.config)
        command = " ".join(
            ["curate classifier eval", args.folder]
            + [f"--baseline {b}" for b in args.baseline]
            + ([f"--config {args.config}"] if args.config else [])
            + ([f"--cache {args.cache}"] if args.cache else [])
        )
        result = compare(
            [name, *args.baseline],
            cfg,
            out=out,
            write_card=not args.no_card,
            progress=not args.no_progress,
            command=command,
            cache=Path(args.cache) if args.cache else None,
        )
    print(render_compare(result))
    return 0


def read_docs(path: Path, text_field: str, id_field: str) -> list[tuple[str, str]]:
    """(id, text) pairs from a JSONL/JSONL.gz file or a plain-text file (one document per line)."""
    if not path.is_file():
        raise CurateError(f"{path}: file not found")
    if ".jsonl" not in path.suffixes and ".json" not in path.suffixes:
        with jsonl.open_text(path) as f:
            return [(f"line{i}", line.rstrip("\n")) for i, line in enumerate(f, 1) if line.strip()]
    out: list[tuple[str, str]] = []
    for lineno, rec in jsonl.records(path):
        if not isinstance(rec.get(text_field), str):
            raise CurateError(
                f"{path}:{lineno}: no string field {text_field!r} (fields: "
                f"{', '.join(sorted(rec))}); choose one with --text-field"
            )
        out.append((str(rec.get(id_field, f"line{lineno}")), rec[text_field]))
    return out


def _cmd_predict(args: argparse.Namespace) -> int:
    scorer: Any = registry.get(args.name, where="curate classifier predict")
    if args.mode != "cascade" or args.cascade_threshold is not None:
        params: dict[str, Any] = {"mode": args.mode}
        if args.cascade_threshold is not None:
            params["cascade_threshold"] = args.cascade_threshold
        scorer = registry.get(args.name, where="curate classifier predict", **params)
    docs = read_docs(Path(args.file), args.text_field, args.id_field)
    scores = []
    for i in range(0, len(docs), 256):
        scores.extend(scorer.score([t for _, t in docs[i : i + 256]]))
    order = sorted(range(len(docs)), key=lambda i: (-scores[i].score, i))
    if args.top:
        order = order[: args.top]
    if args.format == "jsonl":
        for i in order:
            d = scores[i]
            print(
                json.dumps(
                    {
                        "id": docs[i][0],
                        "score": d.score,
                        "spans": [[s.start, s.end, s.score] for s in d.spans],
                    }
                )
            )
        return 0
    for i in order:
        doc_id, text = docs[i]
        d = scores[i]
        best = max(d.spans, key=lambda s: s.score, default=None)
        snippet = text[best.start : best.end] if best else text
        snippet = " ".join(snippet.split())
        if len(snippet) > 110:
            snippet = snippet[:107] + "..."
        print(f"{d.score:.3f}  {doc_id}  [{len(d.spans)} windows]  {snippet}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    for e in registry.entries():
        print(f"{e.name}\t{e.description}")
    return 0


def _cmd_cache(args: argparse.Namespace) -> int:
    folder = Path(args.dir) if args.dir else cache_dir()
    wheres = [Path(c) for c in args.classifiers] or [classifiers_dir()]
    folders = [f for w in wheres for f in classifier_folders(w)]
    if args.prune and not folders:
        raise CurateError(
            f"no model.json under {', '.join(map(str, wheres))}: --prune would delete every "
            "adapter's cache; pass --classifiers with the folder(s) of the classifiers to keep"
        )
    used = ids_in_use(folders)
    files = list_cache(folder, used)
    if not files:
        print(f"{folder}: no cached embeddings")
        return 0
    for f in files:
        old = f.cache_id == "old layout"
        who = ", ".join(f.users) or ("unused (old layout)" if old else "unused")
        print(f"{f.size / 1e6:8.1f} MB  {f.path.name}  {who}")
    kept = ", ".join(f.name for f in folders) or "none"
    if args.prune:
        gone = prune(folder, used)
        mb = sum(f.size for f in gone) / 1e6
        print(f"deleted {len(gone)} unused file(s), {mb:.1f} MB (kept for: {kept})")
        return 0
    unused = [f for f in files if not f.users]
    mb = sum(f.size for f in unused) / 1e6
    if unused:
        print(
            f"{len(unused)} unused file(s), {mb:.1f} MB, counting the classifiers {kept}: "
            "`curate classifier cache --prune` deletes them"
        )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("classifier", help="train, evaluate and run document classifiers")
    csub = p.add_subparsers(dest="classifier_command", metavar="SUBCOMMAND")
    csub.required = True

    t = csub.add_parser("train", help="regenerate seed data and rebuild a classifier's artifact")
    t.add_argument("folder", help="classifier folder, e.g. classifiers/malicious_character_v2")
    t.add_argument(
        "--smoke", action="store_true", help="v2: a tiny run of the recipe's [smoke] overrides"
    )
    t.add_argument("--out", default=None, help="v2: write the model here (default: the folder)")
    t.add_argument(
        "--stage1-only",
        action="store_true",
        help="v2: keep the --out folder's stage 2 (sha256-checked) and redistill stage 1 from it",
    )
    t.set_defaults(func=_cmd_train)

    cv = csub.add_parser("cv", help="v2: leave-trait-out CV, per-trait AUROC with 95%% CIs")
    cv.add_argument("folder", help="classifier folder, e.g. classifiers/malicious_character_v2")
    cv.add_argument("--smoke", action="store_true", help="a tiny run of the [smoke] overrides")
    cv.add_argument("--out", default=None, help="output folder (default: FOLDER/<[cv] out>)")
    cv.set_defaults(func=_cmd_cv)

    e = csub.add_parser("eval", help="measure stage 1, stage 2 and cascade; update the model card")
    e.add_argument("folder", help="classifier folder, e.g. classifiers/malicious_character_v1")
    e.add_argument("--no-card", action="store_true", help="print only; leave README.md alone")
    e.add_argument(
        "--render-only",
        action="store_true",
        help="re-render the card's tables from the last run's metrics.json (eval.json with "
        "--baseline; no scoring)",
    )
    e.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="NAME",
        help="side-by-side card: also score this registered classifier (repeatable); writes "
        "eval.json, eval_config.toml, reliability.png and README.md's generated section",
    )
    e.add_argument(
        "--compare",
        action="store_true",
        help="the side-by-side card's sets even with no --baseline (implied by --baseline, "
        "--config, --out and --cache)",
    )
    e.add_argument("--config", default=None, help="side-by-side eval config TOML (EvalConfig)")
    e.add_argument("--out", default=None, help="side-by-side outputs (default: classifiers/NAME)")
    e.add_argument("--no-progress", action="store_true", help="no progress bars")
    e.add_argument(
        "--cache",
        default=None,
        metavar="DIR",
        help="side-by-side: keep each model's scores per set here and reuse them while the "
        "model's files and the texts are unchanged (development)",
    )
    e.set_defaults(func=_cmd_eval)

    pr = csub.add_parser("predict", help="score a JSONL or text file for quick inspection")
    pr.add_argument("name", help="registered classifier name, e.g. malicious_character_v2")
    pr.add_argument("file", help="JSONL (.jsonl/.jsonl.gz) or text file (one document per line)")
    pr.add_argument("--text-field", default="text")
    pr.add_argument("--id-field", default="id")
    pr.add_argument("--top", type=int, default=0, help="print only the N highest-scoring documents")
    pr.add_argument("--mode", choices=["cascade", "stage1", "stage2"], default="cascade")
    pr.add_argument("--cascade-threshold", type=float, default=None)
    pr.add_argument("--format", choices=["table", "jsonl"], default="table")
    pr.set_defaults(func=_cmd_predict)

    ls = csub.add_parser("list", help="list registered classifiers")
    ls.set_defaults(func=_cmd_list)

    c = csub.add_parser("cache", help="list (or --prune) the development cache of MiniLM vectors")
    c.add_argument("--prune", action="store_true", help="delete files no classifier uses")
    c.add_argument("--dir", default=None, help="cache folder (default: $CURATE_CACHE/embeddings)")
    c.add_argument(
        "--classifiers",
        action="append",
        default=[],
        help="a classifier folder, or a folder of them, whose caches are kept (repeatable; "
        "default: the checkout's classifiers/)",
    )
    c.set_defaults(func=_cmd_cache)
