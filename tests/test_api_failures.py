"""Model failures leave a failed reply with a reason, the prompt intact, and a retry."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app_client import ready_client
from tests.sse import parse_events
from threadgraph.config import Settings


def failed_turn(client: TestClient, chat_id: str, model: str) -> list[tuple[str, dict[str, Any]]]:
    with client.stream(
        "POST", f"/api/chats/{chat_id}/messages", json={"content": "will it work?", "model": model}
    ) as response:
        assert response.status_code == 200
        return list(parse_events(response.iter_lines()))


def assert_failed_then_retry(
    client: TestClient, chat_id: str, events: list[Any], reason: str
) -> None:
    assert events[0][0] == "start"
    assert events[-1][0] == "error"
    assert reason in events[-1][1]["message"]
    branch = client.get(f"/api/chats/{chat_id}").json()["messages"]
    prompt, reply = branch
    assert (prompt["status"], prompt["content"]) == ("complete", "will it work?")
    assert reply["status"] == "failed"
    assert reason in reply["error"]

    # Retry: a new reply beside the failed one, here from a model that works.
    with client.stream(
        "POST", f"/api/messages/{reply['id']}/regenerate", json={"model": "fake-echo"}
    ) as response:
        retry = list(parse_events(response.iter_lines()))
    assert retry[-1][0] == "done"
    assert retry[-1][1]["reply"]["content"] == "Echo: will it work?"
    assert retry[-1][1]["reply"]["parent_id"] == prompt["id"]
    after = client.get(f"/api/chats/{chat_id}").json()["messages"]
    assert [m["id"] for m in after] == [prompt["id"], retry[0][1]["reply"]["id"]]
    # The failed reply is kept, beside the new one.
    assert client.get(f"/api/messages/{reply['id']}").json()["status"] == "failed"


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("fake-500", "answered 500: the fake model fell over"),
        ("fake-timeout", "timed out"),
        ("fake-garbage", "malformed"),
    ],
)
def test_upstream_failures(client: TestClient, model: str, reason: str) -> None:
    chat = client.post("/api/chats", json={}).json()
    events = failed_turn(client, chat["id"], model)
    assert_failed_then_retry(client, chat["id"], events, reason)


def test_a_model_not_on_offer_is_a_400_and_nothing_is_stored(client: TestClient) -> None:
    """Found by the fuzzer: a mistyped model name was stored with the prompt, failed
    upstream and answered 502. It is the caller's mistake, told before anything is kept."""
    chat = client.post("/api/chats", json={}).json()
    asks = [
        ("POST", f"/api/chats/{chat['id']}/messages", {"content": "hi", "model": "no-such-model"}),
        ("POST", "/api/chats", {"model": "no-such-model"}),
        ("PATCH", f"/api/chats/{chat['id']}", {"model": "no-such-model"}),
    ]
    for method, url, body in asks:
        response = client.request(method, url, json=body)
        assert response.status_code == 400, (url, response.text)
        assert "'no-such-model' is not offered" in response.json()["error"]["message"]
    assert client.get(f"/api/chats/{chat['id']}").json()["messages"] == []
    assert client.get(f"/api/chats/{chat['id']}").json()["chat"]["model"] is None
    turn = client.post(
        f"/api/chats/{chat['id']}/messages", json={"content": "hi", "stream": False}
    ).json()
    again = client.post(
        f"/api/messages/{turn['reply']['id']}/regenerate", json={"model": "no-such-model"}
    )
    assert again.status_code == 400
    assert len(client.get(f"/api/messages/{turn['reply']['id']}/siblings").json()["messages"]) == 1
    on_offer = client.post(
        f"/api/chats/{chat['id']}/messages",
        json={"content": "hi", "model": "fake-echo", "stream": False},
    )
    assert on_offer.status_code == 200


def test_connection_refused(app_settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings = app_settings.model_copy(
        update={"openai_base_url": f"http://127.0.0.1:{dead}/v1", "default_model": "fake-echo"}
    )
    with ready_client(settings) as client:
        chat = client.post("/api/chats", json={}).json()
        events = failed_turn(client, chat["id"], "fake-echo")
        assert events[-1][0] == "error"
        assert "could not connect" in events[-1][1]["message"]
        branch = client.get(f"/api/chats/{chat['id']}").json()["messages"]
        assert [m["status"] for m in branch] == ["complete", "failed"]
        models = client.get("/api/models").json()
        assert "could not connect" in models["endpoint_error"]
        assert [m["id"] for m in models["models"]] == ["local/smollm2-135m-instruct"]


def test_json_turn_failure_is_502_with_the_ids_to_retry(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()
    response = client.post(
        f"/api/chats/{chat['id']}/messages",
        json={"content": "hi", "model": "fake-500", "stream": False},
    )
    assert response.status_code == 502
    body = response.json()
    assert body["error"]["code"] == "model_error"
    assert "500" in body["error"]["message"]
    assert body["prompt"]["status"] == "complete"
    assert body["reply"]["status"] == "failed"


def test_regenerate_refuses_a_prompt(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()
    turn = client.post(
        f"/api/chats/{chat['id']}/messages", json={"content": "hi", "stream": False}
    ).json()
    response = client.post(f"/api/messages/{turn['prompt']['id']}/regenerate", json={})
    assert response.status_code == 400
    assert "assistant" in response.json()["error"]["message"]
