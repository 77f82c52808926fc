"""Writing one imported conversation (services/imports): the store side.

One transaction per conversation. What is already stored is left as it is; only what
extends the stored chat is added. Two imports of the same file at the same time meet at
the uniqueness constraints: the one that loses reads again and finds everything there.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from neo4j import exceptions as neo4j_errors

from threadgraph.errors import Conflict, NotFound
from threadgraph.models import ExchangeToTag, ImportChat, ImportWrite
from threadgraph.store import records
from threadgraph.store.session import Database, Tx


def write_chat(db: Database, user_id: str, chat: ImportChat) -> ImportWrite:
    """The chat if it is new, the messages not yet there (with their FOLLOWS links) and
    HEAD. An id that belongs to someone else or to another chat is a Conflict and nothing
    of the conversation is written. A stored chat of the same id that shares none of the
    messages is not touched: the result says ``diverged``."""
    work = partial(_write_chat, user_id=user_id, chat=chat)
    try:
        return db.write(work)
    except Conflict as error:
        if not _clash(error):
            raise
    # Another import wrote the same chat or messages between our read and our write; it
    # has committed, so reading again finds them there.
    try:
        return db.write(work)
    except Conflict as error:
        if _clash(error):
            raise Conflict(
                "already imported (by another import running at the same time)"
            ) from None
        raise


def _write_chat(tx: Tx, user_id: str, chat: ImportChat) -> ImportWrite:
    """One try at writing the conversation (see write_chat)."""
    ids = [m.id for m in chat.messages]
    # Two statements, in this order (see the query file): the chat, then its messages.
    state = tx.one("imports.chat_state", chat_id=chat.id)
    assert state is not None
    found_messages = tx.rows("imports.existing_messages", ids=ids)
    if state["chat_exists"] and state["owner_id"] != user_id:
        raise Conflict(f"chat id {chat.id} is already used by other data")
    existing = set()
    for found in found_messages:
        if found["user_id"] != user_id or found["chat_id"] != chat.id:
            raise Conflict(f"message id {found['id']} is already used by another chat")
        existing.add(found["id"])
    if state["chat_exists"] and state["stored"] and ids and not existing:
        return ImportWrite(chat_created=False, messages_created=0, diverged=True)
    new = [m for m in chat.messages if m.id not in existing]
    if state["chat_exists"] and not new:
        return ImportWrite(chat_created=False, messages_created=0)
    row = tx.one(
        "imports.write",
        user_id=user_id,
        chat_id=chat.id,
        properties=chat.properties,
        forked_from_id=chat.forked_from_id,
        updated_at=chat.properties.get("updated_at"),
        messages=[{"id": m.id, "properties": m.properties} for m in new],
        links=[{"child": m.id, "parent": m.parent_id} for m in new if m.parent_id],
        head_id=chat.head_id,
    )
    if row is None:
        # Raising rolls the transaction back: nothing of the conversation stays.
        again = tx.one("imports.chat_state", chat_id=chat.id)
        if again is not None and again["chat_exists"]:
            raise Conflict(f"chat id {chat.id} is already used by other data")
        raise NotFound(f"user {user_id} not found")
    return ImportWrite(bool(row["created"]), len(new), int(row["links_missing"]))


def used_context(tx: Tx, user_id: str, edges: list[dict[str, Any]]) -> int:
    """USED_CONTEXT edges between the person's messages (by graph id); returns how many
    are there afterwards."""
    row = tx.one("imports.used_context", user_id=user_id, edges=edges)
    return int(row["linked"]) if row is not None else 0


def exchanges_without_topics(tx: Tx, user_id: str, limit: int) -> list[ExchangeToTag]:
    """Imported exchanges not yet given topics."""
    rows = tx.rows("imports.exchanges_without_topics", user_id=user_id, limit=limit)
    return [
        ExchangeToTag(r["prompt_id"], r["prompt"], r["reply_id"], r["reply"], r["reply_embedding"])
        for r in rows
    ]


def count_exchanges_without_topics(tx: Tx, user_id: str) -> int:
    row = tx.one("imports.count_exchanges_without_topics", user_id=user_id)
    return int(row["missing"]) if row is not None else 0


def mark_topics_done(tx: Tx, user_id: str, reply_ids: list[str]) -> None:
    tx.run("imports.mark_topics", user_id=user_id, ids=reply_ids, now=records.now())


def _clash(error: Any) -> bool:
    return isinstance(error.__cause__, neo4j_errors.ConstraintError)
