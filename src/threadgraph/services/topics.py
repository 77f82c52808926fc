"""Topics: a few key phrases per exchange, found offline with the embedding model.

After a reply ends (off the hot path), candidate phrases (1 to 3 words without stop words)
are taken from the prompt and reply, embedded with the same model as messages, scored
by cosine similarity to the whole exchange, and picked with maximal marginal relevance
so the topics differ from each other (KeyBERT's method). A topic is found again by its
normalised name, or by meaning when a near-duplicate comes up (cosine ≥ 0.85 against the
person's topic index), so "neo4j" and "Neo4j graph database" can meet in one node.
Both messages of the exchange get (:Message)-[:BELONGS_TO {score}]->(:Topic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadgraph.ports import Embedder
from threadgraph.services.context import STOPWORDS

MAX_TOPICS = 3
MIN_SCORE = 0.3
DIVERSITY = 0.5  # MMR: 1 = relevance only, 0 = difference only
DUPLICATE_THRESHOLD = 0.85
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+#.\-]*[A-Za-z0-9+#]|[A-Za-z]")
_EXTRA_STOP = frozenset(
    ["yes", "no", "okay", "sure", "well", "really", "thing", "things", "something", "lot"]
)


@dataclass(frozen=True)
class TopicCandidate:
    name: str
    normalized: str
    score: float
    embedding: list[float]


def normalize(name: str) -> str:
    words = re.sub(r"[^\w\s+#-]", " ", name.lower()).split()
    return " ".join(
        w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def candidate_phrases(text: str, limit: int = 60) -> list[str]:
    """1 to 3-word phrases of content words, in order of first appearance."""
    phrases: list[str] = []
    for sentence in re.split(r"[.!?;:\n,()\[\]\"]", text):
        words = _TOKEN.findall(sentence)
        for size in (1, 2, 3):
            for i in range(len(words) - size + 1):
                gram = words[i : i + size]
                lowered = [w.lower() for w in gram]
                if any(w in STOPWORDS or w in _EXTRA_STOP or len(w) < 3 for w in lowered):
                    continue
                phrase = " ".join(gram)
                if phrase.lower() not in (p.lower() for p in phrases):
                    phrases.append(phrase)
    return phrases[:limit]


def extract_topics(embedder: Embedder, prompt: str, reply: str) -> list[TopicCandidate]:
    text = f"{prompt}\n{reply}"
    phrases = candidate_phrases(text)
    if not phrases:
        return []
    vectors = embedder.embed([text, *phrases])
    doc, candidates = vectors[0], vectors[1:]
    relevance = [dot(doc, c) for c in candidates]
    chosen: list[int] = []
    while len(chosen) < min(MAX_TOPICS, len(phrases)):
        best, best_value = -1, -2.0
        for i, rel in enumerate(relevance):
            if i in chosen or rel < MIN_SCORE:
                continue
            redundancy = max((dot(candidates[i], candidates[j]) for j in chosen), default=0.0)
            value = DIVERSITY * rel - (1 - DIVERSITY) * redundancy
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
    return [
        TopicCandidate(phrases[i], normalize(phrases[i]), relevance[i], candidates[i])
        for i in chosen
    ]


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))
