"""/v1: the official openai SDK talks to threadgraph as to OpenAI, and every call is
recorded in the graph: continuing a branch, branching where an earlier message was edited,
or starting a chat. The upstream model is the fake OpenAI server (the network edge)."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient
from neo4j import Driver
from openai.types.chat import ChatCompletionMessageParam

from tests.fake_openai import FakeOpenAI
from tests.graph_helpers import rows
from threadgraph.config import Settings


def sdk(client: TestClient, **headers: str) -> openai.OpenAI:
    """The real SDK, sending its requests through the app (no socket needed)."""
    return openai.OpenAI(
        base_url="http://testserver/v1",
        api_key="not-needed-in-local-mode",
        http_client=client,
        default_headers=headers or None,
        max_retries=0,
    )


def tree(driver: Driver, settings: Settings, chat_id: str) -> list[dict[str, Any]]:
    return rows(
        driver,
        settings.neo4j_database,
        """
        MATCH (m:Message)-[:BELONGS_TO]->(:Chat {id: $chat})
        OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
        RETURN m.role AS role, m.content AS content, p.content AS parent
        ORDER BY m.created_at
        """,
        chat=chat_id,
    )


def test_a_conversation_is_continued_then_branched_where_it_was_edited(
    client: TestClient, driver: Driver, app_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    api = sdk(client)
    system: ChatCompletionMessageParam = {"role": "system", "content": "You are terse."}
    first: ChatCompletionMessageParam = {"role": "user", "content": "What is a graph?"}
    raw = api.chat.completions.with_raw_response.create(model="fake-echo", messages=[system, first])
    chat_id = raw.headers["x-threadgraph-chat"]
    answer = raw.parse()
    assert answer.object == "chat.completion"
    assert answer.choices[0].message.content == "Echo: What is a graph?"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None
    assert answer.usage.completion_tokens > 0

    reply: ChatCompletionMessageParam = {
        "role": "assistant",
        "content": answer.choices[0].message.content,
    }
    second: ChatCompletionMessageParam = {"role": "user", "content": "And a tree?"}
    again = api.chat.completions.with_raw_response.create(
        model="fake-echo", messages=[system, first, reply, second]
    )
    assert again.headers["x-threadgraph-chat"] == chat_id  # the stored branch continues

    edited: ChatCompletionMessageParam = {"role": "user", "content": "What is a network?"}
    branched = api.chat.completions.with_raw_response.create(
        model="fake-echo", messages=[system, edited]
    )
    assert branched.headers["x-threadgraph-chat"] == chat_id  # a sibling branch, same chat

    stored = tree(driver, app_settings, chat_id)
    assert [(m["role"], m["content"], m["parent"]) for m in stored] == [
        ("system", "You are terse.", None),
        ("user", "What is a graph?", "You are terse."),
        ("assistant", "Echo: What is a graph?", "What is a graph?"),
        ("user", "And a tree?", "Echo: What is a graph?"),
        ("assistant", "Echo: And a tree?", "And a tree?"),
        ("user", "What is a network?", "You are terse."),
        ("assistant", "Echo: What is a network?", "What is a network?"),
    ]
    # The client's system prompt reached the model with the branch.
    sent = [r for r in fake_openai.requests if r["messages"][-1]["content"] == "What is a network?"]
    assert any(m == system for m in sent[-1]["messages"])


def test_streaming_speaks_openai_chunks_and_a_new_history_starts_a_chat(
    client: TestClient, driver: Driver, app_settings: Settings
) -> None:
    api = sdk(client)
    asked = "Stream me something about Neo4j"
    question: ChatCompletionMessageParam = {"role": "user", "content": asked}
    stream = api.chat.completions.create(
        model="fake-echo",
        messages=[question],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Echo: Stream me something about Neo4j"
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens > 0
    chats = rows(
        driver,
        app_settings.neo4j_database,
        "MATCH (m:Message {content: $q})-[:BELONGS_TO]->(c:Chat) RETURN c.id AS id, c.title AS t",
        q=asked,
    )
    assert len(chats) == 1
    assert chats[0]["t"] == "Stream me something about Neo4j"


def test_errors_come_back_in_openai_shapes(client: TestClient) -> None:
    api = sdk(client)
    with pytest.raises(openai.BadRequestError) as bad:
        api.chat.completions.create(
            model="fake-echo", messages=[{"role": "assistant", "content": "hi"}]
        )
    assert bad.value.body["type"] == "invalid_request_error"  # type: ignore[index]
    assert "last message must be the user's" in bad.value.message
    with pytest.raises(openai.NotFoundError):
        sdk(
            client, **{"X-Threadgraph-Chat": "00000000-0000-4000-8000-0000000000ff"}
        ).chat.completions.create(model="fake-echo", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.APIStatusError) as failed:
        api.chat.completions.create(model="fake-500", messages=[{"role": "user", "content": "x"}])
    assert failed.value.status_code == 502
    # A model not on offer: a 400 before the history is written (no chat is made).
    chats = client.get("/api/chats").json()["chats"]
    with pytest.raises(openai.BadRequestError) as unknown:
        api.chat.completions.create(
            model="no-such-model",
            messages=[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
        )
    assert "'no-such-model' is not offered" in unknown.value.message
    assert client.get("/api/chats").json()["chats"] == chats


def test_a_history_that_breaks_the_rules_is_stored_not_at_all(
    client: TestClient, driver: Driver, app_settings: Settings
) -> None:
    """The new chat, the resent messages and the prompt are one write: an empty message
    in the middle of a new history is a 400, and nothing of that history is stored (its
    chat and first messages were, before the write was one transaction)."""
    api = sdk(client)
    chats = client.get("/api/chats").json()["chats"]
    with pytest.raises(openai.BadRequestError) as bad:
        api.chat.completions.create(
            model="fake-echo",
            messages=[
                {"role": "system", "content": "Remember the word marmalade-41."},
                {"role": "user", "content": "What was the word?"},
                {"role": "assistant", "content": "   "},
                {"role": "user", "content": "Say it again."},
            ],
        )
    assert bad.value.body["type"] == "invalid_request_error"  # type: ignore[index]
    assert client.get("/api/chats").json()["chats"] == chats
    stored = rows(
        driver,
        app_settings.neo4j_database,
        "MATCH (m:Message) WHERE m.content CONTAINS 'marmalade-41' RETURN count(m) AS n",
    )
    assert stored[0]["n"] == 0


def test_models_are_listed_as_openai_lists_them(client: TestClient) -> None:
    listed = sdk(client).models.list()
    ids = [m.id for m in listed.data]
    assert "fake-echo" in ids
    assert all(m.object == "model" for m in listed.data)
