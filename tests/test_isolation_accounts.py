"""Two real people over HTTP, with accounts on: every route that takes an id answers the
other person's id exactly as it answers an id that does not exist (status and body), and
nothing of the first person changes. Client-made ids live in each person's own space, so
one equal to the other person's id is answered as a free one. Memory and search, at their
widest (vector floor -1, k 50), return only the caller's messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.accounts_helpers import Person, new_person, services_of
from tests.import_helpers import fixture_bytes
from tests.test_import_api import FILE
from tests.wait import until
from threadgraph.rules import new_id

QUESTIONS = [
    "How do I build a vector index in Neo4j for semantic search?",
    "Which similarity function should a Neo4j vector index use for sentence embeddings?",
    "Is Neo4j good for storing chat conversations as graphs?",
]


@dataclass
class World:
    """Alice's history (ids of every kind) and Bob, who tries to reach it."""

    alice: Person
    bob: Person
    ids: dict[str, str]
    bob_chat: str


@pytest.fixture
def world(accounts_client: TestClient) -> World:
    alice, bob = new_person(accounts_client), new_person(accounts_client)
    first = alice.chat("Vectors")
    one = alice.turn(first, QUESTIONS[0])
    two = alice.turn(first, QUESTIONS[1])
    edited = alice.post(
        f"/api/messages/{two['prompt']['id']}/edit",
        json={"content": "Cosine or euclidean for a Neo4j vector index?", "stream": False},
    )
    assert edited.status_code == 200, edited.text
    fork = alice.post(f"/api/messages/{one['reply']['id']}/fork").json()["chat"]["id"]
    second = alice.chat("Graphs")
    # Memory on, at its widest: the reply is built from the first chat too (provenance).
    remembered = alice.turn(second, QUESTIONS[2], context={"vector_floor": -1, "k": 50})
    topics = until(lambda: alice.get("/api/topics").json(), timeout=30)
    bob_chat = bob.chat("Bob's")
    for question in QUESTIONS:  # near-identical to Alice's
        bob.turn(bob_chat, question + " ")
    ids = {
        "chat": first,
        "fork": fork,
        "prompt": one["prompt"]["id"],
        "reply": one["reply"]["id"],
        "edited": two["prompt"]["id"],
        "remembered": remembered["reply"]["id"],
        "topic": topics[0]["id"],
    }
    return World(alice, bob, ids, bob_chat)


def alices_view(world: World) -> list[Any]:
    """Everything Alice can read about her history (to see that Bob changed nothing)."""
    a, ids = world.alice, world.ids
    reads = [
        a.get("/api/chats").json(),
        a.get(f"/api/chats/{ids['chat']}/tree").json(),
        a.get(f"/api/chats/{ids['fork']}").json(),
        a.get(f"/api/messages/{ids['remembered']}/provenance").json(),
        a.get(f"/api/topics/{ids['topic']}").json(),
    ]
    return reads


def same_answer(
    bob: Person, method: str, url: str, body: Any, theirs: str, free: str, **kw: Any
) -> int:
    """Bob's answer for Alice's id and for a free id, with each id masked: they must match."""
    answers = []
    for value in (theirs, free):
        sent = url.replace("{id}", value)
        payload = replace_in(body, value)
        headers = {k: v.replace("{id}", value) for k, v in kw.get("headers", {}).items()}
        response = bob.request(method, sent, json=payload, headers=headers)
        answers.append((response.status_code, response.text.replace(value, "<id>")))
    assert answers[0] == answers[1], (method, url, body, answers)
    return answers[0][0]


def replace_in(body: Any, value: str) -> Any:
    if isinstance(body, dict):
        return {k: replace_in(v, value) for k, v in body.items()}
    return value if body == "{id}" else body


def test_every_route_answers_another_persons_id_as_a_missing_one(world: World) -> None:
    before = alices_view(world)
    ids, bob = world.ids, world.bob
    own = f"/api/chats/{world.bob_chat}"
    routes: list[tuple[str, str, str, Any]] = [
        ("chat", "GET", "/api/chats/{id}", None),
        ("chat", "PATCH", "/api/chats/{id}", {"title": "mine now"}),
        ("chat", "GET", "/api/chats/{id}/tree", None),
        ("chat", "POST", "/api/chats/{id}/messages", {"content": "hi", "stream": False}),
        ("chat", "POST", "/api/chats/{id}/messages", {"content": "hi", "stream": True}),
        ("chat", "POST", "/api/chats/{id}/context", {"content": "hi"}),
        ("chat", "GET", "/api/chats/{id}/topics", None),
        ("chat", "GET", "/api/chats/{id}/related", None),
        ("chat", "GET", "/api/export?scope=chat&id={id}", None),
        ("chat", "GET", "/api/graph?scope=chat&id={id}", None),
        ("chat", "GET", "/api/search?q=neo4j&chat_id={id}", None),
        ("fork", "GET", "/api/chats/{id}", None),
        ("prompt", "GET", "/api/messages/{id}", None),
        ("prompt", "GET", "/api/messages/{id}/siblings", None),
        ("edited", "POST", "/api/messages/{id}/edit", {"content": "x", "stream": False}),
        ("prompt", "POST", "/api/messages/{id}/fork", None),
        ("reply", "POST", "/api/messages/{id}/regenerate", {"stream": False}),
        ("reply", "GET", "/api/messages/{id}/provenance", None),
        ("remembered", "GET", "/api/messages/{id}/provenance", None),
        ("reply", "POST", "/api/messages/{id}/stop", None),
        ("reply", "GET", "/api/messages/{id}/stream", None),
        ("topic", "GET", "/api/topics/{id}", None),
        ("topic", "GET", "/api/export?scope=topic&id={id}", None),
        # Alice's ids inside Bob's own requests: a parent, a HEAD.
        ("reply", "POST", own + "/messages", {"content": "x", "parent_id": "{id}", "stream": 0}),
        ("reply", "POST", own + "/context", {"content": "hi", "parent_id": "{id}"}),
        ("reply", "PATCH", own, {"head_id": "{id}"}),
        # Deletions last: they must not have deleted anything.
        ("reply", "DELETE", "/api/messages/{id}", None),
        ("chat", "DELETE", "/api/chats/{id}", None),
    ]  # fmt: skip
    for kind, method, url, body in routes:
        status = same_answer(bob, method, url, body, ids[kind], new_id())
        assert status in (200, 400, 404), (kind, method, url, status)
        if "{id}" in url.split("?")[0]:
            assert status == 404, (kind, method, url)
    # /v1: a chat named by header is not found either.
    completion = {"model": "fake-echo", "messages": [{"role": "user", "content": "hi"}]}
    header = {"X-Threadgraph-Chat": "{id}"}
    v1 = same_answer(
        bob, "POST", "/v1/chat/completions", completion, ids["chat"], new_id(), headers=header
    )
    assert v1 == 404
    assert alices_view(world) == before


