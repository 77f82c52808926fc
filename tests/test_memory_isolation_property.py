"""A property: for random histories of two people whose messages are near-identical (the
same words, vectors a hair apart), every memory candidate and every search hit a person
gets is their own, with the doors wide open (vector floor -1, k 50, every method on).

Hits are checked against the graph's own record of who wrote each message, not against
what the query says."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from threadgraph.config import Settings
from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore

WORDS = ["neo4j", "vector", "index", "graph", "chat", "memory", "cosine", "branch", "topic"]
K = 50


def unit(vector: np.ndarray) -> list[float]:
    return [float(x) for x in vector / np.linalg.norm(vector)]


def write_history(
    store: Neo4jStore, user_id: str, texts: list[str], vectors: list[np.ndarray]
) -> set[str]:
    """One chat per exchange; returns the ids of every message written."""
    written: set[str] = set()
    store.ensure_user(user_id, "someone")
    for text, vector in zip(texts, vectors, strict=True):
        chat = store.create_chat(user_id, text[:40])
        prompt = NewMessage(Role.USER, text, embedding=unit(vector))
        reply = NewMessage(Role.ASSISTANT, f"about {text}", embedding=unit(vector + 0.01))
        written.add(store.append_message(user_id, chat.id, prompt).message.id)
        written.add(store.append_message(user_id, chat.id, reply).message.id)
    return written


@hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join),
        min_size=1,
        max_size=4,
    ),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    noise=st.floats(min_value=0.0, max_value=0.05),
)
def test_memory_and_search_hits_are_always_the_callers(
    store: Neo4jStore, settings: Settings, texts: list[str], seed: int, noise: float
) -> None:
    random = np.random.default_rng(seed)
    dimension = settings.embedding_dimension
    base = [random.normal(size=dimension) for _ in texts]
    near = [v + noise * random.normal(size=dimension) for v in base]
    alice, bob = new_id(), new_id()
    owned = {
        alice: write_history(store, alice, texts, base),
        bob: write_history(store, bob, [t + "!" for t in texts], near),
    }
    for caller in (alice, bob):
        probe = store.create_chat(caller, "probe")
        found: set[str] = set()
        for vector, words in zip(base, texts, strict=True):
            memories = store.memory_candidates(
                caller, probe.id, unit(vector), words, [], K, K, -1.0, K, -1.0
            )
            found |= {m.prompt_id for m in memories} | {m.reply_id for m in memories}
            hits = store.search_messages(caller, unit(vector), words, K, -1.0)
            found |= {h.message.id for h in hits}
            assert all(h.message.user_id == caller for h in hits)
        assert found, "nothing was found at all: the property would hold vacuously"
        assert found <= owned[caller], found - owned[caller]
