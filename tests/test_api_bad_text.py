"""Text that is not valid Unicode (JSON's "\\ud800", a lone UTF-16 surrogate, which no
UTF-8 store can hold) is a 400 that says so, on every route that takes text, and
nothing is written. A fuzzer found 500s on seven of them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import turn

BAD = "a\ud800b"


def send(client: TestClient, method: str, path: str, body: dict[str, Any]) -> Any:
    """JSON with the surrogate written as an escape, as a client's JSON encoder does
    (httpx would try to encode it as UTF-8 and fail before sending)."""
    return client.request(
        method, path, content=json.dumps(body), headers={"content-type": "application/json"}
    )


def assert_bad_text(response: Any) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert "not valid Unicode" in error["message"]
    assert "U+D800" in error["message"]


@pytest.mark.parametrize("field", ["title", "model"])
def test_a_new_chat_with_bad_text_is_refused(client: TestClient, field: str) -> None:
    before = client.get("/api/chats").json()["chats"]
    assert_bad_text(send(client, "POST", "/api/chats", {field: BAD}))
    assert client.get("/api/chats").json()["chats"] == before


@pytest.mark.parametrize("stream", [True, False])
def test_a_prompt_with_bad_text_is_refused_and_nothing_is_stored(
    client: TestClient, stream: bool
) -> None:
    chat = client.post("/api/chats", json={"title": "clean"}).json()["id"]
    assert_bad_text(
        send(client, "POST", f"/api/chats/{chat}/messages", {"content": BAD, "stream": stream})
    )
    assert client.get(f"/api/chats/{chat}").json()["messages"] == []


def test_edits_previews_renames_and_forks_with_bad_text_are_refused(client: TestClient) -> None:
    chat = client.post("/api/chats", json={"title": "clean"}).json()["id"]
    done = turn(client, chat, "a fine prompt")
    prompt, reply = done["prompt"]["id"], done["reply"]["id"]
    branch = client.get(f"/api/chats/{chat}").json()["messages"]
    chats = len(client.get("/api/chats").json()["chats"])

    assert_bad_text(send(client, "POST", f"/api/messages/{prompt}/edit", {"content": BAD}))
    assert_bad_text(send(client, "POST", f"/api/chats/{chat}/context", {"content": BAD}))
    assert_bad_text(send(client, "PATCH", f"/api/chats/{chat}", {"title": BAD}))
    assert_bad_text(send(client, "PATCH", f"/api/chats/{chat}", {"model": BAD}))
    assert_bad_text(send(client, "POST", f"/api/messages/{reply}/fork", {"title": BAD}))
    assert_bad_text(send(client, "POST", f"/api/messages/{reply}/regenerate", {"model": BAD}))

    assert client.get(f"/api/chats/{chat}").json()["messages"] == branch
    assert len(client.get("/api/chats").json()["chats"]) == chats
    assert len(client.get(f"/api/messages/{prompt}/siblings").json()["messages"]) == 1
    assert len(client.get(f"/api/messages/{reply}/siblings").json()["messages"]) == 1
