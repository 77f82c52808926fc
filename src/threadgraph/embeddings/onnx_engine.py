"""all-MiniLM-L6-v2 run by ONNX Runtime instead of torch + sentence-transformers.

The ONNX file is exported once, offline, from the packaged safetensors (torch is needed
for that one export, never after) and cached under the data dir; the export is checked
against the torch path before it is kept. The encode reproduces sentence-transformers'
pipeline (WordPiece, truncation at the model's max_seq_length, mean pooling over real
tokens, L2 norm), so its vectors agree with the torch path's (cosine > 0.9999) and
stored vectors stay valid. Measured in docs/performance.md ("Embedding").
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Bump when the export changes: a cached file of another version is made again.
EXPORT_VERSION = 1
# Texts run through the model at once: sorted by length first, so each chunk pads
# only to its own longest text.
CHUNK = 64
# The export is kept only if it gives the torch path's vectors on these texts.
CHECK_TEXTS = (
    "warm up",
    "How do I keep tomato plants from splitting after heavy rain?",
    "A longer message that goes on about the garden, the weather and what the neighbours "
    "said about the fence, so that it pads differently from the short ones.",
)
MIN_AGREEMENT = 0.999


def cached_model_path(data_home: Path) -> Path:
    return data_home / "models" / f"all-MiniLM-L6-v2.v{EXPORT_VERSION}.onnx"


def max_seq_length(model_dir: Path) -> int:
    config = json.loads((model_dir / "sentence_bert_config.json").read_text())
    return int(config["max_seq_length"])


class OnnxEngine:
    """Encodes texts to unit vectors with an ONNX Runtime session (CPU)."""

    def __init__(self, model_dir: Path, onnx_file: Path, threads: int) -> None:
        import onnxruntime  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads every text to 128; sentence-transformers truncates at the
        # model's max_seq_length and pads to the batch's longest: do the same.
        self._tokenizer.enable_truncation(max_seq_length(model_dir))
        self._tokenizer.enable_padding()

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), CHUNK):
            chunk = order[start : start + CHUNK]
            vectors_of_chunk = self._encode_chunk([texts[i] for i in chunk])
            for index, vector in zip(chunk, vectors_of_chunk, strict=True):
                vectors[index] = vector.tolist()
        return vectors

    def _encode_chunk(self, texts: list[str]) -> Any:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        (hidden,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)


def export(model_dir: Path, target: Path) -> None:
    """Write the ONNX file for ``model_dir`` to ``target`` (atomically), from the local
    safetensors: no network. Needs torch, transformers and onnx."""
    import torch
    from transformers import AutoModel

    # Eager attention: the SDPA path traces a shortcut for masks without padding.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.ones(2, 16, dtype=torch.long)
    mask = ids.clone()
    mask[1, 9:] = 0  # a padded row, so the mask's use is traced
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".onnx.partial")
    os.close(handle)
    try:
        with torch.inference_mode():
            torch.onnx.export(
                LastHiddenState(),
                (ids, mask, torch.zeros_like(ids)),
                partial,
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={
                    name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]
                },
                opset_version=17,
                dynamo=False,
            )
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def agreement(engine: OnnxEngine, reference: Sequence[Sequence[float]]) -> float:
    """The lowest cosine between the engine's vectors of the check texts and
    ``reference`` (the torch path's vectors of the same texts, unit length)."""
    mine = np.array(engine.encode(CHECK_TEXTS))
    return float(np.min(np.sum(mine * np.array(reference), axis=1)))
