"""API keys (``api_keys.cypher``): made, listed, revoked, and checked when one is used.

Only the SHA-256 of a key is stored, found by the key's prefix. A key is 32 random bytes,
so a fast hash is enough (a slow one, as for passwords, guards guessable secrets) and
checking one costs a lookup, not 50 ms of argon2.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from threadgraph.errors import NotFound
from threadgraph.models import AccountRole, ApiKey, Caller
from threadgraph.store import records
from threadgraph.store.session import Tx


def create(
    tx: Tx,
    user_id: str,
    key_id: str,
    name: str,
    prefix: str,
    key_hash: str,
    expires_at: datetime | None,
) -> ApiKey:
    row = tx.one(
        "api_keys.create",
        user_id=user_id,
        key_id=key_id,
        name=name,
        prefix=prefix,
        hash=key_hash,
        expires_at=expires_at,
        now=records.now(),
    )
    if row is None:
        raise NotFound(f"person {user_id} not found")
    return api_key(row["key"])


def of_user(tx: Tx, user_id: str) -> list[ApiKey]:
    return [api_key(row["key"]) for row in tx.rows("api_keys.of_user", user_id=user_id)]


def revoke(tx: Tx, user_id: str, key_id: str) -> ApiKey:
    key_id = records.lookup_id(key_id, "key")
    row = tx.one("api_keys.revoke", user_id=user_id, key_id=key_id, now=records.now())
    if row is None:
        raise NotFound(f"key {key_id} not found")
    return api_key(row["key"])


def authenticate(
    tx: Tx, prefix: str, key_hash: str, now: datetime
) -> tuple[Caller, datetime | None] | None:
    """The caller a live key stands for and when the key expires; its last use is now."""
    row = tx.one("api_keys.authenticate", prefix=prefix, hash=key_hash, now=now)
    if row is None:
        return None
    caller = Caller(user_id=row["user_id"], role=AccountRole(row["role"]), key_id=row["key_id"])
    expires = row["expires_at"]
    return caller, records.native(expires) if expires is not None else None


def api_key(data: dict[str, Any]) -> ApiKey:
    def when(name: str) -> datetime | None:
        value = data.get(name)
        return records.native(value) if value is not None else None

    return ApiKey(
        id=data["id"],
        name=data["name"],
        prefix=data["prefix"],
        created_at=records.native(data["created_at"]),
        expires_at=when("expires_at"),
        last_used_at=when("last_used_at"),
        revoked_at=when("revoked_at"),
    )
