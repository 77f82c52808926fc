"""Callers who ask for vectors while an encode runs share the next encode: each gets the
vectors of its own texts, in order, as if it had been alone."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from threadgraph.embeddings.local import shared_embedder


def close(a: list[float], b: list[float]) -> bool:
    # Padding in a shared batch may move the last digits of a float32 result.
    return all(math.isclose(x, y, abs_tol=1e-5) for x, y in zip(a, b, strict=True))


def test_concurrent_callers_get_their_own_vectors() -> None:
    embedder = shared_embedder()
    requests = [
        [f"question {n} about topic {n % 7}", f"a longer second text {n} " * (n % 5 + 1)]
        for n in range(40)
    ]
    alone = [embedder.embed(texts) for texts in requests]
    start = threading.Barrier(20)

    def at_once(texts: list[str]) -> list[list[float]]:
        start.wait(timeout=30)
        return embedder.embed(texts)

    before = embedder.encodes
    with ThreadPoolExecutor(20) as pool:
        together = list(pool.map(at_once, requests[:20]))
    with ThreadPoolExecutor(20) as pool:
        together += list(pool.map(at_once, requests[20:]))
    # 40 callers, 20 at a time: most of them shared an encode.
    assert embedder.encodes - before < 20

    for mine, reference in zip(together, alone, strict=True):
        assert len(mine) == 2
        assert all(close(a, b) for a, b in zip(mine, reference, strict=True))


def test_a_failed_encode_fails_its_callers_and_not_the_next() -> None:
    embedder = shared_embedder()
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the tokenizer raises
        embedder.embed([None])  # type: ignore[list-item]
    assert len(embedder.embed(["after the failure"])) == 1


def test_background_work_waits_while_a_turn_does() -> None:
    """Topics and an import's vectors (the background lane) are encoded only while no
    turn waits for vectors (or after BACKGROUND_PATIENCE_SECONDS), with the same results."""
    embedder = shared_embedder()
    texts = ["a topic phrase", "an imported message, then the turn it answers"]
    expected = embedder.embed(texts)
    got: list[list[list[float]]] = []
    with embedder._quiet:  # a turn is waiting for its vectors
        embedder._turns_waiting += 1
    try:
        worker = threading.Thread(target=lambda: got.append(embedder.background().embed(texts)))
        worker.start()
        worker.join(timeout=0.5)  # well under the patience of 2 s
        assert worker.is_alive()
        assert not got
    finally:
        with embedder._quiet:
            embedder._turns_waiting -= 1
            embedder._quiet.notify_all()
    worker.join(timeout=60)
    assert len(got) == 1
    assert all(close(a, b) for a, b in zip(got[0], expected, strict=True))

