"""Reading and reshaping branches: a message, its ancestry, the chat's tree, siblings,
HEAD, and pruning a branch (``branches.cypher``)."""

from __future__ import annotations

from collections.abc import Callable

from threadgraph.errors import Conflict, InvalidInput, NotFound
from threadgraph.models import Chat, ChatTree, Message, PruneResult, Siblings
from threadgraph.rules import check_id
from threadgraph.store import records
from threadgraph.store.session import Tx

WINDOW = 64  # messages per round trip when reading a branch under a budget (branches.window)


def message(tx: Tx, user_id: str, message_id: str) -> Message:
    message_id = records.lookup_id(message_id, "message")
    row = tx.one("branches.message", message_id=message_id, user_id=user_id)
    if row is None:
        raise NotFound(f"message {message_id} not found")
    return records.message(row["message"])


def for_update(tx: Tx, user_id: str, message_id: str) -> tuple[Message, Chat]:
    """A message of the person's and its chat, locked for this transaction."""
    message_id = records.lookup_id(message_id, "message")
    row = tx.one("branches.for_update", message_id=message_id, user_id=user_id, now=records.now())
    if row is None:
        raise NotFound(f"message {message_id} not found")
    return records.message(row["message"]), records.chat(row["chat"])


def ancestry(tx: Tx, user_id: str, message_id: str) -> list[Message]:
    """The messages from the root to ``message_id``, in order."""
    message_id = records.lookup_id(message_id, "message")
    row = tx.one("branches.ancestry", message_id=message_id, user_id=user_id)
    if row is None:
        raise NotFound(f"message {message_id} not found")
    return [records.message(item) for item in row["branch"]]


def active(tx: Tx, chat: Chat, user_id: str) -> list[Message]:
    """The messages from the root to the chat's HEAD, in order (empty for a new chat)."""
    leaf = chat.head_id or chat.forked_from_id  # a new fork shows the history it continues
    return ancestry(tx, user_id, leaf) if leaf is not None else []


def recent(
    tx: Tx,
    user_id: str,
    leaf_id: str,
    budget: int,
    cost: Callable[[Message], int] = lambda m: len(m.content),
) -> list[Message]:
    """The branch ending at ``leaf_id``, oldest first, cut to the newest messages whose
    ``cost`` fits ``budget``; the leaf is always included. Reads at most what it keeps
    plus one window, however deep the branch: this is what feeds a model."""
    leaf_id = records.lookup_id(leaf_id, "message")
    newest_first: list[Message] = []
    used = 0
    cursor: str | None = leaf_id
    while cursor is not None:
        batch = [
            records.message(row["message"])
            for row in tx.rows("branches.window", message_id=cursor, user_id=user_id)
        ]
        for item in batch:
            size = cost(item)
            if newest_first and used + size > budget:
                return list(reversed(newest_first))
            newest_first.append(item)
            used += size
        cursor = batch[-1].parent_id if len(batch) == WINDOW else None
    if not newest_first:
        raise NotFound(f"message {leaf_id} not found")
    return list(reversed(newest_first))


def tree(tx: Tx, user_id: str, chat_id: str) -> ChatTree:
    chat_id = records.lookup_id(chat_id, "chat")
    row = tx.one("branches.tree", chat_id=chat_id, user_id=user_id)
    if row is None:
        raise NotFound(f"chat {chat_id} not found")
    chat = records.chat(row["chat"])
    return ChatTree(
        chat_id=chat.id,
        head_id=chat.head_id,
        messages=[records.message(m) for m in row["messages"]],
        forked_from_id=chat.forked_from_id,
    )


def siblings(tx: Tx, user_id: str, message_id: str) -> Siblings:
    message_id = records.lookup_id(message_id, "message")
    found = _siblings(tx, user_id, message_id)
    ids = [m.id for m in found]
    if message_id not in ids:
        raise NotFound(f"message {message_id} not found")
    return Siblings(messages=found, position=ids.index(message_id))


def switch_head(tx: Tx, user_id: str, chat: Chat, message_id: str) -> Chat:
    """Show another branch: HEAD goes to ``message_id``, or, when it has children, to the
    leaf reached by always taking the most recently created child. ``chat`` is locked."""
    message_id = check_id(message_id, "head_id")
    found = tx.one("branches.in_chat", message_id=message_id, chat_id=chat.id, user_id=user_id)
    if found is None:
        raise InvalidInput(f"head_id {message_id} is not a message of this chat")
    return _move_head(tx, chat.id, _newest_leaf(tx, chat.id, message_id) or message_id)


def prune(tx: Tx, user_id: str, message_id: str) -> PruneResult:
    """Delete a message and everything below it in its chat.

    HEAD, if it was in the pruned part, moves to the newest leaf under the nearest
    remaining sibling, else to the parent. A branch that a fork continues from is not
    pruned (Conflict): the fork would lose its history.
    """
    top, chat = for_update(tx, user_id, message_id)
    subtree = tx.one("branches.subtree", message_id=top.id)
    assert subtree is not None
    if subtree["forks"]:
        raise Conflict(
            f"{len(subtree['forks'])} forked chat(s) continue from this branch; "
            "delete them first, or keep the branch"
        )
    doomed = set(subtree["ids"])
    beside = _siblings(tx, user_id, top.id)
    tx.run("branches.delete_messages", ids=list(doomed))
    if chat.head_id is not None and chat.head_id not in doomed:
        return PruneResult(deleted=len(doomed), head_id=chat.head_id)
    new_head = _head_after_prune(tx, top, beside)
    _move_head(tx, chat.id, new_head)
    return PruneResult(deleted=len(doomed), head_id=new_head)


def _head_after_prune(tx: Tx, top: Message, beside: list[Message]) -> str | None:
    remaining = [m for m in beside if m.id != top.id]
    if remaining:
        # The sibling created just before the pruned one, else the one just after.
        before = [m for m in remaining if (m.created_at, m.id) < (top.created_at, top.id)]
        nearest = before[-1] if before else remaining[0]
        return _newest_leaf(tx, top.chat_id, nearest.id) or nearest.id
    if top.parent_id is None:
        return None
    in_chat = tx.one(
        "branches.in_chat", message_id=top.parent_id, chat_id=top.chat_id, user_id=top.user_id
    )
    # The parent may be the fork point in another chat: then the fork has no own messages
    # left and shows the history it continues.
    return top.parent_id if in_chat is not None else None


def _siblings(tx: Tx, user_id: str, message_id: str) -> list[Message]:
    rows = tx.rows("branches.siblings", message_id=message_id, user_id=user_id)
    return [records.message(row["message"]) for row in rows]


def _newest_leaf(tx: Tx, chat_id: str, message_id: str) -> str | None:
    leaf = tx.one("branches.newest_leaf_under", message_id=message_id, chat_id=chat_id)
    return str(leaf["id"]) if leaf is not None else None


def _move_head(tx: Tx, chat_id: str, message_id: str | None) -> Chat:
    row = tx.one("branches.move_head", chat_id=chat_id, message_id=message_id)
    assert row is not None
    return records.chat(row["chat"])
