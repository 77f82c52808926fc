"""The connection to Neo4j: one driver per process, transactions, error translation.

Every use of the store runs in ONE managed transaction (``read`` / ``write``): the driver
retries transient failures within ``neo4j_max_retry_seconds``, so the work passed in must
be safe to repeat (it only reads and writes through its :class:`Tx`). The aggregates
(``store/chats.py`` ...) take an open :class:`Tx`; a use case made of several steps runs
them all in the one transaction it was given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo4j_errors

from threadgraph.config import Settings
from threadgraph.errors import Conflict, Unavailable
from threadgraph.store import request_bookmarks
from threadgraph.store.queries import Queries

T = TypeVar("T")

_QUERIES = Queries.load()  # once per process: the package's own files


class Tx:
    """An open transaction that runs named queries, checking their parameters first."""

    def __init__(self, tx: ManagedTransaction, queries: Queries) -> None:
        self._tx = tx
        self._queries = queries

    def rows(self, query: str, /, **parameters: Any) -> list[neo4j.Record]:
        return list(self._result(query, parameters))

    def one(self, query: str, /, **parameters: Any) -> neo4j.Record | None:
        """The single row, or None; more than one row is a bug in the query."""
        return self._result(query, parameters).single(strict=False)

    def run(self, query: str, /, **parameters: Any) -> None:
        self._result(query, parameters).consume()

    def _result(self, name: str, parameters: dict[str, Any]) -> neo4j.Result:
        query = self._queries[name]
        query.check(parameters)
        return self._tx.run(query.text, parameters)


class Database:
    def __init__(
        self,
        driver: Driver,
        database: str,
        queries: Queries = _QUERIES,
        bookmarks: neo4j.BookmarkManager | None = None,
    ) -> None:
        self._driver = driver
        self._database = database
        self.queries = queries
        self._lock = threading.Lock()
        self._transactions = 0
        # Every session of this process shares one bookmark manager: on a cluster (a
        # neo4j:// URI) a read that lands on a secondary first waits for the writes this
        # process has made, so a person reads what they just wrote. Alone, it costs nothing.
        self._bookmarks = bookmarks or GraphDatabase.bookmark_manager()

    @classmethod
    def connect(cls, settings: Settings) -> Database:
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        driver = GraphDatabase.driver(
            settings.effective_neo4j_uri,
            auth=auth,
            max_transaction_retry_time=settings.neo4j_max_retry_seconds,
            connection_acquisition_timeout=settings.neo4j_max_retry_seconds,
            connection_timeout=5.0,
            # "property key does not exist" on a fresh database is noise, not a problem;
            # informational notes would be logged for every query.
            notifications_disabled_classifications=["UNRECOGNIZED"],
            notifications_min_severity="WARNING",
        )
        return cls(driver, settings.neo4j_database)

    @property
    def transactions(self) -> int:
        """Transactions begun so far (retries count again): what a use case costs in
        round trips, read by the tests that keep each use case to one."""
        return self._transactions

    def using(self, queries: Queries) -> Database:
        """The same connection running another set of queries (the benchmarks' own)."""
        return Database(self._driver, self._database, queries, self._bookmarks)

    def read(self, work: Callable[[Tx], T]) -> T:
        return self._run(work, write=False)

    def write(self, work: Callable[[Tx], T]) -> T:
        return self._run(work, write=True)

    def _run(self, work: Callable[[Tx], T], write: bool) -> T:
        carried = request_bookmarks.current()
        try:
            with translated(), self.session() as session:
                run = session.execute_write if write else session.execute_read
                result = run(self._counted(work))
                if write and carried is not None:
                    carried.record(session.last_bookmarks().raw_values)
                return result
        except neo4j_errors.ClientError as error:
            # Bookmarks a request brought that Neo4j cannot read (another database's, a
            # reset store's) name no write here: the work runs again without them.
            if carried is None or not carried.to_wait_for() or "Bookmark" not in (error.code or ""):
                raise
            carried.refused = True
        return self._run(work, write)

    def server_agent(self) -> str:
        with translated():
            return str(self._driver.get_server_info().agent)

    @contextmanager
    def session(self) -> Iterator[neo4j.Session]:
        """A session for what cannot run in a managed transaction (schema commands)."""
        carried = request_bookmarks.current()
        given = carried.to_wait_for() if carried is not None else ()
        with self._driver.session(
            database=self._database,
            bookmark_manager=self._bookmarks,
            # A person's own writes through another replica (store/request_bookmarks.py).
            bookmarks=neo4j.Bookmarks.from_raw_values(given) if given else None,
        ) as session:
            yield session

    def close(self) -> None:
        self._driver.close()

    def _counted(self, work: Callable[[Tx], T]) -> Callable[[ManagedTransaction], T]:
        def counted(tx: ManagedTransaction) -> T:
            with self._lock:
                self._transactions += 1
            return work(Tx(tx, self.queries))

        return counted


@contextmanager
def translated() -> Iterator[None]:
    """Driver errors become threadgraph errors; the API maps those to HTTP statuses."""
    try:
        yield
    except neo4j_errors.ConstraintError as error:
        raise Conflict(f"the write clashes with stored data: {error.message}") from error
    except neo4j_errors.ResultFailedError as error:
        # Rolling back after a failed query, the driver may raise this instead, with the
        # real error (a clash two concurrent imports can meet) as its context.
        clash = error.__cause__ or error.__context__
        if not isinstance(clash, neo4j_errors.ConstraintError):
            raise
        raise Conflict(f"the write clashes with stored data: {clash.message}") from clash
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
        raise Unavailable(f"Neo4j is unavailable: {error}") from error
    except neo4j_errors.AuthError as error:
        raise Unavailable(f"Neo4j refused the credentials: {error.message}") from error
