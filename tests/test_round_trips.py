"""A use case is ONE transaction, counted on the connection that runs it.

Before the store was split, regenerate took four store calls (four transactions) before
the model started, PATCH /api/chats/{id} up to four writes and GET /api/chats/{id} three
reads: extra round trips, and changes that were not atomic."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import turn
from tests.app_client import ready_client
from threadgraph.config import Settings
from threadgraph.models import NewMessage, Role, User
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore
from threadgraph.store.session import Database


def cost(db: Database, call: Callable[[], Any]) -> tuple[Any, int]:
    """What ``call`` returns and how many transactions it began on ``db``."""
    before = db.transactions
    result = call()
    return result, db.transactions - before


def settled(db: Database) -> Database:
    """``db`` once the app's background work (titles, topics, warm-up) has stopped
    beginning transactions, so a count is the request's alone."""
    seen, quiet_since = db.transactions, time.monotonic()
    while time.monotonic() - quiet_since < 1.0:
        time.sleep(0.1)
        if db.transactions != seen:
            seen, quiet_since = db.transactions, time.monotonic()
    return db


@pytest.fixture
def quiet_client(app_settings: Settings) -> Iterator[TestClient]:
    """An app whose lease keeper will not sweep during the test (it sweeps every half
    lease): only the request's own transactions are counted."""
    with ready_client(app_settings.model_copy(update={"reply_lease_seconds": 600.0})) as client:
        yield client


def test_reading_and_changing_a_chat_over_http_are_one_transaction_each(
    quiet_client: TestClient,
) -> None:
    client = quiet_client
    chat = client.post("/api/chats", json={"title": "counted"}).json()["id"]
    first = turn(client, chat, "What is a graph?")
    second = turn(client, chat, "And a tree?")
    edited = client.post(
        f"/api/messages/{first['prompt']['id']}/edit", json={"content": "A graph?", "stream": False}
    )
    assert edited.status_code == 200, edited.text
    db = settled(client.app.state.services.store.db)  # type: ignore[attr-defined]

    response, used = cost(db, lambda: client.get(f"/api/chats/{chat}"))
    assert response.status_code == 200
    assert response.json()["messages"][0]["content"] == "A graph?"
    assert used == 1

    patch = {"title": "renamed", "model": "fake-echo", "head_id": first["reply"]["id"]}
    response, used = cost(db, lambda: client.patch(f"/api/chats/{chat}", json=patch))
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "renamed"
    # Back on the first branch, at its newest leaf.
    assert response.json()["head_id"] == second["reply"]["id"]
    assert used == 1


def test_a_patch_that_fails_changes_nothing(client: TestClient) -> None:
    chat = client.post("/api/chats", json={"title": "kept"}).json()["id"]
    turn(client, chat, "Hello there")
    before = client.get(f"/api/chats/{chat}").json()["chat"]
    # The rename comes first in the use case, the bad head last: all or nothing.
    response = client.patch(
        f"/api/chats/{chat}",
        json={"title": "lost", "head_id": "00000000-0000-4000-8000-00000000abcd"},
    )
    assert response.status_code == 400
    assert client.get(f"/api/chats/{chat}").json()["chat"] == before


def test_turn_regenerate_edit_and_fork_are_one_transaction_each(
    store: Neo4jStore, user: User
) -> None:
    db = store.db
    chat = store.create_chat(user.id, "counted")
    prompt = NewMessage(Role.USER, "What is a graph?")
    begun, used = cost(db, lambda: store.begin_turn(user.id, chat.id, prompt, "m"))
    assert used == 1
    assert begun.reply.parent_id == begun.prompt.id

    again, used = cost(db, lambda: store.regenerate(user.id, begun.reply.id, "m"))
    assert used == 1
    assert again.prompt.id == begun.prompt.id
    assert again.reply.id != begun.reply.id

    edited, used = cost(db, lambda: store.begin_edit(user.id, begun.prompt.id, "A tree?", "m"))
    assert used == 1
    assert edited.prompt.parent_id == begun.prompt.parent_id

    (fork, branch), used = cost(db, lambda: store.fork_chat(user.id, edited.prompt.id))
    assert used == 1
    assert fork.forked_from_id == edited.prompt.id
    assert [m.id for m in branch] == [edited.prompt.id]


def test_a_resent_history_is_recorded_in_one_transaction(store: Neo4jStore, user: User) -> None:
    """/v1 (store/client_history_store.py): a new chat, the client's system prompt and an
    earlier exchange it resends, the prompt and the reply's placeholder: one write."""
    db = store.db
    earlier = [
        NewMessage(Role.SYSTEM, "You are terse."),
        NewMessage(Role.USER, "What is a graph?"),
        NewMessage(Role.ASSISTANT, "Nodes and edges."),
    ]
    chat_id = new_id()
    prompt = NewMessage(Role.USER, "And a tree?")
    begun, used = cost(
        db,
        lambda: store.histories.begin(
            user.id, chat_id, "What is a graph?", earlier, None, prompt, lambda c, r: "m"
        ),
    )
    assert used == 1
    assert begun.prompt.chat_id == chat_id
    assert store.get_chat(user.id, chat_id).title == "What is a graph?"
    branch = store.active_branch(user.id, chat_id)
    assert [(m.role, m.content) for m in branch] == [
        (Role.SYSTEM, "You are terse."),
        (Role.USER, "What is a graph?"),
        (Role.ASSISTANT, "Nodes and edges."),
        (Role.USER, "And a tree?"),
        (Role.ASSISTANT, ""),
    ]
