"""Fusing the retrieval methods' candidates: reciprocal ranks or normalised scores."""

from __future__ import annotations

from datetime import UTC, datetime

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