def test_a_client_made_id_equal_to_another_persons_is_answered_as_a_free_one(
    world: World,
) -> None:
    before = alices_view(world)
    bob, ids = world.bob, world.ids
    for value in (ids["chat"], new_id()):
        made = bob.post("/api/chats", json={"title": "same id", "id": value})
        assert made.status_code == 201, made.text
        again = bob.post("/api/chats", json={"title": "same id", "id": value})
        assert again.status_code == 201
        assert again.json()["id"] == made.json()["id"]  # a retry finds the same chat
    for value in (ids["prompt"], new_id()):
        sent = {"content": "a prompt", "id": value, "stream": False}
        turn = bob.post(f"/api/chats/{world.bob_chat}/messages", json=sent)
        assert turn.status_code == 200, turn.text
        retry = bob.post(f"/api/chats/{world.bob_chat}/messages", json=sent)
        assert retry.json()["prompt"]["id"] == turn.json()["prompt"]["id"]
    assert alices_view(world) == before


def test_request_bodies_take_no_user_id_or_other_extra_field(world: World) -> None:
    bob, chat = world.bob, world.bob_chat
    for url, body in [
        ("/api/chats", {"title": "x", "user_id": world.alice.id}),
        (f"/api/chats/{chat}/messages", {"content": "x", "user_id": world.alice.id}),
        (f"/api/chats/{chat}/context", {"content": "x", "owner": world.alice.id}),
        ("/api/account/keys", {"name": "x", "user_id": world.alice.id}),
    ]:
        response = bob.post(url, json=body)
        assert response.status_code == 400, (url, response.text)
        assert "Extra inputs are not permitted" in response.json()["error"]["message"]
    assert world.alice.get("/api/chats").json()["chats"][0]["title"] != "x"


def test_memory_and_search_at_their_widest_return_only_the_callers(world: World) -> None:
    for person, other in [(world.bob, world.alice), (world.alice, world.bob)]:
        mine = {c["id"] for c in person.get("/api/chats").json()["chats"]}
        theirs = {c["id"] for c in other.get("/api/chats").json()["chats"]}
        chat = person.chat("probe")
        preview = person.post(
            f"/api/chats/{chat}/context",
            json={"content": QUESTIONS[0], "context": {"vector_floor": -1, "k": 50}},
        ).json()
        assert preview["memories"], "memory found nothing at all: the check would be empty"
        assert {m["chat_id"] for m in preview["memories"]} <= mine
        hits = person.get("/api/search", params={"q": QUESTIONS[0], "limit": 100}).json()["hits"]
        assert hits
        assert {h["chat_id"] for h in hits} <= mine | {chat}
        assert not {h["chat_id"] for h in hits} & theirs


def test_deleting_ones_account_leaves_nothing_of_it(
    world: World, accounts_client: TestClient
) -> None:

    alice, bob = world.alice, world.bob
    imported = alice.post(
        "/api/import", files={"file": (FILE, fixture_bytes(FILE), "application/json")}
    )
    assert imported.status_code == 200, imported.text
    alice.post("/api/account/keys", json={"name": "second"})
    services = services_of(accounts_client)
    store = services.store
    assert store.accounts.count_everything(alice.id)["messages"] > 0
    # Topics of earlier replies are made after a lull (services/enrichment_queue.py):
    # Bob's must be in place before they are counted.
    assert services.turns.enrichment.wait_until_done(timeout=30)
    bob_before = store.accounts.count_everything(bob.id)

    assert alice.delete("/api/account").status_code == 204
    assert store.accounts.count_everything(alice.id) == {
        "users": 0, "messages": 0, "topics": 0, "linked": 0
    }  # fmt: skip
    assert alice.get("/api/chats").status_code == 401  # the key went with the account
    assert store.accounts.count_everything(bob.id) == bob_before
    assert bob.get(f"/api/chats/{world.bob_chat}").status_code == 200
