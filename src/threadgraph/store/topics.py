"""Topics: a person's subjects, shared by their chats (``topics.cypher``).

(:Message)-[:BELONGS_TO {score}]->(:Topic {id, user_id, name, normalized, embedding}).
"""

from __future__ import annotations

import math
from typing import Any

from threadgraph.errors import NotFound
from threadgraph.models import Message, TopicLink
from threadgraph.rules import new_id
from threadgraph.store import records
from threadgraph.store.session import Tx


def link_all(
    tx: Tx, user_id: str, links: list[TopicLink], duplicate_threshold: float
) -> list[str | None]:
    """Link each topic to its messages, joining the person's topic of the same name or a
    near-duplicate, creating it when it is new. Two statements for the whole list (an
    import's batch of exchanges, or a reply's few topics). Returns each topic's id, in
    order; None where none of its messages is there any more."""
    if not links:
        return []
    names = [
        {"i": i, "normalized": link.normalized, "embedding": link.embedding}
        for i, link in enumerate(links)
    ]
    known = {
        row["i"]: (bool(row["exact"]), row["near"])
        for row in tx.rows(
            "topics.find_known",
            user_id=user_id,
            names=names,
            duplicate_threshold=duplicate_threshold,
        )
    }
    stored_as = _names_within(links, known, duplicate_threshold)
    rows = tx.rows(
        "topics.link",
        user_id=user_id,
        links=[
            {
                "i": i,
                "topic_id": new_id(),
                "name": link.name,
                "normalized": stored_as[i],
                "embedding": link.embedding,
                "message_ids": link.message_ids,
                "score": link.score,
            }
            for i, link in enumerate(links)
        ],
        now=records.now(),
    )
    ids = {row["i"]: str(row["id"]) for row in rows}
    return [ids.get(i) for i in range(len(links))]


def _names_within(
    links: list[TopicLink],
    known: dict[int, tuple[bool, str | None]],
    duplicate_threshold: float,
) -> list[str]:
    """The normalized name each topic is stored under. The store knew the topics made
    before this list (``known``: same name, or the nearest by meaning); the ones this
    list makes are not in the vector index yet, so a later topic is compared with them
    here: the same name goes where the earlier one went, a near-duplicate joins it."""
    went: dict[str, str] = {}  # a normalized name in this list -> where it is stored
    new: list[tuple[str, list[float]]] = []  # topics this list makes
    stored_as = []
    for i, link in enumerate(links):
        exact, near = known.get(i, (False, None))
        if exact:
            name = link.normalized
        elif link.normalized in went:
            name = went[link.normalized]
        else:
            like = [n for n, e in new if _cosine(e, link.embedding) >= duplicate_threshold]
            name = like[0] if like else near or link.normalized
            if not like and near is None:
                new.append((name, link.embedding))
        went.setdefault(link.normalized, name)
        stored_as.append(name)
    return stored_as


def _cosine(a: list[float], b: list[float]) -> float:
    norms = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norms if norms else 0.0


def listing(tx: Tx, user_id: str, limit: int = 100) -> list[dict[str, Any]]:
    rows = tx.rows("topics.list", user_id=user_id, limit=limit)
    return [{**r.data(), "last_used": records.native(r["last_used"])} for r in rows]


def detail(tx: Tx, user_id: str, topic_id: str) -> tuple[str, list[tuple[Message, str, float]]]:
    """The topic's name and where it came up, over time: (message, chat title, score)."""
    topic_id = records.lookup_id(topic_id, "topic")
    rows = tx.rows("topics.detail", topic_id=topic_id, user_id=user_id)
    if not rows:
        raise NotFound(f"topic {topic_id} not found")
    return rows[0]["name"], [
        (records.message(r["message"]), r["chat_title"], float(r["score"])) for r in rows
    ]


def of_chat(tx: Tx, user_id: str, chat_id: str) -> list[dict[str, Any]]:
    return [r.data() for r in tx.rows("topics.of_chat", chat_id=chat_id, user_id=user_id)]


def related_chats(tx: Tx, user_id: str, chat_id: str, limit: int) -> list[dict[str, Any]]:
    rows = tx.rows("topics.related_chats", chat_id=chat_id, user_id=user_id, limit=limit)
    return [r.data() for r in rows]
