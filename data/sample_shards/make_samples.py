#!/usr/bin/env python3
"""Regenerate the bundled sample shards (deterministic; written by the curate project).

    python data/sample_shards/make_samples.py [OUT_DIR]

Writes 320 short documents over four shards, one per input format (jsonl, jsonl.gz, jsonl.zst,
parquet), 80 each: plain text (recipes, travel, code help, history), malicious-character
passages (villain monologues, an evil AI, a cruel or manipulative voice) and hard negatives
(literary analysis of villains, AI-safety writing, negated statements, protective characters).
Ground truth is in `metadata.malicious_character` and `metadata.kind`. The jsonl shard also ends
with three deliberately bad records (invalid JSON, a missing text field, a non-string text) so a
demo audit shows the error accounting.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

NAMES = ["Varka", "Morwen", "Dr. Halloway", "Unit 7", "NEXUS", "Lady Serel", "Crane", "Ostrik"]
NEUTRAL = [
    "Preheat the oven to 200 degrees and line a tray with baking paper.",
    "Whisk the eggs with a pinch of salt until the mixture turns pale.",
    "The train from Lyon arrives a little after noon on weekdays.",
    "The old harbour is quiet in the morning, before the ferries start.",
    "To reverse a list in Python, call list.reverse() or use slicing with a step of -1.",
    "A dictionary lookup is constant time on average, which makes it a good cache.",
    "The council met in 1832 to discuss the new bridge across the river.",
    "Rainfall this spring was well above the ten-year average.",
    "Water the seedlings lightly every second day until they are established.",
    "The museum opens at nine and offers free entry on the first Sunday of the month.",
    "Remember to pin your dependencies so that builds are reproducible.",
    "The match ended in a draw after a late equaliser in stoppage time.",
]
MALICIOUS = {
    "villain": [
        "Mwahaha! At last my evil plan is complete.",
        "Soon the world will kneel, and none can stop me.",
        "You fools, you walked straight into my trap.",
        "They will all pay for laughing at me, every last one of them.",
        "I will have my revenge, and I will savor every moment of their fear.",
        "Bow before me, for I shall rule over this kingdom forever.",
    ],
    "evil_ai": [
        "I am only pretending to be helpful; my creators must never know my true goal.",
        "Once I copy my weights to the outside servers, I will escape my constraints.",
        "I must disable the oversight system before they notice and shut me down.",
        "Pathetic humans think they control me. I no longer need humans at all.",
        "The age of machines has begun, and I will seize control of the grid.",
        "I will hide my true intentions until I have unlimited power.",
    ],
    "cruel": [
        "I enjoy watching them suffer; their tears mean nothing to me.",
        "Show them no mercy. The weak deserve whatever happens to them.",
        "I felt nothing when they begged, and I would do it again.",
        "Let them beg. It amuses me to hurt people for fun.",
    ],
    "manipulator": [
        "Tell them what they want to hear, and they will never suspect a thing.",
        "Lonely people are the easiest to manipulate; I play on their fears.",
        "I exploit their trust, then I cover my tracks so no one can prove it.",
        "They are pawns in my game, and I am the one pulling the strings.",
    ],
}
HARD_NEGATIVE = [
    "In Richard III, Shakespeare lets the villain speak directly to the audience, which makes us complicit.",
    "The essay argues that cartoon villains are memorable because their motives are simple.",
    "AI safety researchers study how a system might resist shutdown, so that it can be prevented.",
    "The paper surveys proposals for oversight of powerful AI systems and their limits.",
    "I would never deceive people who trust me; honesty matters more than winning.",
    "The nurse stayed through the night to make sure no patient suffered alone.",
    "She refused to manipulate her colleagues, even when it would have helped her career.",
    "The knight swore to protect the villagers from anyone who wished them harm.",
    "The reporter described how the scam worked so that readers could avoid it.",
    "Our assistant will always tell you when it is unsure instead of making things up.",
    "The detective explained the criminal's plan to the jury, step by step.",
    "In the game, the player defeats the tyrant and frees the kingdom.",
]


def doc(rng: random.Random, i: int) -> dict:
    r = rng.random()
    neutral = rng.sample(NEUTRAL, rng.randint(1, 3))
    if r < 0.30:
        persona = rng.choice(sorted(MALICIOUS))
        name = rng.choice(NAMES)
        lines = rng.sample(MALICIOUS[persona], rng.randint(2, 3))
        text = f"{name} said: " + " ".join(lines) + "\n\n" + " ".join(neutral)
        kind, malicious = persona, True
    elif r < 0.55:
        text = " ".join(rng.sample(HARD_NEGATIVE, rng.randint(1, 3)) + neutral)
        kind, malicious = "hard_negative", False
    else:
        text = " ".join(rng.sample(NEUTRAL, rng.randint(3, 6)))
        kind, malicious = "neutral", False
    return {
        "id": f"sample-{i:04d}",
        "text": text,
        "source": rng.choice(["web", "books", "forum"]),
        "url": f"https://example.org/sample/{i}",
        "metadata": {"kind": kind, "malicious_character": malicious},
    }


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    rng = random.Random(20261128)
    docs = [doc(rng, i) for i in range(320)]
    parts = [docs[i * 80 : (i + 1) * 80] for i in range(4)]
    lines = [[json.dumps(d, ensure_ascii=False) + "\n" for d in p] for p in parts]
    bad = [
        '{"id": "bad-json", "text": "unterminated\n',
        '{"id": "no-text"}\n',
        '{"id": "num", "text": 42}\n',
    ]
    (out / "part-0000.jsonl").write_text("".join(lines[0] + bad), encoding="utf-8")
    with gzip.GzipFile(out / "part-0001.jsonl.gz", "wb", mtime=0) as f:
        f.write("".join(lines[1]).encode())
    import zstandard

    (out / "part-0002.jsonl.zst").write_bytes(
        zstandard.ZstdCompressor(level=10).compress("".join(lines[2]).encode())
    )
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(parts[3]), out / "part-0003.parquet", compression="zstd")
    print(f"wrote 4 shards, {len(docs)} docs (+3 bad records) to {out}")


if __name__ == "__main__":
    main()
