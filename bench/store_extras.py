"""Store reads only the benchmarks need (queries in bench/cypher), outside the product."""

from __future__ import annotations

from pathlib import Path

from threadgraph.errors import NotFound
from threadgraph.store import Neo4jStore
from threadgraph.store.queries import Queries
from threadgraph.store.session import Tx

QUERIES = Queries.load(Path(__file__).resolve().parent / "cypher")


def busiest_user(store: Neo4jStore) -> str:
    """The user with the most messages."""

    def work(tx: Tx) -> str:
        row = tx.one("bench.busiest_user")
        if row is None:
            raise NotFound("there are no messages")
        return str(row["user_id"])

    return store.db.using(QUERIES).read(work)


def asker(store: Neo4jStore) -> tuple[str, str, str]:
    """The last context benchmark's asker: user, asking chat, HEAD."""

    def work(tx: Tx) -> tuple[str, str, str]:
        row = tx.one("bench.asker")
        if row is None:
            raise NotFound("no benchmark asker: run bench.context_assembly first")
        return str(row["user_id"]), str(row["chat_id"]), str(row["head_id"])

    return store.db.using(QUERIES).read(work)
