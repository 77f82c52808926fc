"""Fusing the retrieval methods' candidates: reciprocal ranks or normalised scores, as
functions and through the context preview."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.api_helpers import turn
from threadgraph.models import MemoryHit
from threadgraph.services.fusion import RRF_K, fuse


def hit(via: str, prompt_id: str, score: float) -> MemoryHit:
    return MemoryHit(
        via=via,
        score=score,
        chat_id="c",
        chat_title="t",
        prompt_id=prompt_id,
        prompt="p",
        reply_id=f"{prompt_id}-reply",
        reply="r",
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )


# "a" is the keywords' clear winner (BM25 12 against 3 and 2.9); "b" wins the vectors by a
# hair (cos 0.52 against 0.51 and 0.30).
HITS = [
    hit("keyword", "a", 12.0),
    hit("keyword", "b", 3.0),
    hit("keyword", "c", 2.9),
    hit("vector", "b", 0.52),
    hit("vector", "a", 0.51),
    hit("vector", "c", 0.30),
    hit("vector", "a", 0.20),  # the reply of "a": only its exchange's best hit counts
]


def test_rank_fusion_sees_only_ranks() -> None:
    fused = fuse(HITS, keyword_weight=1.0, fusion="rrf")
    by_id = {m.hit.prompt_id: m for m in fused}
    # a and b are first once and second once each: a tie, broken by id.
    assert by_id["a"].score == by_id["b"].score == 1 / (RRF_K + 1) + 1 / (RRF_K + 2)
    assert by_id["a"].ranks == {"keyword": 1, "vector": 2}
    assert [m.hit.prompt_id for m in fused] == ["a", "b", "c"]


def test_score_fusion_weighs_how_sure_each_method_is() -> None:
    fused = fuse(HITS, keyword_weight=1.0, fusion="score")
    by_id = {m.hit.prompt_id: m.score for m in fused}
    # min-max per method: keyword a 1, b (3-2.9)/(12-2.9); vector b 1, a (0.51-0.3)/(0.52-0.3)
    assert abs(by_id["a"] - (1 + 0.21 / 0.22)) < 1e-9
    assert abs(by_id["b"] - (0.1 / 9.1 + 1)) < 1e-9
    assert by_id["c"] == 0.0
    assert [m.hit.prompt_id for m in fused] == ["a", "b", "c"]
    # With a small keyword weight, the vectors' narrow winner leads.
    assert fuse(HITS, keyword_weight=0.01, fusion="score")[0].hit.prompt_id == "b"


def test_a_weight_of_zero_leaves_a_method_out() -> None:
    for fusion in ("rrf", "score"):
        fused = fuse([hit("keyword", "only-words", 5.0)], keyword_weight=0.0, fusion=fusion)
        assert fused == []


def test_a_memory_first_by_words_and_meaning_scores_two(client: TestClient) -> None:
    """Through the API with the default fusion (score, keyword weight 1.5) and exchanges
    as the unit (no neighbours' share): the exchange both methods rank first among their
    candidates scores 1 + 1.5, and the preview says which methods found it; the same with
    ``rrf`` scores by ranks instead."""
    pets = client.post("/api/chats", json={"title": "Pets"}).json()["id"]
    fact = turn(client, pets, "My cat is called Pixel and she loves cardboard boxes.")
    work = client.post("/api/chats", json={"title": "Work"}).json()["id"]
    turn(client, work, "Remind me to send the quarterly report to finance.")
    asking = client.post("/api/chats", json={"title": "Asking"}).json()["id"]

    question = {"content": "What is my cat Pixel called?", "context": {"unit": "exchange"}}
    preview = client.post(f"/api/chats/{asking}/context", json=question).json()
    first = preview["memories"][0]
    assert first["prompt_id"] == fact["prompt"]["id"]
    assert first["ranks"] == {"vector": 1, "keyword": 1}
    assert first["score"] == 2.5
    assert all(0.0 <= m["score"] <= 2.5 for m in preview["memories"])

    by_ranks = client.post(
        f"/api/chats/{asking}/context",
        json={**question, "context": {"unit": "exchange", "fusion": "rrf"}},
    ).json()["memories"][0]
    assert by_ranks["prompt_id"] == fact["prompt"]["id"]
    assert abs(by_ranks["score"] - 2.5 / (RRF_K + 1)) < 1e-12

    bad = client.post(
        f"/api/chats/{asking}/context", json={**question, "context": {"fusion": "best"}}
    )
    assert bad.status_code == 400, bad.text
