"""Fusing the memory candidates of several retrieval methods into one ranking.

Each method (vector, keyword, topic) finds exchanges with its own score. Two fusions:

- ``rrf``: weighted reciprocal-rank fusion, sum of weight / (60 + rank). Only ranks count,
  so a keyword hit far ahead of the next one weighs as much as a narrow winner.
- ``score``: each method's scores normalised to 0..1 over its own candidates (min-max: the
  best is 1, the worst 0), then summed with the weights. A method that is sure (one hit
  far ahead) counts more than one that is not.

One entry per exchange (a prompt and its reply), keyed by the prompt's id; its best hit
per method counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from threadgraph.models import MemoryHit

RRF_K = 60  # the usual reciprocal-rank-fusion constant: damps the top ranks' weight
METHODS = ("vector", "keyword", "topic")
FUSIONS = ("rrf", "score")


@dataclass(frozen=True)
class Memory:
    hit: MemoryHit  # the exchange (its best-ranked hit)
    score: float  # the fused score (see the module's docstring for each fusion)
    ranks: dict[str, int]  # rank per retrieval method that found it (1 = best)


def fuse(
    hits: Iterable[MemoryHit],
    keyword_weight: float = 1.0,
    topic_weight: float = 0.0,
    fusion: str = "rrf",
) -> list[Memory]:
    """One ranking of exchanges, best first; the vector method weighs 1, a weight of 0
    leaves a method out."""
    weight = {"vector": 1.0, "keyword": keyword_weight, "topic": topic_weight}
    best: dict[str, MemoryHit] = {}
    ranks: dict[str, dict[str, int]] = {}
    scores: dict[str, dict[str, float]] = {}
    hits = list(hits)
    for via in METHODS:
        if weight[via] <= 0:
            continue  # a weight of 0 leaves the method out, not just last
        ordered = sorted((h for h in hits if h.via == via), key=lambda h: -h.score)
        own: dict[str, float] = {}
        for hit in ordered:
            if hit.prompt_id in own:
                continue
            own[hit.prompt_id] = hit.score
            ranks.setdefault(hit.prompt_id, {})[via] = len(own)
            best.setdefault(hit.prompt_id, hit)
        scores[via] = _min_max(own)
    memories = []
    for pid, by_via in ranks.items():
        if fusion == "score":
            fused = sum(weight[v] * scores[v][pid] for v in by_via)
        else:
            fused = sum(weight[v] / (RRF_K + r) for v, r in by_via.items())
        memories.append(Memory(best[pid], fused, by_via))
    return sorted(memories, key=lambda m: (-m.score, m.hit.prompt_id))


def _min_max(scores: dict[str, float]) -> dict[str, float]:
    """0 for the method's worst candidate, 1 for its best; a lone candidate (or ties
    only) gets 1."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    spread = high - low
    return {k: (v - low) / spread if spread > 0 else 1.0 for k, v in scores.items()}
