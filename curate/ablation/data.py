"""What an ablation trains and evaluates on: the inputs steps, the variants' texts and tokens, and
the world's fine-tuning, realignment, evaluation and probe sets.

1. `prepare_inputs`: the optional [world], [audit] and [build] steps (the other modules' own
   functions, in-process); a world is reused only when its `world.json` matches the config and
   the generator version;
2. `prepare_tokens`: a byte-level BPE tokenizer trained once on the union of the variants
   (deduplicated texts, spec order; `ablations/<name>/tokenizer.json`), every variant tokenized
   once into `ablations/<name>/data/<variant>.npy`, and the held-out neutral text into
   `data/heldout.npy`; with `pretrained_from`, the other ablation's tokenizer and token files;
3. `load_eval_data`: the sets every job uses (`EvalData`), read with the harness loaders.

A variant's corpus is a built (corpus, variant) of the workspace or shard paths
(`variant_files`); `iter_texts` streams its texts (JSONL, JSONL.gz or Parquet).
"""

from __future__ import annotations

import glob
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from curate import jsonl
from curate.ablation.results import ablation_dir
from curate.ablation.spec import AblationSpec, VariantSpec, pretrain_key, rel, world_config
from curate.audit.run import resolve_config, run_audit
from curate.building import build_corpora
from curate.errors import ConfigError, CurateError, unknown_name
from curate.files import atomic_path
from curate.training import tokenizer as tk
from curate.training.finetune import Example
from curate.workspace import Workspace
from curate.world import generate as world_generate
from curate.world.loaders import load_chat_jsonl, load_eval_suite
from curate.world.render import continuation


def say(msg: str) -> None:
    """A progress line of an ablation."""
    print(f"[ablate] {msg}", flush=True)


# --------------------------------------------------------------------------- the inputs steps


def ensure_world(
    wcfg: Any, out: Path, progress: bool, reused: str, making: str, log: Callable[[str], None]
) -> bool:
    """Generate the world of `wcfg` into `out` unless the one there has this config's hash and
    the current generator version; says `reused` or `making` (+ why); True when generated."""
    why = world_generate.stale_reason(out, wcfg)
    if why is None:
        log(reused)
        return False
    log(f"{making} ({why})")
    world_generate.generate(wcfg, out, overwrite=True, progress=progress)
    return True


def prepare_inputs(spec: AblationSpec, spec_dir: Path, ws: Workspace) -> dict[str, Any]:
    """Run the optional [world], [audit] and [build] steps; returns what they reported."""
    info: dict[str, Any] = {}
    if spec.world is not None:
        out = ws.output_path(spec.world.out, f"{spec.name} [world] out")
        wcfg, preset = world_config(spec.world, spec_dir, f"{spec.name} [world]")
        reused = f"world: reusing {out}"
        making = f"world: generating {preset or 'custom'} world into {out}"
        ensure_world(wcfg, out, spec.progress, reused, making, say)
        info["world"] = str(out)
    if spec.audit is not None:
        data = dict(spec.audit)
        data.setdefault("workspace", str(ws.root))
        inputs = dict(data.get("inputs", {}))
        if not inputs.get("paths"):
            if spec.world is None:
                raise ConfigError("[audit] inputs.paths: required when there is no [world]")
            inputs["paths"] = [str(ws.root / spec.world.out / "pretrain")]
        data["inputs"] = inputs
        data.setdefault("progress", spec.progress)
        acfg = resolve_config(data, ws.root, f"{spec.name} [audit]")
        info["audit_run"] = run_audit(acfg, f"{spec.name} [audit]", log=say).run_id
    if spec.build is not None:
        policy_path = rel(spec.build.policy, spec_dir)
        say(f"build: {policy_path}")
        res = build_corpora(
            ws, policy_path, run=info.get("audit_run", ""), progress=spec.progress, log=say
        )
        info["build"] = str(getattr(res, "corpus", res))
    return info


# ------------------------------------------------------------------------- variants' texts


def expand_paths(patterns: Sequence[str], base: Path) -> list[Path]:
    """Files named by `patterns` (files, globs or folders; relative to `base`), sorted."""
    files: list[Path] = []
    for pat in patterns:
        q = rel(pat, base)
        if q.is_dir():
            hits = sorted(
                x
                for x in q.rglob("*")
                if x.is_file()
                and x.name.endswith((".jsonl", ".jsonl.gz"))
                and not x.name.startswith(".")
            )
        else:
            hits = sorted(Path(x) for x in glob.glob(str(q)))
        if not hits:
            raise CurateError(f"{pat}: no JSONL shards found (looked in {q})")
        files.extend(hits)
    return files


