"""The warm-up after a start: it assembles the newest prompt's context as a reply would,
in the background, reads only, and stops when the app shuts down."""

from __future__ import annotations

import threading

from neo4j import Driver

from tests.api_helpers import turn
from tests.app_client import ready_client
from tests.graph_helpers import rows
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_counter, shared_embedder
from threadgraph.models import NewMessage, Role, User
from threadgraph.services.context import ContextAssembler
from threadgraph.services.warm_up import warm_context
from threadgraph.store import Neo4jStore

GRAPH_SIZE = (
    "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels"
)


def embedded_prompt(store: Neo4jStore, user: User, text: str) -> str:
    chat = store.create_chat(user.id, "warm")
    vector = shared_embedder().embed([text])[0]
    return store.append_message(
        user.id, chat.id, NewMessage(Role.USER, text, embedding=vector)
    ).message.id


def test_the_subject_is_the_newest_embedded_prompt(store: Neo4jStore, user: User) -> None:
    embedded_prompt(store, user, "an older question about tomatoes")
    newest = embedded_prompt(store, user, "the newest question about graphs")
    chat = store.create_chat(user.id, "no vector")
    store.append_message(user.id, chat.id, NewMessage(Role.USER, "never embedded"))

    subject = store.warm_up_subject()

    assert subject is not None
    assert (subject.user_id, subject.message_id) == (user.id, newest)
    assert subject.content == "the newest question about graphs"
    assert len(subject.embedding) == 384


def test_warm_context_reads_and_writes_nothing(
    store: Neo4jStore, user: User, driver: Driver, settings: Settings
) -> None:
    embedded_prompt(store, user, "what did I plant in the garden last spring?")
    assembler = ContextAssembler(store, shared_counter(), settings)
    before = rows(driver, settings.neo4j_database, GRAPH_SIZE)

    assert warm_context(store, assembler, 7) == 7
    assert rows(driver, settings.neo4j_database, GRAPH_SIZE) == before

    stopped = threading.Event()
    stopped.set()
    assert warm_context(store, assembler, 7, stopped) == 0
    assert warm_context(store, assembler, 0) == 0


def test_the_app_warms_up_in_the_background_and_stops_at_shutdown(
    app_settings: Settings,
) -> None:
    warm = app_settings.model_copy(update={"warm_up_reads": 5})
    with ready_client(warm) as client:
        chat = client.post("/api/chats", json={"title": "warm"}).json()["id"]
        turn(client, chat, "A prompt for the next start to warm up with")
    with ready_client(warm) as client:
        state = client.app.state.services.warm_up  # type: ignore[attr-defined]
        assert state.finished.wait(timeout=60)
        assert state.reads_done == 5
        assert client.get("/health").status_code == 200

    endless = app_settings.model_copy(update={"warm_up_reads": 10_000_000})
    with ready_client(endless) as client:
        state = client.app.state.services.warm_up  # type: ignore[attr-defined]
    assert state.finished.is_set()  # shutdown stopped it and waited for it
    assert state.reads_done < 10_000_000
