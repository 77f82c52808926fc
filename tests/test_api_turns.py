"""Chat turns through the real API, the real openai client and a fake model server."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.fake_openai import FakeOpenAI
from tests.sse import parse_events, text_of
from tests.wait import until
from threadgraph.llm.local_model import MODEL_ID
from threadgraph.rules import new_id


def stream_turn(client: TestClient, chat_id: str, **body: Any) -> list[tuple[str, dict[str, Any]]]:
    with client.stream("POST", f"/api/chats/{chat_id}/messages", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return list(parse_events(response.iter_lines()))


def test_streamed_turn_is_persisted_in_order(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()
    events = stream_turn(client, chat["id"], content="hello graph")
    kinds = [k for k, _ in events]
    assert kinds[0] == "start"
    assert kinds[-1] == "done"
    assert set(kinds[1:-1]) == {"delta"}
    assert len(kinds) > 3  # the reply came in several pieces
    assert text_of(events) == "Echo: hello graph"
    start, done = events[0][1], events[-1][1]
    assert start["prompt"]["status"] == "complete"
    assert start["reply"]["status"] == "streaming"
    assert start["local_model"] is False
    assert done["status"] == "complete"
    assert done["tokens"] == len(kinds) - 2
    assert done["prompt_tokens"] == 7

    branch = client.get(f"/api/chats/{chat['id']}").json()["messages"]
    assert [(m["role"], m["status"]) for m in branch] == [
        ("user", "complete"),
        ("assistant", "complete"),
    ]
    prompt, reply = branch
    assert prompt["id"] == start["prompt"]["id"]
    assert reply["id"] == start["reply"]["id"]
    assert reply["parent_id"] == prompt["id"]
    assert reply["content"] == "Echo: hello graph"
    assert reply["model"] == "fake-echo"


def test_json_turn(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()
    response = client.post(
        f"/api/chats/{chat['id']}/messages", json={"content": "no stream", "stream": False}
    )
    assert response.status_code == 200
    turn = response.json()
    assert turn["prompt"]["content"] == "no stream"
    assert turn["reply"]["content"] == "Echo: no stream"
    assert turn["reply"]["status"] == "complete"


def test_history_model_choice_and_title(client: TestClient, fake_openai: FakeOpenAI) -> None:
    chat = client.post("/api/chats", json={"model": "fake-echo"}).json()
    stream_turn(client, chat["id"], content="first question")
    stream_turn(client, chat["id"], content="second question")

    # The title request runs in the background and may come in between: pick the turn's.
    last = next(
        r
        for r in reversed(fake_openai.chat_requests("fake-echo"))
        if r["messages"][-1]["content"] == "second question"
    )
    contents = [(m["role"], m["content"]) for m in last["messages"]]
    assert contents == [
        ("user", "first question"),
        ("assistant", "Echo: first question"),
        ("user", "second question"),
    ]
    title = until(
        lambda: (
            client.get(f"/api/chats/{chat['id']}").json()["chat"]["title"] != "New chat"
            and client.get(f"/api/chats/{chat['id']}").json()["chat"]["title"]
        )
    )
    assert title == "Fake Title"

    # A model named on the message wins over the chat's.
    events = stream_turn(client, chat["id"], content="slowly", model="fake-slow")
    assert events[-1][1]["reply"]["model"] == "fake-slow"
    # The person's own title is never replaced.
    client.patch(f"/api/chats/{chat['id']}", json={"title": "Mine"})
    assert client.get(f"/api/chats/{chat['id']}").json()["chat"]["title"] == "Mine"


def test_title_falls_back_to_the_prompt_when_the_model_cannot_title(
    client: TestClient,
) -> None:
    chat = client.post("/api/chats", json={}).json()
    # The reply streams fine; the title request to fake-slow returns its word list,
    # which is too long to be a title, so the prompt's first words are used.
    stream_turn(
        client, chat["id"], content="tell me about graph databases please", model="fake-slow"
    )
    title = until(
        lambda: (
            (t := client.get(f"/api/chats/{chat['id']}").json()["chat"]["title"]) != "New chat"
            and t
        )
    )
    assert title == "tell me about graph databases please"


def test_retried_message_id_gives_the_same_turn(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()
    message_id = new_id()
    first = stream_turn(client, chat["id"], content="once", id=message_id)
    again = stream_turn(client, chat["id"], content="once", id=message_id)
    assert again[0][1]["prompt"]["id"] == first[0][1]["prompt"]["id"] == message_id
    assert again[0][1]["reply"]["id"] == first[0][1]["reply"]["id"]
    assert text_of(again) == "Echo: once"
    assert len(client.get(f"/api/chats/{chat['id']}").json()["messages"]) == 2


def test_models_lists_endpoint_and_local_models(client: TestClient) -> None:
    body = client.get("/api/models").json()
    ids = {m["id"]: m for m in body["models"]}
    assert "fake-echo" in ids
    assert ids["fake-echo"]["local"] is False
    assert ids[MODEL_ID]["local"] is True
    assert ids[MODEL_ID]["provider"] == "local"
    assert "offline" in ids[MODEL_ID]["label"]
    assert body["default"] == "fake-echo"
    assert body["endpoint_error"] is None


def test_stop_ends_the_reply_incomplete_with_what_it_has(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()
    with client.stream(
        "POST", f"/api/chats/{chat['id']}/messages", json={"content": "go", "model": "fake-slow"}
    ) as response:
        events = []
        for event in parse_events(response.iter_lines()):
            events.append(event)
            if sum(1 for k, _ in events if k == "delta") == 3:
                reply_id = events[0][1]["reply"]["id"]
                assert client.post(f"/api/messages/{reply_id}/stop").json() == {"stopping": True}
    assert events[-1][0] == "done"
    assert events[-1][1]["status"] == "incomplete"
    reply = client.get(f"/api/messages/{events[0][1]['reply']['id']}").json()
    assert reply["status"] == "incomplete"
    assert reply["content"] == text_of(events)
    assert "stopped" in reply["error"]
