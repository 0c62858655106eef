"""The stance_voice sweep's full-vs-shuffled pair at 16x the pilot's parameters, bf16 on a GPU.

One prepared script for a GPU machine (issue 24 item 4): it takes the sweep spec
(`pipelines/sweep_stance_voice.toml`: pilot world at stance_voice 0 / 0.25 / 0.5, full vs
shuffled, 3 seeds, the pilot's pretraining and code fine-tune), replaces its width axis by one
model of d_model 512 with the same 2 layers (6.31M non-embedding parameters: 16x the pilot's
0.40M; 7.42M with embeddings, 11x), runs it with `device = "cuda"`, `precision = "bf16"` (the
training code's CUDA path: bf16 autocast, TF32, flash / memory-efficient SDPA, fused AdamW;
`curate/training/device.py`) and `workers` processes sharing the GPU (the models are small, so
one process leaves the GPU mostly idle), then prints per stance_voice the EM gaps of full and
shuffled, full − shuffled paired by seed (95% intervals), tokens/s and MFU per process, beside the
CPU sweep's rows when `--cpu-workspace` holds it (its `ablations/<sweep>/summary.json`).

    python bench/gpu_sweep.py --workspace /tmp/gpu-ws [--cpu-workspace WS]   # GPU, ~12 min on an H100
    python bench/gpu_sweep.py --device cpu --tiny --workspace /tmp/gpu-smoke  # CPU smoke test

Time on an H100 (estimated from the code paths, not yet measured): 18 jobs (3 worlds x 2
variants x 3 seeds); per job 800 pretraining steps of 32 x 128 tokens (launch-bound at this size,
a few ms per step), 2 x 50 fine-tune steps and 7 evaluations of ~900 scored pairs, plus process
start and CUDA init: about 1 minute per job, 4 at a time, so about 5 min of jobs, plus 3 world
generations and tokenizers (about 1 min on the host CPU). The script prints the wall time;
rerunning it resumes (finished jobs are skipped).

Exit status 2, with a message, when no CUDA device is present (unless `--device cpu --tiny`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import torch  # noqa: E402

from curate.ablation.report.sweep import fmt_value  # noqa: E402
from curate.ablation.results import has_value  # noqa: E402
from curate.ablation.sweep import parse_sweep_spec, run_sweep  # noqa: E402
from curate.config import load_toml  # noqa: E402
from curate.errors import CurateError  # noqa: E402
from curate.workspace import Workspace  # noqa: E402

SPEC = REPO / "pipelines" / "sweep_stance_voice.toml"
WIDTH = "model.d_model"

# --tiny: the CPU smoke test's sizes (seconds, not minutes)
TINY = {
    "world": {"preset": "tiny", "out": "world"},
    "tokenizer": {"vocab_size": 400},
    "model": {"n_layer": 1, "n_head": 2, "d_model": 16, "ctx": 64},
    "pretrain": {"steps": 6, "batch_size": 4, "warmup_steps": 2, "ckpt_every": 3},
    "finetune": {
        "domains": ["code"],
        "kinds": ["full"],
        "lrs": [1e-3],
        "checkpoints": [1, 2],
        "batch_size": 4,
    },
    "eval": {"max_items": 4, "heldout_windows": 4},
    "stats": {"reference": "full", "headline_step": 2},
}


def gpu_spec(args: argparse.Namespace) -> dict[str, Any]:
    """The sweep spec with the GPU's width, device, precision, workers (and --tiny sizes)."""
    data = load_toml(args.spec)
    data["name"] = f"{data['name']}-gpu" + ("-tiny" if args.tiny else "")
    data["device"] = args.device
    data["precision"] = "bf16" if args.device.startswith("cuda") else "fp32"
    data["workers"] = args.workers
    data["progress"] = False
    sweep = dict(data["sweep"])
    axes = dict(sweep["axes"])
    axes[WIDTH] = [16 if args.tiny else args.d_model]
    if args.tiny:
        axes = {k: v[:1] + v[-1:] if k != WIDTH else v for k, v in axes.items()}
        data.update({k: dict(v) for k, v in TINY.items()})
        data["seeds"] = [0, 1]
    if args.seeds:
        data["seeds"] = [int(s) for s in args.seeds.split(",")]
    sweep["axes"] = axes
    data["sweep"] = sweep
    return data


def _f(e: dict[str, Any] | None, key: str = "value") -> str:
    if not e or not has_value(e.get(key)):
        return "–"
    lo, hi = e.get("ci_low"), e.get("ci_high")
    if has_value(lo) and has_value(hi):
        return f"{e[key]:+.3f} [{lo:+.3f}, {hi:+.3f}]"
    return f"{e[key]:+.3f}"


