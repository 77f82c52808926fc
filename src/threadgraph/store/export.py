"""Parts of the graph for export and drawing (``export.cypher``)."""

from __future__ import annotations

from typing import Any

from threadgraph.errors import NotFound
from threadgraph.store import records
from threadgraph.store.session import Tx

Subgraph = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def subgraph(
    tx: Tx, user_id: str, scope: str, item_id: str | None, embeddings: bool = False
) -> Subgraph:
    """Nodes (id, label, properties; ``embedding`` is None unless ``embeddings``) and
    relationships (source, type, target, properties) of one chat, one topic's
    neighbourhood (``item_id`` is the chat's or the topic's id) or a user's whole history."""
    if scope == "chat":
        chat_id = records.lookup_id(item_id or "", scope)
        rows = tx.rows("export.chat_nodes", user_id=user_id, chat_id=chat_id, embeddings=embeddings)
    elif scope == "topic":
        topic_id = records.lookup_id(item_id or "", scope)
        rows = tx.rows(
            "export.topic_nodes", user_id=user_id, topic_id=topic_id, embeddings=embeddings
        )
    else:
        rows = tx.rows("export.user_nodes", user_id=user_id, embeddings=embeddings)
    nodes = [row.data() for row in rows]
    if scope != "all" and not nodes:
        raise NotFound(f"{scope} {item_id} not found")
    ids = [n["id"] for n in nodes]
    return nodes, [r.data() for r in tx.rows("export.relationships", ids=ids)]


def topic_links(tx: Tx, user_id: str, message_ids: list[str]) -> list[dict[str, Any]]:
    """The topics of these messages: rows of message_id, topic_id, name, score."""
    return [r.data() for r in tx.rows("export.topic_links", user_id=user_id, ids=message_ids)]
