"""Writing one imported conversation (services/imports): the store side.

One transaction per conversation. What is already stored is left as it is; only what
extends the stored chat is added. Two imports of the same file at the same time meet at
the uniqueness constraints: the one that loses reads again and finds everything there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import ManagedTransaction
from neo4j import exceptions as neo4j_errors

from threadgraph.errors import Conflict, NotFound
from threadgraph.models import ImportChat, ImportWrite
from threadgraph.store.queries import Queries

T = TypeVar("T")
Write = Callable[[Callable[[ManagedTransaction], T]], T]


def write_chat(
    write: Write[ImportWrite], q: Queries, user_id: str, chat: ImportChat
) -> ImportWrite:
    """The chat if it is new, the messages not yet there (with their FOLLOWS links) and
    HEAD. An id that belongs to someone else or to another chat is a Conflict and nothing
    of the conversation is written. A stored chat of the same id that shares none of the
    messages is not touched: the result says ``diverged``."""

    def work(tx: ManagedTransaction) -> ImportWrite:
        ids = [m.id for m in chat.messages]
        state = tx.run(q["import_state"], chat_id=chat.id, ids=ids).single()
        assert state is not None
        if state["chat_exists"] and state["owner_id"] != user_id:
            raise Conflict(f"chat id {chat.id} is already used by other data")
        existing = set()
        for found in state["existing"]:
            if found["user_id"] != user_id or found["chat_id"] != chat.id:
                raise Conflict(f"message id {found['id']} is already used by another chat")
            existing.add(found["id"])
        if state["chat_exists"] and state["stored"] and ids and not existing:
            return ImportWrite(chat_created=False, messages_created=0, diverged=True)
        new = [m for m in chat.messages if m.id not in existing]
        if state["chat_exists"] and not new:
            return ImportWrite(chat_created=False, messages_created=0)
        row = tx.run(
            q["import_write"],
            user_id=user_id,
            chat_id=chat.id,
            create=not state["chat_exists"],
            properties=chat.properties,
            forked_from_id=chat.forked_from_id,
            updated_at=chat.properties.get("updated_at"),
            messages=[{"id": m.id, "properties": m.properties} for m in new],
            links=[{"child": m.id, "parent": m.parent_id} for m in new if m.parent_id],
            head_id=chat.head_id,
        ).single()
        if row is None:
            raise NotFound(f"user {user_id} not found")
        return ImportWrite(not state["chat_exists"], len(new), int(row["links_missing"]))

    try:
        return write(work)
    except Conflict as error:
        if not _clash(error):
            raise
    # Another import wrote the same chat or messages between our read and our write; it
    # has committed, so reading again finds them there.
    try:
        return write(work)
    except Conflict as error:
        if _clash(error):
            raise Conflict(
                "already imported (by another import running at the same time)"
            ) from None
        raise


def _clash(error: Any) -> bool:
    return isinstance(error.__cause__, neo4j_errors.ConstraintError)