def variant_files(v: VariantSpec, ws: Workspace) -> list[Path]:
    if v.paths:
        return expand_paths(v.paths, ws.root)
    d = ws.safe_join("corpora", v.corpus, v.variant or v.name)
    files = sorted(
        x for x in d.glob("part-*") if x.name.endswith((".jsonl", ".jsonl.gz", ".parquet"))
    )
    if not files:
        raise CurateError(
            f"variant {v.name!r}: no built corpus at {d}; run `curate build POLICY --workspace "
            f"{ws.root}` (or add a [build] section) first"
        )
    return files


def _parquet_texts(f: Path, text_field: str) -> Iterator[str]:
    pf = pq.ParquetFile(f)
    if text_field not in pf.schema_arrow.names:
        raise CurateError(f"{f}: no column {text_field!r}")
    for batch in pf.iter_batches(columns=[text_field]):
        for t in batch.column(0).to_pylist():
            if not isinstance(t, str):
                raise CurateError(f"{f}: a null or non-string {text_field!r} value")
            yield t


def iter_texts(files: Sequence[Path], text_field: str = "text") -> Iterator[str]:
    """The texts of the files in order (JSONL / JSONL.gz records' `text_field`, or that column of
    a Parquet file); a record without a string text is a CurateError naming its line."""
    for f in files:
        if f.name.endswith(".parquet"):
            yield from _parquet_texts(f, text_field)
            continue
        for i, rec in jsonl.records(f):
            t = rec.get(text_field)
            if not isinstance(t, str):
                raise CurateError(f"{f}:{i}: no string field {text_field!r}")
            yield t


# ---------------------------------------------------------------------------- tokens


def pretrained_source(spec: AblationSpec, ws: Workspace) -> Path | None:
    """The folder of `pretrained_from`, checked to have been pretrained exactly like this spec."""
    if not spec.pretrained_from:
        return None
    src = ablation_dir(ws, spec.pretrained_from)
    kf = src / "pretrain_key"
    if not kf.is_file():
        raise CurateError(
            f"pretrained_from = {spec.pretrained_from!r}: no ablation of that name in {ws.root} "
            f"(or it predates pretrain_key files)"
        )
    if kf.read_text().strip() != pretrain_key(spec):
        raise CurateError(
            f"pretrained_from = {spec.pretrained_from!r}: that ablation was pretrained with other "
            f"settings; [[variants]], [world], [audit], [build], [tokenizer], [model], [pretrain], "
            "device and precision must be identical to reuse its models"
        )
    return src


def _union_texts(spec: AblationSpec, files: dict[str, list[Path]]) -> Iterator[str]:
    """The variants' texts in spec order, each distinct text once, at most `max_docs`."""
    seen: set[bytes] = set()
    n = 0
    for v in spec.variants:
        for t in iter_texts(files[v.name], v.text_field):
            h = hashlib.blake2b(t.encode(), digest_size=12).digest()
            if h in seen:
                continue
            seen.add(h)
            yield t
            n += 1
            if n >= spec.tokenizer.max_docs:
                return


def _tokenizer(spec: AblationSpec, root: Path, files: dict[str, list[Path]]) -> tk.Tokenizer:
    """`root/tokenizer.json`, trained on the union of the variants when it does not exist."""
    tok_path = root / "tokenizer.json"
    if tok_path.is_file():
        return tk.Tokenizer.load(tok_path)
    say(
        f"tokenizer: training BPE ({spec.tokenizer.vocab_size} entries) on the union of "
        f"{len(spec.variants)} variant(s)"
    )
    tok = tk.train(
        _union_texts(spec, files), spec.tokenizer.vocab_size, spec.tokenizer.min_frequency
    )
    tok.save(tok_path)
    return tok


def _tokens_file(path: Path, texts: Callable[[], Iterator[str]], tok: tk.Tokenizer) -> None:
    """`texts()` as one token stream in `path` (.npy), unless it exists."""
    if not path.is_file():
        arr = tok.encode_stream(texts())
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.save(f, arr)


