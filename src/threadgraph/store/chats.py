"""Chats: create, read, page, rename, choose a model, fork, delete (``chats.cypher``).

Every function takes an open transaction and the caller's user id; another person's chat,
like a deleted one, is :class:`~threadgraph.errors.NotFound`.
"""

from __future__ import annotations

from neo4j import Record

from threadgraph.errors import Conflict, InvalidInput, NotFound
from threadgraph.models import Chat, ChatPage
from threadgraph.rules import check_id, new_id
from threadgraph.store import records
from threadgraph.store.session import Tx

MAX_PAGE = 200
MAX_HIDDEN_PASSES = 8  # chains of forks of deleted chats; each pass releases one link


def create(
    tx: Tx, user_id: str, chat_id: str, title: str, title_source: str, model: str | None
) -> Chat:
    """A new chat; a retried client-given id returns the chat already made."""
    owner = tx.one("chats.owner", chat_id=chat_id)
    if owner is not None:
        if owner["owner_id"] == user_id:
            return get(tx, user_id, chat_id)
        raise Conflict(f"chat id {chat_id} is already in use")
    row = tx.one(
        "chats.create",
        user_id=user_id,
        chat_id=chat_id,
        title=title,
        title_source=title_source,
        model=model,
        now=records.now(),
    )
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return records.chat(row["chat"])


def get(tx: Tx, user_id: str, chat_id: str) -> Chat:
    chat_id = records.lookup_id(chat_id, "chat")
    return _found(tx.one("chats.get", chat_id=chat_id, user_id=user_id), chat_id)


def lock(tx: Tx, user_id: str, chat_id: str) -> Chat:
    """The chat, locked for the rest of this transaction (writes to it queue behind)."""
    chat_id = records.lookup_id(chat_id, "chat")
    return _found(
        tx.one("chats.lock", chat_id=chat_id, user_id=user_id, now=records.now()), chat_id
    )


def page(tx: Tx, user_id: str, limit: int = 50, cursor: str | None = None) -> ChatPage:
    """The user's chats, most recently active first, ``limit`` at a time."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    after_updated_at, after_id = records.decode_cursor(cursor) if cursor else (None, None)
    rows = tx.rows(
        "chats.page",
        user_id=user_id,
        after_updated_at=after_updated_at,
        after_id=after_id,
        limit=limit + 1,  # one more than asked tells whether a next page exists
    )
    chats = [records.chat(row["chat"]) for row in rows]
    has_more = len(chats) > limit
    chats = chats[:limit]
    return ChatPage(chats=chats, next_cursor=records.encode_cursor(chats[-1]) if has_more else None)


def update(tx: Tx, user_id: str, chat_id: str, title: str | None, model: str | None) -> Chat:
    """Rename (the title is then the person's) and/or choose the model; None keeps it."""
    if model is not None and not model.strip():
        raise InvalidInput("model is empty")
    row = tx.one(
        "chats.update",
        chat_id=chat_id,
        user_id=user_id,
        title=title,
        model=model.strip() if model is not None else None,
    )
    return _found(row, chat_id)


def set_generated_title(tx: Tx, user_id: str, chat_id: str, title: str) -> bool:
    """Title a chat after its first exchange, unless the person already named it."""
    row = tx.one("chats.set_generated_title", chat_id=chat_id, user_id=user_id, title=title)
    return row is not None


def fork(tx: Tx, user_id: str, message_id: str, title: str | None, max_title_chars: int) -> Chat:
    """A new chat continuing from ``message_id``: FORKED_FROM it, nothing copied."""
    message_id = records.lookup_id(message_id, "message")
    row = tx.one(
        "chats.create_fork",
        user_id=user_id,
        message_id=message_id,
        chat_id=new_id(),
        title=title,
        max_title_chars=max_title_chars,
        now=records.now(),
    )
    if row is None:
        raise NotFound(f"message {message_id} not found")
    return records.chat(row["chat"])


def delete(tx: Tx, user_id: str, chat_id: str) -> int:
    """Delete a chat and its messages; returns how many messages went.

    No fork loses its history: messages that another chat continues from (directly or
    below a fork point) are kept, in the chat, which stays hidden (``deleted_at``) and is
    gone from every listing and lookup. When the last fork that needed them is deleted,
    they go too.
    """
    chat = lock(tx, user_id, chat_id)
    deleted = _delete_keeping_forks(tx, chat.id)
    # Deleting this chat may release history a hidden chat was keeping for it.
    for _ in range(MAX_HIDDEN_PASSES):
        hidden = tx.rows("chats.hidden", user_id=user_id)
        if not sum(_delete_keeping_forks(tx, row["id"]) for row in hidden):
            break
    return deleted


def new_chat_id(chat_id: str | None) -> str:
    return check_id(chat_id, "chat id") if chat_id else new_id()


def _delete_keeping_forks(tx: Tx, chat_id: str) -> int:
    needed = tx.one("chats.messages_needed_elsewhere", chat_id=chat_id)
    keep = list(needed["needed"]) if needed is not None else []
    row = tx.one("chats.delete_keeping", chat_id=chat_id, keep=keep, now=records.now())
    return int(row["deleted"]) if row is not None else 0


def _found(row: Record | None, chat_id: str) -> Chat:
    if row is None:
        raise NotFound(f"chat {chat_id} not found")
    return records.chat(row["chat"])