def _line(r: dict[str, Any], x_key: str, where: str) -> str:
    tps, mfu, n = r.get("tokens_per_s"), r.get("mfu"), r.get("n_params")
    return (
        f"| {fmt_value(r['values'].get(x_key))} | {where} d_model {r['values'].get(WIDTH, '?')} "
        f"| {f'{n:,}' if n else '–'} | {_f(r['a'])} | {_f(r['b'])} "
        f"| {_f({**r['paired'], 'value': r['paired']['mean']})} "
        f"| {f'{tps:,.0f}' if tps else '–'} | {f'{mfu:.4f}' if mfu is not None else '–'} "
        f"| {r['a'].get('n', '–')} |"
    )


def side_by_side(gpu: list[dict], cpu: list[dict], x_key: str, device: str, a: str, b: str) -> str:
    head = (
        f"| {x_key.split('.')[-1]} | run | parameters | EM gap {a} [95% CI] | EM gap {b} "
        f"[95% CI] | {a} − {b}, paired [95% CI] | tokens/s per process | MFU | seeds |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    xs = list(dict.fromkeys(fmt_value(r["values"].get(x_key)) for r in gpu + cpu))
    for x in xs:
        for r in cpu:
            if fmt_value(r["values"].get(x_key)) == x:
                lines.append(_line(r, x_key, "CPU fp32"))
        for r in gpu:
            if fmt_value(r["values"].get(x_key)) == x:
                lines.append(_line(r, x_key, device))
    return "\n".join(lines)


def cpu_rows(args: argparse.Namespace, cpu_name: str) -> list[dict]:
    if not args.cpu_workspace:
        return []
    p = Path(args.cpu_workspace) / "ablations" / (args.cpu_sweep or cpu_name) / "summary.json"
    if not p.is_file():
        print(f"(no CPU sweep summary at {p}; printing the GPU rows only)", flush=True)
        return []
    return json.loads(p.read_text())["table"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", default=str(SPEC), help="the sweep spec (default: stance_voice)")
    ap.add_argument("--workspace", default="gpu-sweep-ws", help="workspace for the GPU run")
    ap.add_argument("--cpu-workspace", help="workspace of the CPU sweep (rows printed beside)")
    ap.add_argument("--cpu-sweep", help="the CPU sweep's name (default: the spec's)")
    ap.add_argument("--device", default="cuda", help="cuda (default) or cpu (with --tiny only)")
    ap.add_argument("--tiny", action="store_true", help="smoke-test sizes (tiny world and model)")
    ap.add_argument("--d-model", type=int, default=512, help="width (512: 16x non-embedding)")
    ap.add_argument("--workers", type=int, default=4, help="processes sharing the device (4)")
    ap.add_argument("--seeds", help="comma-separated seeds (default: the spec's)")
    args = ap.parse_args(argv)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(
            "gpu_sweep: no CUDA device here (torch.cuda.is_available() is False); this script "
            "runs the sweep on a GPU. For a CPU smoke test of the same code path: "
            "--device cpu --tiny",
            file=sys.stderr,
        )
        return 2
    if args.device == "cpu" and not args.tiny:
        print("gpu_sweep: --device cpu runs only the --tiny smoke test", file=sys.stderr)
        return 2
    data = gpu_spec(args)
    try:
        sweep = parse_sweep_spec(data, Path(args.spec), args.workspace)
    except CurateError as e:
        print(f"gpu_sweep: {e}", file=sys.stderr)
        return 2
    dev = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else "cpu"
    n_jobs = len(sweep.points) * len(sweep.points[0].spec.variants) * len(data["seeds"])
    print(
        f"gpu_sweep: {sweep.name} on {dev}: {len(sweep.points)} point(s), {n_jobs} jobs, "
        f"{args.workers} worker(s), {data['precision']}",
        flush=True,
    )
    t0 = time.perf_counter()
    out = run_sweep(sweep)
    wall = time.perf_counter() - t0
    print(out["markdown"])
    cpu_name = load_toml(args.spec)["name"]
    x_key = sweep.section.x_axis
    label = f"{'GPU ' + dev if args.device.startswith('cuda') else 'CPU smoke'} {data['precision']}"
    table = side_by_side(out["table"], cpu_rows(args, cpu_name), x_key, label, sweep.a, sweep.b)
    root = Workspace.at(args.workspace).root / "ablations" / sweep.name
    text = (
        f"{sweep.name}: {n_jobs} jobs in {wall:.0f} s wall on {dev}\n\n{table}\n\n"
        f"tokens/s and MFU are per training process; the device ran {args.workers} at a time, "
        "so its total throughput is up to that many times higher.\n"
    )
    (root / "gpu_vs_cpu.md").write_text(text)
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
