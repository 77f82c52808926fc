"""The ONNX Runtime engine gives the torch path's vectors, so vectors stored by either
stay valid when the engine changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from threadgraph.embeddings.local import LocalEmbedder, shared_embedder

TEXTS = [
    "hi",
    "How do I keep tomato plants from splitting after heavy rain?",
    "A long message about the garden and the weather. " * 30,  # past 256 tokens: truncated
    "Émojis 🌱 and accents: café, naïve, Zürich.",
]


def test_the_shared_embedder_runs_on_onnx() -> None:
    embedder = shared_embedder()
    embedder.load()
    assert embedder.engine == "onnx"


def test_onnx_vectors_agree_with_torch() -> None:
    onnx = np.array(shared_embedder().embed(TEXTS))
    torch = np.array(LocalEmbedder(engine="torch").embed(TEXTS))
    assert onnx.shape == torch.shape == (len(TEXTS), 384)
    assert np.min(np.sum(onnx * torch, axis=1)) >= 0.99


def test_an_unusable_onnx_cache_falls_back_to_torch(tmp_path: Path) -> None:
    blocked = tmp_path / "models"
    blocked.write_text("a file where the cache directory should be")
    embedder = LocalEmbedder(cache_dir=blocked)
    vector = embedder.embed(["still embedded"])[0]
    assert embedder.engine == "torch"
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
