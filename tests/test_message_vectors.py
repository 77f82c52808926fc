"""What a stored message's vector is made of (embeddings/message_text.py): the message,
then the turn it answers, for turns written live, imported or backfilled."""

from __future__ import annotations

import math

from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_helpers import turn
from tests.graph_helpers import rows
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_embedder
from threadgraph.embeddings.message_text import text_to_embed
from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.services.imports.enrich import embed_again, embed_missing
from threadgraph.store import Neo4jStore


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def stored_vectors(driver: Driver, database: str, ids: list[str]) -> dict[str, list[float]]:
    found = rows(
        driver,
        database,
        "MATCH (m:Message) WHERE m.id IN $ids RETURN m.id AS id, m.embedding AS embedding",
        ids=ids,
    )
    return {r["id"]: list(r["embedding"]) for r in found}


def embedded(text: str) -> list[float]:
    return shared_embedder().embed([text])[0]


def test_the_message_comes_first_then_the_turn_it_answers() -> None:
    assert text_to_embed("Yes, twice.", "Have you been to Paris?") == (
        "Yes, twice.\n\nHave you been to Paris?"
    )
    assert text_to_embed("Hello", None) == "Hello"
    assert text_to_embed("Hello", "  ") == "Hello"


def test_live_turns_are_stored_with_the_turn_they_answer(
    client: TestClient, driver: Driver, app_settings: Settings
) -> None:
    chat = client.post("/api/chats", json={"title": "trip"}).json()["id"]
    first = turn(client, chat, "We went camping by the lake last weekend.")
    second = turn(client, chat, "Yes, and we saw a heron there.")
    p1, r1 = first["prompt"], first["reply"]
    p2, r2 = second["prompt"], second["reply"]
    vectors = stored_vectors(
        driver, app_settings.neo4j_database, [p1["id"], r1["id"], p2["id"], r2["id"]]
    )
    expected = {
        p1["id"]: embedded(p1["content"]),  # a chat's first prompt answers nothing
        r1["id"]: embedded(text_to_embed(r1["content"], p1["content"])),
        p2["id"]: embedded(text_to_embed(p2["content"], r1["content"])),
        r2["id"]: embedded(text_to_embed(r2["content"], p2["content"])),
    }
    for message_id, vector in expected.items():
        assert cosine(vectors[message_id], vector) > 0.999, message_id
    # The second prompt no longer carries the vector of its words alone (the memory
    # question's, with which it was first stored).
    assert cosine(vectors[p2["id"]], embedded(p2["content"])) < 0.99


def test_backfilled_messages_are_read_with_the_turn_they_answer(
    store: Neo4jStore, settings: Settings, driver: Driver
) -> None:
    user = store.ensure_user(new_id(), "imported").id
    chat = store.create_chat(user, "old")
    question = store.append_message(user, chat.id, NewMessage(Role.USER, "Where is Biscuit?"))
    answer = store.append_message(
        user, chat.id, NewMessage(Role.ASSISTANT, "Asleep under the table.")
    )
    assert embed_missing(store, shared_embedder(), user) == 2
    vectors = stored_vectors(
        driver, settings.neo4j_database, [question.message.id, answer.message.id]
    )
    assert cosine(vectors[question.message.id], embedded("Where is Biscuit?")) > 0.999
    window = text_to_embed("Asleep under the table.", "Where is Biscuit?")
    assert cosine(vectors[answer.message.id], embedded(window)) > 0.999


def test_rebuild_makes_every_vector_again(
    store: Neo4jStore, settings: Settings, driver: Driver
) -> None:
    """A store from before: vectors of the words alone. `embeddings rebuild` (embed_again)
    replaces each with the message read with the turn it answers, the person's only."""
    me = store.ensure_user(new_id(), "older store").id
    other = store.ensure_user(new_id(), "someone else").id
    ids = []
    for user in (me, other):
        chat = store.create_chat(user, "before")
        for role, text in ((Role.USER, "Any plans?"), (Role.ASSISTANT, "A trip to Kyoto.")):
            new = NewMessage(role, text, embedding=embedded(text))
            ids.append(store.append_message(user, chat.id, new).message.id)
    assert embed_again(store, shared_embedder(), me, batch=1) == 2
    vectors = stored_vectors(driver, settings.neo4j_database, ids)
    window = embedded(text_to_embed("A trip to Kyoto.", "Any plans?"))
    assert cosine(vectors[ids[1]], window) > 0.999  # mine, made again
    assert cosine(vectors[ids[3]], embedded("A trip to Kyoto.")) > 0.999  # theirs, untouched
    assert cosine(vectors[ids[0]], embedded("Any plans?")) > 0.999  # answers nothing
