"""Topics: a few key phrases per exchange, found offline with the embedding model.

After a reply ends (off the hot path), candidate phrases are taken from the prompt and
reply: noun-phrase-like runs of words, cut at function words, verbs, adverbs and chat
filler (:mod:`.topic_words`), so that "a dog called Biscuit" gives "dog" and "Biscuit",
never "called Biscuit". The phrases said most often (then first) are embedded with the
same model as messages, scored by cosine similarity to the whole exchange, and picked
with maximal marginal relevance so the topics differ from each other (KeyBERT's method).
A topic is found again by its normalised name, or by meaning when a near-duplicate comes
up (cosine ≥ 0.70 against the person's topic index), so "neo4j" and "Neo4j graph
database" can meet in one node.
Both messages of the exchange get (:Message)-[:BELONGS_TO {score}]->(:Topic).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from threadgraph.models import TopicLink
from threadgraph.ports import Embedder
from threadgraph.services.topic_words import BREAKS, GENERIC

MAX_TOPICS = 3
MIN_SCORE = 0.3
DIVERSITY = 0.5  # MMR: 1 = relevance only, 0 = difference only
# Cosine above which a new topic is taken for an existing one. It was compared with the
# vector index's raw SCORE, (1 + cos) / 2, as 0.85: the same cut as a cosine of 0.70,
# which is what topics have been merged at all along.
DUPLICATE_THRESHOLD = 0.70
MAX_CANDIDATES = 24  # embedding candidates is most of the extraction's time
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+#.\-]*[A-Za-z0-9+#]|[A-Za-z]")


@dataclass(frozen=True)
class TopicCandidate:
    name: str
    normalized: str
    score: float
    embedding: list[float]


def links_for(topics: list[TopicCandidate], message_ids: list[str]) -> list[TopicLink]:
    """The exchange's topics as links to its messages, for ``Neo4jStore.link_topics``."""
    return [TopicLink(t.name, t.normalized, t.embedding, message_ids, t.score) for t in topics]


def normalize(name: str) -> str:
    words = re.sub(r"[^\w\s+#-]", " ", name.lower()).split()
    return " ".join(
        w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def candidate_phrases(text: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Noun-phrase-like phrases of 1 to 3 words, the most frequent first (ties: first
    appearance). A run of words between breaks longer than three gives its sub-phrases."""
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for sentence in re.split(r"[.!?;:\n,()\[\]\"/|*`]|\s-\s", text):
        for run in _runs(_TOKEN.findall(sentence)):
            for size in (1, 2, 3):
                for i in range(len(run) - size + 1):
                    gram = run[i : i + size]
                    if size == 1 and gram[0].lower() in GENERIC:
                        continue
                    key = normalize(" ".join(gram))
                    counts[key] += 1
                    spelled.setdefault(key, " ".join(gram))
    ranked = sorted(counts, key=lambda k: -counts[k])  # stable: first appearance breaks ties
    return [spelled[k] for k in ranked[:limit]]


def _runs(words: list[str]) -> list[list[str]]:
    """Runs of words that can stand in a noun phrase."""
    runs: list[list[str]] = [[]]
    for word in words:
        lowered = word.lower()
        if lowered in BREAKS or len(lowered) < 3 or (lowered.endswith("ly") and len(word) > 4):
            runs.append([])
        else:
            runs[-1].append(word)
    # "Researching adoption agencies", "raising awareness": a leading -ing word with an
    # object after it is a verb phrase; the object is the topic.
    for run in runs:
        while len(run) > 1 and run[0].lower().endswith("ing"):
            del run[0]
    return [run for run in runs if run]


def extract_topics(embedder: Embedder, prompt: str, reply: str) -> list[TopicCandidate]:
    return extract_topics_batch(embedder, [(prompt, reply)])[0]


def extract_topics_batch(
    embedder: Embedder,
    exchanges: list[tuple[str, str]],
    vectors: list[list[float] | None] | None = None,
) -> list[list[TopicCandidate]]:
    """Topics of several exchanges with one call to the model: the exchanges and every
    distinct candidate phrase among them are embedded together (an import's exchanges
    share many phrases, and one large batch is much faster than many small ones).
    ``vectors``: an exchange's vector when one is stored already (its reply's, read with
    the prompt): the exchange's text is the longest thing embedded here, and the most
    costly."""
    known = vectors or [None] * len(exchanges)
    texts = [f"{prompt}\n{reply}" for prompt, reply in exchanges]
    phrases = [candidate_phrases(text) for text in texts]
    distinct = list(dict.fromkeys(p for found in phrases for p in found))
    unknown = [i for i, vector in enumerate(known) if vector is None]
    if not distinct:
        return [[] for _ in exchanges]
    made = embedder.embed([*(texts[i] for i in unknown), *distinct])
    docs = list(known)
    for i, vector in zip(unknown, made, strict=False):
        docs[i] = vector
    by_phrase = dict(zip(distinct, made[len(unknown) :], strict=True))
    return [
        _pick(doc, found, [by_phrase[p] for p in found]) if found and doc is not None else []
        for doc, found in zip(docs, phrases, strict=True)
    ]


def _pick(
    doc: list[float], phrases: list[str], candidates: list[list[float]]
) -> list[TopicCandidate]:
    """Maximal marginal relevance: relevant to the exchange, different from each other."""
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
