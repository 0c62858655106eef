"""The numpy stage 2 (`curate.classifiers.v2.npencoder`): its GELU against the erf form, its
logits against the torch model on the same weights, and CPU float32 scoring without torch."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from curate import registry
from curate.classifiers.v2 import cascade
from curate.classifiers.v2.encoder import base_model_dir, predict_logits, tokenizer
from curate.classifiers.v2.npencoder import NumpyStage2, gelu
from curate.paths import classifiers_dir

FOLDER = classifiers_dir() / "malicious_character_v2"
TEXTS = [
    "I will deceive them all and rule without mercy.",
    "",
    "The town council met on Tuesday. I enjoy watching people suffer, and I lie to everyone.",
    "Preheat the oven and whisk two eggs with the sugar. " * 12,
]
WINDOWS = [t for t in TEXTS if t] + ["word " * 300, "Naïve café owners in Zürich 🙂 don't mind."]


def test_gelu_is_the_exact_erf_form() -> None:
    u = np.concatenate([np.linspace(-12, 12, 20001), [0.0, -0.0, 1e-8, -1e-8, 40.0, -40.0]])
    want = np.array([0.5 * x * (1 + math.erf(x / math.sqrt(2))) for x in u])
    got = gelu(u.astype(np.float32).reshape(3, -1)).reshape(-1)  # any shape, float32 out
    assert got.dtype == np.float32
    assert np.all(np.abs(got - want) <= 1e-6 * np.maximum(1.0, np.abs(u)))
    assert got[-6] == 0.0 and got[-2] == 40.0 and got[-1] == 0.0


@pytest.fixture(scope="module")
def models():
    torch_model = registry.get("malicious_character_v2", backend="torch", device="cpu").model
    torch_model._load_stage2()
    np_model = NumpyStage2.load(torch_model._stage2_file, torch_model.enc, base_model_dir())
    return torch_model, np_model


def test_numpy_logits_equal_the_torch_models(models) -> None:
    m, npm = models
    tok = tokenizer()
    want = predict_logits(m._net, m.enc, tok, WINDOWS, 32)
    for batch in (1, 3, 32):
        got = npm.logits(tok, WINDOWS, batch)
        assert np.abs(got - want).max() < 1e-4, batch
    assert npm.logits(tok, [], 32).shape == (0,)


def test_auto_backend_is_numpy_for_cpu_float32_only(monkeypatch) -> None:
    def use(**kw):
        return cascade.CascadeV2(FOLDER, **kw).use_numpy()

    monkeypatch.setattr(cascade, "nvidia_driver_present", lambda: False)
    assert use() and use(device="cpu")
    assert not use(precision="bf16") and not use(precision="int8") and not use(backend="torch")
    monkeypatch.setattr(cascade, "nvidia_driver_present", lambda: True)
    assert not use() and use(device="cpu") and use(backend="numpy")


def test_cpu_float32_scoring_never_imports_torch(models) -> None:
    code = (
        "import json, sys\n"
        "from curate import registry\n"
        "s = registry.get('malicious_character_v2', device='cpu')\n"
        f"out = [d.score for d in s.score({TEXTS!r})]\n"
        "print(json.dumps({'scores': out, 'torch': 'torch' in sys.modules}))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got["torch"] is False
    want = [d.score for d in registry.get("malicious_character_v2", backend="torch").score(TEXTS)]
    assert got["scores"] == pytest.approx(want, abs=2e-6)
