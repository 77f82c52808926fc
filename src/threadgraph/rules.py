"""Rules every stored message obeys, checked before anything is written."""

from __future__ import annotations

import uuid

from threadgraph.errors import InvalidInput, TooLarge
from threadgraph.models import NewMessage, Status


def check_new_message(message: NewMessage, max_chars: int) -> None:
    if message.id is not None:
        check_id(message.id, "message id")
    if message.status is Status.COMPLETE and not message.content.strip():
        raise InvalidInput("message content is empty")
    if len(message.content) > max_chars:
        raise TooLarge(
            f"message content is {len(message.content):,} characters; the limit is {max_chars:,}"
        )
    if "\x00" in message.content:
        raise InvalidInput("message content contains a NUL character")


def check_title(title: str, max_chars: int) -> str:
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("title is empty")
    if len(title) > max_chars:
        raise TooLarge(f"title is {len(title)} characters; the limit is {max_chars}")
    return title


def check_id(value: str, what: str) -> str:
    """Ids are UUIDs; anything else is refused before it reaches a query."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput(f"{what} {value!r} is not a UUID") from None


def own_id(user_id: str, client_id: str, what: str) -> str:
    """The stored id for an id a client made, with accounts: a UUID derived from it and
    the person's id. People then never meet in one id space: a client id equal to
    another person's id is answered exactly as a free one (no "already in use" that
    would tell it exists), and a retry with the same id still finds the same object."""
    return str(uuid.uuid5(uuid.UUID(user_id), check_id(client_id, what)))


def new_id() -> str:
    return str(uuid.uuid4())
