"""Concurrent writers: siblings under one parent, and retries of one client-given id."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from neo4j import Driver

from tests.graph_helpers import rows
from threadgraph.config import Settings
from threadgraph.models import NewMessage, Role, User
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore


def test_fifty_concurrent_appends_under_one_parent_make_fifty_siblings(
    store: Neo4jStore, user: User, driver: Driver, settings: Settings
) -> None:
    chat = store.create_chat(user.id, "race")
    parent = store.append_message(user.id, chat.id, NewMessage(Role.USER, "parent")).message

    def append(i: int) -> str:
        reply = NewMessage(Role.ASSISTANT, f"sibling {i}")
        return store.append_message(user.id, chat.id, reply, parent_id=parent.id).message.id

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(append, range(50)))

    assert len(set(ids)) == 50
    children = rows(
        driver,
        settings.neo4j_database,
        """
        MATCH (c:Message)-[:FOLLOWS]->(:Message {id: $parent})
        OPTIONAL MATCH (c)-[f:FOLLOWS]->()
        RETURN c.id AS id, count(f) AS parents, c.content AS content
        """,
        parent=parent.id,
    )
    assert sorted(r["id"] for r in children) == sorted(ids)
    assert all(r["parents"] == 1 for r in children)
    assert sorted(r["content"] for r in children) == sorted(f"sibling {i}" for i in range(50))
    heads = rows(
        driver,
        settings.neo4j_database,
        "MATCH (:Chat {id: $chat})-[:HEAD]->(m) RETURN m.id AS id",
        chat=chat.id,
    )
    assert len(heads) == 1
    assert heads[0]["id"] in ids


def test_twenty_concurrent_retries_of_one_id_make_one_message(
    store: Neo4jStore, user: User, driver: Driver, settings: Settings
) -> None:
    chat = store.create_chat(user.id, "retries")
    message_id = new_id()

    def retry(_: int) -> bool:
        new = NewMessage(Role.USER, "exactly once", id=message_id)
        return store.append_message(user.id, chat.id, new).created

    with ThreadPoolExecutor(max_workers=20) as pool:
        created = list(pool.map(retry, range(20)))

    assert created.count(True) == 1
    found = rows(
        driver,
        settings.neo4j_database,
        "MATCH (m:Message {id: $id}) RETURN count(m) AS n",
        id=message_id,
    )
    assert found == [{"n": 1}]
