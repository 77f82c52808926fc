"""Rows into records: the one place a query's row becomes a threadgraph dataclass.

Queries project a message with ``@message(m)`` and a chat with ``@chat(c)`` (fragments in
``cypher/queries/records.cypher``), so each record has one shape in Cypher and one reader
here. Also the small value helpers every aggregate uses: ids, times, the page cursor.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from threadgraph.errors import Conflict, InvalidInput, NotFound
from threadgraph.models import Chat, Message, NewMessage, ReplyLease, Role, Status, User
from threadgraph.rules import check_id

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def lease_until(lease: ReplyLease) -> datetime:
    """When a lease taken or renewed now runs out."""
    return now() + timedelta(seconds=lease.seconds)


def native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def instant(value: Any) -> datetime:
    """A stored time, returned either as a DateTime or, where decoding cost matters (every
    message), as integer microseconds since the epoch."""
    if isinstance(value, int):
        return _EPOCH + timedelta(microseconds=value)
    decoded: datetime = native(value)
    return decoded


def lookup_id(value: str, what: str) -> str:
    """An id used to look something up: a malformed one simply finds nothing."""
    try:
        return check_id(value, what)
    except InvalidInput:
        raise NotFound(f"{what} {value!r} not found") from None


def user(data: dict[str, Any]) -> User:
    return User(id=data["id"], name=data["name"], created_at=native(data["created_at"]))


def chat(data: dict[str, Any]) -> Chat:
    """A chat from ``@chat(c)``."""
    return Chat(
        id=data["id"],
        title=data["title"],
        model=data.get("model"),
        created_at=instant(data["created_at"]),
        updated_at=instant(data["updated_at"]),
        head_id=data.get("head_id"),
        forked_from_id=data.get("forked_from_id"),
        title_source=data.get("title_source") or "user",
    )


def message(data: dict[str, Any], parent_id: str | None = None) -> Message:
    """A message from ``@message(m)``; a query that knows the parent otherwise (a walk
    down a branch) passes it."""
    return Message(
        id=data["id"],
        chat_id=data["chat_id"],
        parent_id=data.get("parent_id", parent_id),
        user_id=data["user_id"],
        role=Role(data["role"]),
        content=data["content"],
        status=Status(data["status"]),
        model=data.get("model"),
        created_at=instant(data["created_at"]),
        tokens=data.get("tokens"),
        prompt_tokens=data.get("prompt_tokens"),
        error=data.get("error"),
    )


def same_message(
    stored: Message, user_id: str, chat_id: str, new: NewMessage, parent_id: str | None
) -> Message:
    """The stored message for a retried id, if the retry asks for the same message."""
    same = (
        stored.user_id == user_id
        and stored.chat_id == chat_id
        and stored.role == new.role
        and stored.content == new.content
        and (parent_id is None or stored.parent_id == parent_id)
    )
    if not same:
        raise Conflict(f"message id {stored.id} is already used for a different message")
    return stored


def encode_cursor(last: Chat) -> str:
    payload = json.dumps({"u": last.updated_at.isoformat(), "i": last.id})
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(data["u"]), str(data["i"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InvalidInput("cursor is not one this server handed out") from None
