"""Read-your-writes across replicas: the bookmarks one request brings and makes.

A Neo4j bookmark names a committed transaction; a session given it waits, on whatever
cluster member serves it, until that transaction is applied there. Within one process
the driver's bookmark manager (``store/session.py``) already does this for every
session. Across replicas (a write through one app process, the next read through
another) the bookmark has to travel with the person: the API hands out the bookmarks a
request's writes made (``api/bookmarks.py``: a response header and a cookie) and every
transaction of the person's next request, on any replica, starts from them.

The request's bookmarks live in a context variable: the API sets it around a request
and the store reads it in each session, so no use case has to pass it along. Threads
that outlive the request (a reply being written) do not carry it, and need not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

# A request carries a handful at most: the newest bookmark of a database already
# covers the older ones, so keeping more only makes the cookie longer.
MOST_KEPT = 8


@dataclass
class RequestBookmarks:
    """What a request brought (``given``) and what its writes made (``made``)."""

    given: tuple[str, ...] = ()
    made: list[str] = field(default_factory=list)
    # Neo4j refused ``given`` (not bookmarks of this database: a reset store, another
    # deployment's cookie). They cannot name a write here, so the request goes on
    # without them rather than failing.
    refused: bool = False

    def to_wait_for(self) -> tuple[str, ...]:
        return () if self.refused else self.given

    def record(self, bookmarks: Iterable[str]) -> None:
        for bookmark in bookmarks:
            if bookmark not in self.made:
                self.made.append(bookmark)
        del self.made[:-MOST_KEPT]


_current: ContextVar[RequestBookmarks | None] = ContextVar("request_bookmarks", default=None)


def current() -> RequestBookmarks | None:
    return _current.get()


@contextmanager
def carrying(given: Iterable[str]) -> Iterator[RequestBookmarks]:
    """Every transaction run inside (in this context or a copy of it, as a threadpool
    call gets) starts from ``given``, and the bookmarks of its writes are collected."""
    carried = RequestBookmarks(given=tuple(given)[-MOST_KEPT:])
    token = _current.set(carried)
    try:
        yield carried
    finally:
        _current.reset(token)
