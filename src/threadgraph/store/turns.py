"""Writing messages: appends, turns (a prompt and its streaming reply), regenerations,
edits, and how a reply ends (``turns.cypher``).

Each function runs inside the caller's transaction and locks the chat first, so writes to
one chat queue behind each other and HEAD moves one transaction at a time. A client-given
message id makes a write idempotent: a retry finds it and returns it (``created=False``).
"""

from __future__ import annotations

from collections.abc import Callable

from threadgraph.errors import InvalidInput
from threadgraph.models import (
    AppendResult,
    Chat,
    Message,
    NewMessage,
    ReplyEnd,
    ReplyLease,
    Role,
    Status,
    TurnStart,
)
from threadgraph.rules import check_id, new_id
from threadgraph.store import branches, chats, records
from threadgraph.store.session import Tx

# The service's rule for which model answers, given the chat and the reply being replaced
# (None for a new prompt); called inside the transaction, so it must only decide.
ModelChoice = Callable[[Chat, Message | None], str]


def append(
    tx: Tx, user_id: str, chat_id: str, new: NewMessage, parent_id: str | None
) -> AppendResult:
    """Add a message under ``parent_id`` (default: the chat's HEAD) and move HEAD to it."""
    message_id, parent_id = _message_id(new), _parent_id(parent_id)
    chat = chats.lock(tx, user_id, chat_id)
    existing = _find(tx, message_id)
    if existing is not None:
        stored = records.same_message(existing, user_id, chat.id, new, parent_id)
        return AppendResult(stored, created=False)
    parent = _parent_in_chat(tx, user_id, chat, parent_id)
    return AppendResult(_create(tx, user_id, chat.id, message_id, new, parent), created=True)


def begin(
    tx: Tx,
    user_id: str,
    chat_id: str,
    prompt: NewMessage,
    choose_model: ModelChoice,
    parent_id: str | None,
    lease: ReplyLease,
) -> TurnStart:
    """The prompt under its parent (default HEAD), an empty ``streaming`` reply under the
    prompt (held by ``lease``), HEAD on the reply. A retried prompt id returns the turn
    already begun (its newest reply) instead of starting another."""
    if prompt.role is not Role.USER:
        raise InvalidInput("a turn starts with a user message")
    prompt_id, parent_id = _message_id(prompt), _parent_id(parent_id)
    chat = chats.lock(tx, user_id, chat_id)
    model = choose_model(chat, None)
    found = _begun(tx, user_id, chat, prompt_id, prompt, parent_id)
    if found is not None:
        stored, reply = found
        if reply is not None:
            return TurnStart(stored, reply, created=False)
        reply = _placeholder(tx, user_id, chat.id, stored.id, model, lease)
        return TurnStart(stored, reply, created=False)
    parent = _parent_in_chat(tx, user_id, chat, parent_id)
    stored = _create(tx, user_id, chat.id, prompt_id, prompt, parent)
    reply = _placeholder(tx, user_id, chat.id, stored.id, model, lease)
    return TurnStart(stored, reply, created=True)


def retried(
    tx: Tx, user_id: str, chat_id: str, prompt: NewMessage, parent_id: str | None
) -> TurnStart | None:
    """The turn a retried prompt id began, read without locking or writing: a retry
    answers from the store before anything is computed for it (no embedding). None when
    the id is new, or its prompt has no reply yet: :func:`begin` handles both. A retry
    that asks for another message is a Conflict, as in :func:`begin`."""
    if prompt.role is not Role.USER or prompt.id is None:
        return None
    prompt_id, parent_id = _message_id(prompt), _parent_id(parent_id)
    chat = chats.get(tx, user_id, chat_id)
    found = _begun(tx, user_id, chat, prompt_id, prompt, parent_id)
    if found is None or found[1] is None:
        return None
    return TurnStart(found[0], found[1], created=False)


def regenerate(
    tx: Tx, user_id: str, reply_id: str, choose_model: ModelChoice, lease: ReplyLease
) -> TurnStart:
    """A new streaming reply beside ``reply_id``, to the same prompt; HEAD moves to it.
    The prompt is a message of the chat or, in a fork, the message it was forked from."""
    old, chat = branches.for_update(tx, user_id, reply_id)
    if old.role is not Role.ASSISTANT or old.parent_id is None:
        raise InvalidInput("only a reply (an assistant message) can be regenerated")
    prompt = _find(tx, old.parent_id)
    if prompt is None or prompt.role is not Role.USER:
        raise InvalidInput("only a prompt (a user message) can be answered again")
    reply = _placeholder(tx, user_id, chat.id, prompt.id, choose_model(chat, old), lease)
    return TurnStart(prompt=prompt, reply=reply, created=True)


