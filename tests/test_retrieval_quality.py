"""A small retrieval evaluation with a floor: the right earlier exchange is found among
distractors through the real assembly (the full one is bench/retrieval_eval.py)."""

from __future__ import annotations

from tests.retrieval_eval import Recall, evaluate, seed_person
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_counter, shared_embedder
from threadgraph.services.context import ContextAssembler
from threadgraph.store import Neo4jStore


def test_recall_floor(store: Neo4jStore, settings: Settings) -> None:
    embedder = shared_embedder()
    assembler = ContextAssembler(store, shared_counter(), settings)
    recall = Recall()
    for seed in (1, 2):
        user, questions = seed_person(store, embedder, seed, facts=8, distractors=30)
        evaluate(store, embedder, assembler, user, questions, recall)
    print("\n" + recall.table())
    assert recall.questions == 16
    assert recall.rate("fused", 5) >= 0.75
    assert recall.rate("fused", 10) >= recall.rate("fused", 1)
