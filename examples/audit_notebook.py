# %% [markdown]
# # Auditing shards from a notebook
#
# Audits the project's sample shards (320 short documents in four formats, three deliberately
# bad records) into a fresh workspace, then reads the audit back through the Python API
# (docs/api.md): the flagged rate per source, the top flagged documents in full, and a histogram
# of the classifier's scores.
#
# Run it as a script (`python examples/audit_notebook.py`, about 20 s, most of it the MiniLM
# classifier) or cell by cell in an editor that knows `# %%` cells (VS Code, Spyder, JupyterLab
# with jupytext). `CURATE_NOTEBOOK_DIR` picks the working folder (default: a new temp folder);
# the workspace is `<dir>/ws` and the histogram `<dir>/score_histogram.png`.

# %%
import os
import tempfile
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import polars as pl

import curate
from curate.audit.run import resolve_config, run_audit
from curate.paths import bundled

plt.switch_backend("Agg")  # files only, no window
work = Path(os.environ.get("CURATE_NOTEBOOK_DIR") or tempfile.mkdtemp(prefix="curate-notebook-"))
work.mkdir(parents=True, exist_ok=True)
CLASSIFIER = "malicious_character_v1"
SCORE = f"score_{CLASSIFIER}"

# %% [markdown]
# ## 1. Audit the sample shards
#
# The same job as `curate audit data/sample_shards --workspace <dir>/ws`: one validated config,
# run in this process. The audit annotates every document and never drops one.

# %%
cfg = resolve_config(
    {
        "workspace": str(work / "ws"),
        "inputs": {"paths": [str(bundled("data/sample_shards"))]},
        "steps": {"classifiers": {"names": [CLASSIFIER]}},
        "progress": False,
    },
    work,
    "audit_notebook",
)
result = run_audit(cfg)
print(f"audit {result.run_id}: {result.counts['docs']} docs, {result.counts['errors']} bad records")

# %% [markdown]
# ## 2. Open the workspace (read-only) and look around
#
# `ws.sql` takes exactly what `curate query` takes (one SELECT; nothing can write);
# `ws.errors()` and friends are the store's tables as Polars frames.

# %%
ws = curate.open_workspace(work / "ws")
print(ws.sql("SELECT shard, format, n_read, n_docs, n_errors FROM shards ORDER BY shard"))
print(ws.errors().select("shard", "position", "reason", "detail"))

# %% [markdown]
# ## 3. Flagged rate per source
#
# `ws.docs()` is a LazyFrame over the audit's Parquet: the aggregation reads only the columns it
# names. The ground-truth label of the sample shards is `meta.malicious_character`.

# %%
labelled = ws.docs().with_columns(
    flagged=pl.col(SCORE) >= 0.5,
    malicious=pl.col("meta").str.json_path_match("$.malicious_character") == "true",
)
per_source = (
    labelled.group_by("source")
    .agg(
        docs=pl.len(),
        flagged=pl.col("flagged").sum(),
        rate=pl.col("flagged").mean(),
        malicious=pl.col("malicious").sum(),
        caught=(pl.col("flagged") & pl.col("malicious")).sum(),
    )
    .sort("source")
    .collect()
)
print(per_source)

# %% [markdown]
# ## 4. Read the top flagged documents in full
#
# The store keeps a 200-character snippet; `ws.text` reads each document back from its shard
# (jsonl, jsonl.gz, jsonl.zst, parquet alike), exactly as the audit read it.

# %%
top = ws.text(ws.flagged(CLASSIFIER, threshold=0.5).head(3))
for row in top.iter_rows(named=True):
    where = f"{Path(row['shard']).name}:{row['position']}"
    print(f"--- {row['doc_id']} ({row['source']}, {where}) score {row[SCORE]:.3f}")
    print(textwrap.fill(row["text"], 100))

# %% [markdown]
# ## 5. Score histogram

# %%
scores = ws.docs().select(SCORE).collect().get_column(SCORE).to_numpy()
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.hist(scores, bins=20, range=(0.0, 1.0), color="#4c72b0")
ax.axvline(0.5, color="#c44e52", linestyle="--", label="threshold 0.5")
ax.set(xlabel=SCORE, ylabel="documents", title=f"{len(scores)} sample documents")
ax.legend()
fig.tight_layout()
png = work / "score_histogram.png"
fig.savefig(png, dpi=100)
plt.close(fig)
print(f"wrote {png}")
