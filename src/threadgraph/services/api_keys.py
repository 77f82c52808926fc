"""API keys: made (the secret shown once), listed, revoked, and turned into a caller on
every request without a Neo4j round trip on the hot path.

A key reads ``tgk_<prefix>_<secret>``: the prefix (12 hex digits) is what listings show
and what finds the key; the store keeps only the SHA-256 of the whole key.

The cache: a key proven against Neo4j is trusted from memory for ``key_cache_seconds``
(5 by default), then proven again (which also records its last use, so ``last_used_at``
is right to within that time). Revoking a key, or disabling or deleting its person,
through this process drops it from the cache at once; through another process (another
replica) it stops working here within ``key_cache_seconds``. An expiry is checked on every
request, from memory. Wrong keys are not cached: each costs a lookup, as it should.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from threadgraph.errors import InvalidInput, Unauthorized
from threadgraph.models import ApiKey, Caller
from threadgraph.rules import new_id
from threadgraph.store.account_store import AccountStore

KEY_SHAPE = re.compile(r"^tgk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
MAX_NAME = 100
MAX_DAYS = 3650


def make_key() -> tuple[str, str]:
    """A new key and its prefix."""
    prefix = secrets.token_hex(6)
    return f"tgk_{prefix}_{secrets.token_urlsafe(32)}", prefix


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class _Proven:
    caller: Caller
    expires_at: datetime | None
    checked: float  # monotonic time of the last proof against Neo4j


class KeyRing:
    def __init__(
        self,
        store: AccountStore,
        cache_seconds: float,
        max_cached: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = cache_seconds
        self._max = max_cached
        self._clock = clock
        self._cache: OrderedDict[str, _Proven] = OrderedDict()  # by digest, oldest first
        self._lock = threading.Lock()

    def create(self, user_id: str, name: str, expires_in_days: int | None) -> tuple[ApiKey, str]:
        """A new key of ``user_id``'s and its secret, which is not kept anywhere."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise InvalidInput(f"a key needs a name of 1 to {MAX_NAME} characters")
        expires_at = None
        if expires_in_days is not None:
            if not 1 <= expires_in_days <= MAX_DAYS:
                raise InvalidInput(f"expires_in_days must be between 1 and {MAX_DAYS}")
            expires_at = datetime.now(UTC) + timedelta(days=expires_in_days)
        key, prefix = make_key()
        made = self._store.create_key(user_id, new_id(), name, prefix, digest(key), expires_at)
        return made, key

    def keys(self, user_id: str) -> list[ApiKey]:
        return self._store.keys(user_id)

    def revoke(self, user_id: str, key_id: str) -> ApiKey:
        revoked = self._store.revoke_key(user_id, key_id)
        self._forget(lambda proven: proven.caller.key_id == revoked.id)
        return revoked

    def forget_person(self, user_id: str) -> None:
        """Drop a person's keys from the cache (disabled or deleted)."""
        self._forget(lambda proven: proven.caller.user_id == user_id)

    def caller(self, key: str) -> Caller:
        """Who the key stands for; Unauthorized for a wrong, revoked or expired key."""
        shape = KEY_SHAPE.match(key)
        if shape is None:
            raise Unauthorized("that is not a threadgraph API key (tgk_...)")
        hashed = digest(key)
        now = datetime.now(UTC)
        with self._lock:
            proven = self._cache.get(hashed)
        if (
            proven is not None
            and self._clock() - proven.checked < self._ttl
            and (proven.expires_at is None or proven.expires_at > now)
        ):
            return proven.caller
        found = self._store.authenticate_key(shape.group(1), hashed, now)
        with self._lock:
            if found is None:
                self._cache.pop(hashed, None)
                raise Unauthorized("the API key is wrong, revoked or expired")
            self._cache[hashed] = _Proven(found[0], found[1], self._clock())
            self._cache.move_to_end(hashed)
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
        return found[0]

    def _forget(self, which: Callable[[_Proven], bool]) -> None:
        with self._lock:
            for hashed in [h for h, proven in self._cache.items() if which(proven)]:
                del self._cache[hashed]
