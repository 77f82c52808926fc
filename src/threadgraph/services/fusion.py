"""Fusing the memory candidates of several retrieval methods into one ranking.

Each method (vector, keyword, topic) finds exchanges with its own score. Two fusions:

- ``rrf``: weighted reciprocal-rank fusion, sum of weight / (60 + rank). Only ranks count,
  so a keyword hit far ahead of the next one weighs as much as a narrow winner.
- ``score``: each method's scores normalised to 0..1 over its own candidates (min-max: the
  best is 1, the worst 0), then summed with the weights. A method that is sure (one hit
  far ahead) counts more than one that is not.

A memory is one exchange (a prompt and its reply, keyed by the prompt's id; its best hit
per method counts) or, with the unit ``message``, the one message a method found, keyed by
its own id. Conversations say a fact in one turn; an exchange gives the model both turns
whichever held it. With the unit ``message``, ``neighbour_weight`` adds that share of the
best fused score among a message's neighbours on its branch (the turns just before and
after): a turn that answers or continues a strong hit rises with it.

Search fuses its keyword and vector hits of messages with the same function
(:func:`fuse_ranked`), by ranks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from threadgraph.models import MemoryHit

RRF_K = 60  # the usual reciprocal-rank-fusion constant: damps the top ranks' weight
METHODS = ("vector", "keyword", "topic")
FUSIONS = ("rrf", "score")

Item = TypeVar("Item")


@dataclass(frozen=True)
class Fused(Generic[Item]):
    item: Item  # its best-ranked hit
    score: float  # the fused score (see the module's docstring for each fusion)
    ranks: dict[str, int]  # rank per method that found it (1 = best)


@dataclass(frozen=True)
class Memory:
    hit: MemoryHit  # the exchange (its best-ranked hit)
    score: float  # the fused score (see the module's docstring for each fusion)
    ranks: dict[str, int]  # rank per retrieval method that found it (1 = best)
    unit: str = "exchange"  # or "message": the found message alone

    @property
    def message_ids(self) -> tuple[str, ...]:
        """The turns this memory gives the model, in the order they are shown."""
        if self.unit == "message":
            return (self.hit.found_id,)
        return (self.hit.prompt_id, self.hit.reply_id)


def fuse_ranked(
    hits: Iterable[Item],
    method: Callable[[Item], str],
    key: Callable[[Item], str],
    score: Callable[[Item], float],
    weights: Mapping[str, float],
    fusion: str = "rrf",
) -> list[Fused[Item]]:
    """One ranking of the hits of several methods, best first, one entry per ``key``
    (its first hit in ``weights``' order of methods, the best of that method). A method
    of weight 0, or not in ``weights``, is left out; ties go to the smaller key."""
    hits = list(hits)
    best: dict[str, Item] = {}
    ranks: dict[str, dict[str, int]] = {}
    normalised: dict[str, dict[str, float]] = {}
    for via, weight in weights.items():
        if weight <= 0:
            continue  # a weight of 0 leaves the method out, not just last
        ordered = sorted((h for h in hits if method(h) == via), key=lambda h: -score(h))
        own: dict[str, float] = {}
        for hit in ordered:
            if key(hit) in own:
                continue
            own[key(hit)] = score(hit)
            ranks.setdefault(key(hit), {})[via] = len(own)
            best.setdefault(key(hit), hit)
        normalised[via] = _min_max(own)
    fused = []
    for k, by_via in ranks.items():
        if fusion == "score":
            total = sum(weights[v] * normalised[v][k] for v in by_via)
        else:
            total = sum(weights[v] / (RRF_K + r) for v, r in by_via.items())
        fused.append(Fused(best[k], total, by_via))
    return sorted(fused, key=lambda f: (-f.score, key(f.item)))


def fuse(
    hits: Iterable[MemoryHit],
    keyword_weight: float = 1.0,
    topic_weight: float = 0.0,
    fusion: str = "rrf",
    unit: str = "exchange",
    neighbour_weight: float = 0.0,
    neighbour_candidates: bool = False,
) -> list[Memory]:
    """One ranking of memories (exchanges keyed by the prompt's id, or single messages),
    best first; the vector method weighs 1, a weight of 0 leaves a method out."""
    weights = {"vector": 1.0, "keyword": keyword_weight, "topic": topic_weight}
    key: Callable[[MemoryHit], str] = (
        (lambda h: h.found_id) if unit == "message" else (lambda h: h.prompt_id)
    )
    fused = fuse_ranked(hits, lambda h: h.via, key, lambda h: h.score, weights, fusion)
    memories = [Memory(f.item, f.score, f.ranks, unit) for f in fused]
    if unit != "message" or neighbour_weight <= 0:
        return memories
    own = {m.hit.found_id: m.score for m in memories}
    lifted = [
        Memory(m.hit, m.score + neighbour_weight * _best_neighbour(m.hit, own), m.ranks, unit)
        for m in memories
    ]
    if neighbour_candidates:
        lifted += _neighbours_found_by_none(memories, neighbour_weight, unit)
    return sorted(lifted, key=lambda m: (-m.score, m.hit.found_id))


def _best_neighbour(hit: MemoryHit, scores: Mapping[str, float]) -> float:
    return max((scores.get(n.id, 0.0) for n in hit.neighbours), default=0.0)


def _neighbours_found_by_none(
    memories: list[Memory], neighbour_weight: float, unit: str
) -> list[Memory]:
    """The turns beside the hits that no method found themselves, each scored with its
    best neighbour's share (the found message alone is quoted: the exchange around it
    is not known)."""
    found = {m.hit.found_id for m in memories}
    extra: dict[str, Memory] = {}
    for memory in memories:
        for turn in memory.hit.neighbours:
            score = neighbour_weight * memory.score
            if turn.id in found or (turn.id in extra and extra[turn.id].score >= score):
                continue
            prompt = turn if turn.role == "user" else None
            reply = None if prompt else turn
            hit = replace(
                memory.hit,
                via="neighbour",
                message_id=turn.id,
                prompt_id=prompt.id if prompt else "",
                prompt=prompt.content if prompt else "",
                reply_id=reply.id if reply else "",
                reply=reply.content if reply else "",
                neighbours=(),
            )
            extra[turn.id] = Memory(hit, score, {}, unit)
    return list(extra.values())


def _min_max(scores: dict[str, float]) -> dict[str, float]:
    """0 for the method's worst candidate, 1 for its best; a lone candidate (or ties
    only) gets 1."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    spread = high - low
    return {k: (v - low) / spread if spread > 0 else 1.0 for k, v in scores.items()}