def edit(
    tx: Tx,
    user_id: str,
    message_id: str,
    prompt: NewMessage,
    choose_model: ModelChoice,
    lease: ReplyLease,
) -> TurnStart:
    """A new version of a prompt: a sibling under the same parent, a streaming reply to
    it, HEAD on the reply. The original prompt and its replies stay as they are."""
    original, chat = branches.for_update(tx, user_id, message_id)
    if original.role is not Role.USER:
        raise InvalidInput("only a prompt (a user message) can be edited")
    stored = _create(tx, user_id, chat.id, new_id(), prompt, original.parent_id)
    reply = _placeholder(tx, user_id, chat.id, stored.id, choose_model(chat, None), lease)
    return TurnStart(prompt=stored, reply=reply, created=True)


def finish(tx: Tx, message_id: str, end: ReplyEnd) -> Message | None:
    """Write how a reply ended; None if it had already ended (it is never rewritten)."""
    row = tx.one(
        "turns.finish",
        message_id=message_id,
        content=end.content,
        status=end.status.value,
        model=end.model,
        tokens=end.tokens,
        prompt_tokens=end.prompt_tokens,
        error=end.error,
        embedding=end.embedding,
        prompt_embedding=end.prompt_embedding,
        used_context=[
            {"id": u.message_id, "via": u.via, "score": u.score, "rank": u.rank}
            for u in end.used_context
        ],
        now=records.now(),
    )
    return records.message(row["message"]) if row is not None else None


def _message_id(new: NewMessage) -> str:
    return check_id(new.id, "message id") if new.id else new_id()


def _parent_id(parent_id: str | None) -> str | None:
    return check_id(parent_id, "parent_id") if parent_id is not None else None


def _find(tx: Tx, message_id: str) -> Message | None:
    row = tx.one("turns.find", message_id=message_id)
    return records.message(row["message"]) if row is not None else None


def _begun(
    tx: Tx, user_id: str, chat: Chat, prompt_id: str, prompt: NewMessage, parent_id: str | None
) -> tuple[Message, Message | None] | None:
    """A prompt already stored under ``prompt_id`` and its newest reply (None before the
    reply is made); None for a new id. Conflict if the id holds another message."""
    existing = _find(tx, prompt_id)
    if existing is None:
        return None
    stored = records.same_message(existing, user_id, chat.id, prompt, parent_id)
    latest = tx.one("turns.latest_reply_to", prompt_id=stored.id)
    return stored, records.message(latest["message"]) if latest is not None else None


def _parent_in_chat(tx: Tx, user_id: str, chat: Chat, parent_id: str | None) -> str | None:
    """The parent for a new message: the one asked for, if it is a message of this chat
    or the message the chat was forked from; else HEAD (or the fork point)."""
    if parent_id is None:
        return chat.head_id or chat.forked_from_id
    if parent_id == chat.forked_from_id:
        return parent_id
    found = tx.one("branches.in_chat", message_id=parent_id, chat_id=chat.id, user_id=user_id)
    if found is None:
        raise InvalidInput(f"parent_id {parent_id} is not a message of this chat")
    return parent_id


def _create(
    tx: Tx,
    user_id: str,
    chat_id: str,
    message_id: str,
    new: NewMessage,
    parent_id: str | None,
    lease: ReplyLease | None = None,
) -> Message:
    row = tx.one(
        "turns.create",
        chat_id=chat_id,
        message_id=message_id,
        user_id=user_id,
        role=new.role.value,
        content=new.content,
        status=new.status.value,
        model=new.model,
        tokens=new.tokens,
        embedding=new.embedding,
        parent_id=parent_id,
        owner=lease.owner if lease is not None else None,
        lease_until=records.lease_until(lease) if lease is not None else None,
        now=records.now(),
    )
    assert row is not None
    return records.message(row["message"])


def _placeholder(
    tx: Tx, user_id: str, chat_id: str, prompt_id: str, model: str, lease: ReplyLease
) -> Message:
    placeholder = NewMessage(Role.ASSISTANT, "", status=Status.STREAMING, model=model)
    return _create(tx, user_id, chat_id, new_id(), placeholder, prompt_id, lease)
