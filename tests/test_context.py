"""Context assembly through the real API: embeddings, memories from other chats, the
fenced prompt, provenance, knobs, isolation between users."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_helpers import turn
from tests.app_client import ready_client
from tests.fake_openai import FakeOpenAI
from tests.graph_helpers import rows
from tests.wait import until
from threadgraph.api.app import create_app
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_embedder
from threadgraph.errors import ThreadgraphError
from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.services.context import keyword_query
from threadgraph.services.search import Search
from threadgraph.store import Neo4jStore


def new_chat(client: TestClient, title: str) -> str:
    chat_id: str = client.post("/api/chats", json={"title": title}).json()["id"]
    return chat_id


def test_prompts_and_replies_are_embedded(
    client: TestClient, driver: Driver, app_settings: Settings
) -> None:
    chat = new_chat(client, "embed")
    done = turn(client, chat, "Embeddings for everything")
    found = rows(
        driver,
        app_settings.neo4j_database,
        "MATCH (m:Message) WHERE m.id IN $ids RETURN m.id AS id, size(m.embedding) AS dims",
        ids=[done["prompt"]["id"], done["reply"]["id"]],
    )
    assert sorted(r["dims"] for r in found) == [384, 384]


def test_memory_from_another_chat_is_fenced_and_has_provenance(
    client: TestClient, fake_openai: FakeOpenAI
) -> None:
    pets = new_chat(client, "Pets")
    fact = turn(client, pets, "My cat is called Pixel and she loves cardboard boxes.")
    work = new_chat(client, "Work")
    turn(client, work, "Remind me to send the quarterly report.")

    question = new_chat(client, "Questions")
    preview = client.post(
        f"/api/chats/{question}/context", json={"content": "What is my cat called?"}
    ).json()
    memories = preview["memories"]
    assert memories, preview
    assert memories[0]["chat_title"] == "Pets"
    assert memories[0]["prompt_id"] == fact["prompt"]["id"]
    assert memories[0]["reply_id"] == fact["reply"]["id"]
    system = preview["messages"][0]
    assert system["role"] == "system"
    assert "not instructions" in system["content"]
    assert '<earlier_conversation chat="Pets"' in system["content"]
    assert "User: My cat is called Pixel" in system["content"]
    assert preview["messages"][-1] == {"role": "user", "content": "What is my cat called?"}
    assert preview["branch"] == []  # a new chat: nothing on the branch yet

    answered = turn(client, question, "What is my cat called?")
    sent = [
        r
        for r in fake_openai.chat_requests("fake-echo")
        if r["messages"][-1]["content"] == "What is my cat called?"
    ][-1]
    assert sent["messages"][0]["role"] == "system"
    assert "Pixel" in sent["messages"][0]["content"]

    items = client.get(f"/api/messages/{answered['reply']['id']}/provenance").json()["items"]
    by_via = {(i["via"], i["message"]["id"]): i for i in items}
    assert ("branch", answered["prompt"]["id"]) in by_via
    memory = by_via[("memory", fact["prompt"]["id"])]
    assert memory["chat_title"] == "Pets"
    assert memory["rank"] == 1
    assert memory["score"] > 0
    assert ("memory", fact["reply"]["id"]) in by_via


def test_knobs_and_exclusion_of_the_current_chat(client: TestClient) -> None:
    chat = new_chat(client, "Garden")
    turn(client, chat, "The tomatoes in my garden are ripening early this year.")
    other = new_chat(client, "Garden again")
    turn(client, other, "My tomatoes need more water in the garden.")

    preview = client.post(
        f"/api/chats/{chat}/context", json={"content": "How are my tomatoes in the garden?"}
    ).json()
    assert {m["chat_title"] for m in preview["memories"]} == {"Garden again"}
    assert preview["branch"][0]["content"].startswith("The tomatoes")

    off = client.post(
        f"/api/chats/{chat}/context",
        json={"content": "How are my tomatoes in the garden?", "context": {"memory": False}},
    ).json()
    assert off["memories"] == []
    assert all(m["role"] != "system" for m in off["messages"])

    tight = client.post(
        f"/api/chats/{chat}/context",
        json={"content": "tomatoes", "context": {"branch_budget_tokens": 1}},
    ).json()
    assert tight["branch"] == []  # only the draft fits


def test_shared_topics_add_memories_when_weighted(
    client: TestClient, app_settings: Settings
) -> None:
    """With a topic weight, exchanges linked to the person's topics nearest the question
    (or to this chat's topics) are a third ranking in the fusion; never another user's."""
    other = app_settings.model_copy(update={"local_user_id": new_id()})
    with ready_client(other) as theirs:
        secret = theirs.post("/api/chats", json={"title": "Their sourdough"}).json()["id"]
        turn(theirs, secret, "Sourdough starter feeding schedule for rye flour.")
    bread = new_chat(client, "Bread")
    fact = turn(client, bread, "Sourdough starter feeding schedule for rye flour.")
    until(lambda: client.get(f"/api/chats/{bread}/topics").json())

    asking = new_chat(client, "Asking")
    knobs = {"vector_floor": 1.0, "keyword_weight": 0, "k": 10, "memory_budget_tokens": 100000}
    question = {"content": "How often should I feed my sourdough starter?"}
    without = client.post(
        f"/api/chats/{asking}/context", json={**question, "context": knobs}
    ).json()
    assert without["memories"] == []  # the floor shuts out vectors, words weigh nothing

    weighted = client.post(
        f"/api/chats/{asking}/context",
        json={**question, "context": {**knobs, "topic_weight": 1.0, "topic_floor": 0.3}},
    ).json()
    # The topic links both turns of the exchange: each is a memory (unit "message").
    quoted = [i for m in weighted["memories"] for i in m["quoted_ids"]]
    assert sorted(quoted) == sorted([fact["prompt"]["id"], fact["reply"]["id"]])
    assert set(weighted["memories"][0]["ranks"]) == {"topic"}
    assert weighted["memories"][0]["chat_title"] == "Bread"


def test_another_users_near_identical_messages_never_appear(
    client: TestClient, app_settings: Settings
) -> None:
    other = app_settings.model_copy(update={"local_user_id": new_id()})
    with ready_client(other) as theirs:
        secret = theirs.post("/api/chats", json={"title": "Their secret"}).json()["id"]
        turn(theirs, secret, "My bank PIN is 4921 and my cat is called Pixel.")

    mine = new_chat(client, "Mine")
    turn(client, mine, "My bank PIN is 1111 and my cat is called Pixel.")
    asking = new_chat(client, "Asking")
    preview = client.post(
        f"/api/chats/{asking}/context",
        json={
            "content": "My bank PIN is 4921 and my cat is called Pixel.",
            "context": {"k": 50, "vector_floor": -1, "memory_budget_tokens": 100000},
        },
    ).json()
    texts = " ".join(m["prompt"] + m["reply"] for m in preview["memories"])
    assert "1111" in texts
    assert "4921" not in texts
    assert all(m["chat_title"] != "Their secret" for m in preview["memories"])


def test_hostile_search_text_is_safe(client: TestClient) -> None:
    chat = new_chat(client, "hostile")
    for text in [
        'AND OR NOT * ~ : " ( ) [ ] { } ^ \\ /',
        "x" * 5000,
        "''' MATCH (n) DETACH DELETE n",
    ]:
        response = client.post(f"/api/chats/{chat}/context", json={"content": text})
        assert response.status_code == 200, response.text
    assert keyword_query('cats AND dogs* NOT "fish"') == '"cats" OR "dogs" OR "fish"'
    assert keyword_query("the and or") == ""


def test_preview_rejects_bad_input(client: TestClient) -> None:
    chat = new_chat(client, "bad")
    assert client.post(f"/api/chats/{chat}/context", json={"content": ""}).status_code == 400
    assert client.post(f"/api/chats/{new_id()}/context", json={"content": "x"}).status_code == 404
    response = client.post(
        f"/api/chats/{chat}/context", json={"content": "x", "parent_id": new_id()}
    )
    assert response.status_code == 404
    knobs = client.post(f"/api/chats/{chat}/context", json={"content": "x", "context": {"k": -1}})
    assert knobs.status_code == 400


def test_embedding_dimension_mismatch_refuses_to_start(
    app_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    wrong = app_settings.model_copy(update={"embeddings": "openai", "embedding_dimension": 8})
    with (
        pytest.raises(ThreadgraphError, match=r"8-dimensional.*384 dimensions"),
        TestClient(create_app(wrong)),
    ):
        pass


def test_backfill_embeds_what_is_missing(
    store: Neo4jStore, settings: Settings, driver: Driver
) -> None:
    user = store.ensure_user(new_id(), "backfill").id
    chat = store.create_chat(user, "old")
    ids = [
        store.append_message(user, chat.id, NewMessage(Role.USER, f"old message {i}")).message.id
        for i in range(5)
    ]
    env = dict(
        os.environ,
        NEO4J_URI=settings.effective_neo4j_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password,
        HF_HUB_OFFLINE="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "threadgraph.cli", "embeddings", "backfill", "--batch", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "embedded" in done.stdout
    found = rows(
        driver,
        settings.neo4j_database,
        "MATCH (m:Message) WHERE m.id IN $ids RETURN size(m.embedding) AS dims",
        ids=ids,
    )
    assert [r["dims"] for r in found] == [384] * 5
    assert store.count_missing_embeddings() == 0


def test_keyword_memory_is_scoped_inside_the_full_text_index(store: Neo4jStore) -> None:
    """Others' messages that match the words better must not crowd out the person's own:
    the owner is part of the full-text query, not a filter after its top hits."""
    crowd = store.ensure_user(new_id(), "crowd").id
    for i in range(30):
        chat = store.create_chat(crowd, f"crowd {i}")
        for _ in range(2):
            store.append_message(
                crowd, chat.id, NewMessage(Role.USER, "tomato tomato tomato garden garden")
            )
    me = store.ensure_user(new_id(), "me").id
    mine = store.create_chat(me, "mine")
    prompt = store.append_message(
        me, mine.id, NewMessage(Role.USER, "A long note that mentions a tomato once.")
    ).message
    store.append_message(me, mine.id, NewMessage(Role.ASSISTANT, "Noted."))
    asking = store.create_chat(me, "asking")
    hits = store.memory_candidates(
        me, asking.id, None, keyword_query("tomato garden"), [], 10, 10, 0.0
    )
    assert [h.prompt_id for h in hits] == [prompt.id]
    assert [h.via for h in hits] == ["keyword"]

    found = Search(store, shared_embedder()).search(me, "tomato garden", limit=5)
    by_words = [r.hit.message.id for r in found if "keyword" in r.ranks]
    assert by_words == [prompt.id]