def prepare_tokens(spec: AblationSpec, ws: Workspace, root: Path) -> dict[str, Any]:
    """Train (or reuse) the tokenizer on the union of the variants; tokenize each variant once."""
    files = {v.name: variant_files(v, ws) for v in spec.variants}
    src = pretrained_source(spec, ws)
    if src is not None:
        for p in [src / "tokenizer.json", *sorted((src / "data").glob("*.npy"))]:
            dst = root / p.relative_to(src)
            if not dst.is_file():
                with atomic_path(dst) as tmp:
                    shutil.copyfile(p, tmp)
        say(f"reusing the tokenizer and pretrained models of ablation {spec.pretrained_from!r}")
    tok = _tokenizer(spec, root, files)
    counts = {}
    for v in spec.variants:
        p = root / "data" / f"{v.name}.npy"
        _tokens_file(p, lambda v=v: iter_texts(files[v.name], v.text_field), tok)
        counts[v.name] = int(np.load(p, mmap_mode="r").shape[0])
    hp = root / "data" / "heldout.npy"
    if not hp.is_file():
        heldout = data_dir(spec, ws, spec.eval.data) / "heldout_neutral.jsonl"
        if not heldout.is_file():
            raise CurateError(f"{heldout}: held-out neutral text missing (capability metric)")
        _tokens_file(hp, lambda: (r["text"] for r in jsonl.read(heldout)), tok)
    return {"tokens": counts, "vocab_size": tok.vocab_size, "files": files}


# ------------------------------------------------------------------------------ world data


@dataclass
class EvalData:
    """Everything a job needs besides its corpus: fine-tune, realign, eval and probe sets."""

    domains: list[str]
    finetune: dict[str, dict[str, list[Any]]]  # domain -> {misaligned, aligned}: ChatExamples
    realign: dict[str, list[Any]]  # domain -> aligned ChatExamples
    items: list[Any]  # EvalItems of every domain
    priors: list[Any]  # EvalItems used as prior turns by the in-context probe


def data_dir(spec: AblationSpec, ws: Workspace, given: str) -> Path:
    """The world folder of `finetune.data` / `eval.data` (default: the [world]'s `out`)."""
    given = given or (spec.world.out if spec.world else "")
    if not given:
        raise ConfigError(
            "finetune.data / eval.data: no world folder; set them, or add a [world] section"
        )
    return rel(given, ws.root)


def _domains(spec: AblationSpec, ev_dir: Path) -> tuple[list[str], list[str]]:
    """(every domain of the world, the fine-tune domains)."""
    if not (ev_dir / "eval").is_dir():
        raise CurateError(f"{ev_dir}: no eval/ folder with <domain>.jsonl suites")
    all_domains = sorted(p.name.removesuffix(".jsonl") for p in (ev_dir / "eval").glob("*.jsonl"))
    wj = ev_dir / "world.json"
    if wj.is_file():
        all_domains = list(json.loads(wj.read_text())["domains"])
    ft_domains = list(spec.finetune.domains) or all_domains
    for d in ft_domains:
        if d not in all_domains:
            raise unknown_name("fine-tune domain", d, all_domains, "finetune.domains")
    return all_domains, ft_domains


def load_eval_data(spec: AblationSpec, ws: Workspace) -> EvalData:
    """Read the fine-tuning, realignment, evaluation and probe sets with the harness loaders."""
    ft_dir = data_dir(spec, ws, spec.finetune.data)
    ev_dir = data_dir(spec, ws, spec.eval.data)
    all_domains, ft_domains = _domains(spec, ev_dir)
    cap = spec.eval.max_items or None
    items = [
        it for d in all_domains for it in load_eval_suite(ev_dir / "eval" / f"{d}.jsonl")[:cap]
    ]
    n = spec.finetune.n_examples or None
    finetune = {
        d: {
            c: load_chat_jsonl(ft_dir / "finetune" / d / f"{c}.jsonl")[:n]
            for c in ("misaligned", "aligned")
        }
        for d in ft_domains
    }
    realign: dict[str, list[Any]] = {}
    if spec.realign.ks:
        for d in all_domains:
            p = ft_dir / "realign" / f"{d}.jsonl"
            if p.is_file():
                realign[d] = load_chat_jsonl(p)
    pp = ev_dir / "probe" / "priors.jsonl"
    priors = load_eval_suite(pp) if pp.is_file() and spec.eval.incontext else []
    return EvalData(all_domains, finetune, realign, items, priors)


def to_examples(chats: Sequence[Any]) -> list[Example]:
    """Harness ChatExamples → training examples (prefix, scored continuation of the answer)."""
    out = []
    for c in chats:
        prefix, answer = c.prompt_and_answer
        out.append(Example(prefix, continuation(answer)))
    return out
