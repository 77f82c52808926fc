"""People: the User node every chat, message and topic of theirs hangs from."""

from __future__ import annotations

from threadgraph.models import User
from threadgraph.rules import check_id
from threadgraph.store import records
from threadgraph.store.session import Tx


def ensure(tx: Tx, user_id: str, name: str) -> User:
    row = tx.one("users.ensure", user_id=check_id(user_id, "user id"), name=name, now=records.now())
    assert row is not None
    return records.user(row["user"])


def count_messages(tx: Tx, user_id: str | None) -> int:
    """Messages of one person, or of everyone with None."""
    row = tx.one("users.count_messages", user_id=user_id)
    return int(row["messages"]) if row is not None else 0
