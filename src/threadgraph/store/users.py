"""People: the User node every chat, message, topic and key of theirs hangs from.

In local mode there is one, made at startup (:func:`ensure`). With accounts, each person
also has a login, a role, a password hash and a ``disabled`` flag (:func:`create_account`).
"""

from __future__ import annotations

from typing import Any

from threadgraph.errors import NotFound
from threadgraph.models import Account, AccountRole, User
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


def create_account(
    tx: Tx,
    user_id: str,
    name: str,
    login: str,
    email: str | None,
    role: AccountRole,
    password_hash: str,
) -> Account:
    """A new person; a login already taken is a Conflict (its uniqueness constraint)."""
    row = tx.one(
        "users.create_account",
        user_id=user_id,
        name=name,
        login=login,
        email=email,
        role=role.value,
        password_hash=password_hash,
        now=records.now(),
    )
    assert row is not None
    return account(row["account"])


def get_account(tx: Tx, user_id: str) -> Account:
    user_id = records.lookup_id(user_id, "person")
    return _found(tx.one("users.account", user_id=user_id), user_id)


def by_login(tx: Tx, login: str) -> tuple[Account, str] | None:
    """The person who signs in as ``login``, with their password hash; None if nobody."""
    row = tx.one("users.account_by_login", login=login)
    return (account(row["account"]), str(row["password_hash"])) if row is not None else None


def accounts(tx: Tx) -> list[Account]:
    return [account(row["account"]) for row in tx.rows("users.accounts")]


def set_disabled(tx: Tx, user_id: str, disabled: bool) -> Account:
    user_id = records.lookup_id(user_id, "person")
    return _found(tx.one("users.set_disabled", user_id=user_id, disabled=disabled), user_id)


def set_password(tx: Tx, user_id: str, password_hash: str) -> None:
    if tx.one("users.set_password", user_id=user_id, password_hash=password_hash) is None:
        raise NotFound(f"person {user_id} not found")


def count_admins(tx: Tx) -> int:
    row = tx.one("users.count_admins")
    return int(row["admins"]) if row is not None else 0


def delete_everything(tx: Tx, user_id: str) -> None:
    """The person and all of theirs: messages, chats, topics, keys, imported records."""
    user_id = records.lookup_id(user_id, "person")
    if tx.one("users.delete_everything", user_id=user_id) is None:
        raise NotFound(f"person {user_id} not found")


def count_everything(tx: Tx, user_id: str) -> dict[str, int]:
    """What is left of a person in the graph (all zeros once their account is deleted)."""
    row = tx.one("users.count_everything", user_id=user_id)
    assert row is not None
    return {key: int(row[key]) for key in ("users", "messages", "topics", "linked")}


def account(data: dict[str, Any]) -> Account:
    return Account(
        id=data["id"],
        name=data["name"],
        login=data["login"],
        email=data.get("email"),
        role=AccountRole(data["role"]),
        disabled=bool(data["disabled"]),
        created_at=records.native(data["created_at"]),
    )


def _found(row: Any, user_id: str) -> Account:
    if row is None:
        raise NotFound(f"person {user_id} not found")
    return account(row["account"])
