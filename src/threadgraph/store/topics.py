"""Topics: a person's subjects, shared by their chats (``topics.cypher``).

(:Message)-[:BELONGS_TO {score}]->(:Topic {id, user_id, name, normalized, embedding}).
"""

from __future__ import annotations

from typing import Any

from threadgraph.errors import NotFound
from threadgraph.models import Message
from threadgraph.rules import new_id
from threadgraph.store import records
from threadgraph.store.session import Tx


def link(
    tx: Tx,
    user_id: str,
    name: str,
    normalized: str,
    embedding: list[float],
    message_ids: list[str],
    score: float,
    duplicate_threshold: float,
) -> str | None:
    """Attach the messages to the person's topic of this name, or to a near-duplicate of
    it, creating the topic when it is new; returns the topic id, or None when none of the
    messages is there any more (deleted meanwhile: nothing is made)."""
    found = tx.one("topics.find_exact", user_id=user_id, normalized=normalized)
    if found is None:
        found = tx.one(
            "topics.find_near",
            user_id=user_id,
            embedding=embedding,
            duplicate_threshold=duplicate_threshold,
        )
    row = tx.one(
        "topics.link",
        user_id=user_id,
        topic_id=new_id(),
        name=name,
        normalized=found["normalized"] if found is not None else normalized,
        embedding=embedding,
        message_ids=message_ids,
        score=score,
        now=records.now(),
    )
    return str(row["id"]) if row is not None else None


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
