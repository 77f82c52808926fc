"""Replies written at once per person (accounts mode): at most
``THREADGRAPH_MAX_LIVE_REPLIES_PER_PERSON`` (default 4; 0: no limit) in one process.

A turn takes a slot before anything is stored; over the limit it is refused (429, with
Retry-After) and nothing is written: no prompt without its reply. The slot goes back
when the reply ends (complete, stopped or failed), or at once when no reply starts (a
retried turn whose reply exists, an error before the reply is under way). Slots live in
one process, like the per-key rate limit: with N workers or replicas a person can have
up to N times the limit. In local mode there is one person, the machine's owner, and no
limit.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from threadgraph.errors import RateLimited

# A reply takes seconds; a new turn is worth trying again after about this long.
RETRY_AFTER_SECONDS = 5


class ReplySlot:
    """One live reply of a person's; ``release`` is safe to call more than once."""

    def __init__(self, slots: ReplySlots, user_id: str) -> None:
        self._slots = slots
        self.user_id = user_id
        self._released = False
        self._handed_over = False

    def hand_over(self) -> ReplySlot:
        """The reply is under way: whoever writes it gives the slot back at its end."""
        self._handed_over = True
        return self

    def release_unless_handed_over(self) -> None:
        if not self._handed_over:
            self.release()

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._slots._give_back(self.user_id)


class ReplySlots:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._taken: Counter[str] = Counter()

    def take(self, user_id: str) -> ReplySlot:
        with self._lock:
            if self.limit and self._taken[user_id] >= self.limit:
                raise RateLimited(
                    f"{self.limit} replies of yours are being written: wait for one to end "
                    "(or stop one) before starting another",
                    RETRY_AFTER_SECONDS,
                )
            self._taken[user_id] += 1
        return ReplySlot(self, user_id)

    @contextmanager
    def held(self, user_id: str, taken: ReplySlot | None = None) -> Iterator[ReplySlot]:
        """A slot (``taken``, or a new one) for the block that starts a reply: given back
        at its end unless the reply got under way (``hand_over``)."""
        slot = taken or self.take(user_id)
        try:
            yield slot
        finally:
            slot.release_unless_handed_over()

    def live(self, user_id: str) -> int:
        with self._lock:
            return self._taken[user_id]

    def _give_back(self, user_id: str) -> None:
        with self._lock:
            self._taken[user_id] -= 1
            if self._taken[user_id] <= 0:
                del self._taken[user_id]
