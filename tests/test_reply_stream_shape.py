"""One event stream per reply and one shape per message: a reader who comes late (a
retried prompt id, a re-attach after the end or in the middle) reads what the reader who
was there read, and every message in an event is the message REST gives."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.fake_openai import slow_text
from tests.server_process import ServerProcess
from tests.sse import parse_events, text_of
from threadgraph.config import Settings
from threadgraph.rules import new_id

Events = list[tuple[str, dict[str, Any]]]


def read(client: TestClient, method: str, path: str, **body: Any) -> Events:
    with client.stream(method, path, json=body or None) as response:
        assert response.status_code == 200, response.read()
        return list(parse_events(response.iter_lines()))


def joined(events: Events) -> Events:
    """The events with the text in one delta, as a reply that has ended is replayed."""
    text = text_of(events)
    out = [e for e in events if e[0] != "delta"]
    if text:
        out.insert(1, ("delta", {"text": text}))
    return out


def test_a_replayed_reply_reads_as_the_live_one(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    prompt_id = new_id()
    live = read(client, "POST", f"/api/chats/{chat}/messages", content="same", id=prompt_id)
    assert live[0][0] == "start"
    assert live[-1][0] == "done"
    assert len([k for k, _ in live if k == "delta"]) > 1  # several pieces live
    reply_id = live[0][1]["reply"]["id"]

    reattached = read(client, "GET", f"/api/messages/{reply_id}/stream")
    retried = read(client, "POST", f"/api/chats/{chat}/messages", content="same", id=prompt_id)

    assert reattached == joined(live)
    assert retried == joined(live)
    start = live[0][1]
    assert set(start) == {"prompt", "reply", "local_model"}
    assert start["reply"]["status"] == "streaming"
    assert start["reply"]["content"] == ""
    assert set(live[-1][1]) == {"status", "tokens", "prompt_tokens", "message", "reply"}


def test_a_failed_reply_replays_its_error_with_status_and_tokens(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    live = read(client, "POST", f"/api/chats/{chat}/messages", content="fail", model="fake-500")
    kind, error = live[-1]
    assert kind == "error"
    assert error["status"] == "failed"
    assert error["message"]
    assert error["reply"]["error"] == error["message"]

    reattached = read(client, "GET", f"/api/messages/{error['reply']['id']}/stream")
    assert reattached == joined(live)


def test_a_reader_who_comes_mid_reply_reads_the_same_events(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    live: Events = []
    started = threading.Event()

    def first_reader() -> None:
        path = f"/api/chats/{chat}/messages"
        with client.stream("POST", path, json={"content": "slow", "model": "fake-slow"}) as r:
            for event in parse_events(r.iter_lines()):
                live.append(event)
                if len(live) == 3:  # started and two pieces in: the reply is mid-way
                    started.set()

    thread = threading.Thread(target=first_reader)
    thread.start()
    try:
        assert started.wait(30)
        late = read(client, "GET", f"/api/messages/{live[0][1]['reply']['id']}/stream")
    finally:
        thread.join(30)
    assert text_of(live) == slow_text()
    assert late == live  # piece by piece: the backlog, then the rest as it came


def test_messages_in_events_are_the_messages_rest_gives(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    live = read(client, "POST", f"/api/chats/{chat}/messages", content="shape")
    start, done = live[0][1], live[-1][1]
    prompt = client.get(f"/api/messages/{start['prompt']['id']}").json()
    reply = client.get(f"/api/messages/{done['reply']['id']}").json()
    assert start["prompt"] == prompt
    assert done["reply"] == reply
    assert "user_id" not in reply
    branch = client.get(f"/api/chats/{chat}").json()["messages"]
    assert branch == [prompt, reply]
    # The empty reply of `start` is the same message before any text: same keys, same id.
    assert set(start["reply"]) == set(reply)
    assert start["reply"]["id"] == reply["id"]
    assert start["reply"]["created_at"] == reply["created_at"]


def test_the_served_process_replays_what_it_streamed(
    app_settings: Settings, tmp_path: Path
) -> None:
    """The same over HTTP from `threadgraph serve`, for a failure as for a reply."""
    server = ServerProcess(app_settings, tmp_path / "server.log").start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            chat = http.post("/api/chats", json={}).json()["id"]
            for model in ("fake-echo", "fake-500"):
                body = {"content": f"over the wire with {model}", "model": model}
                with http.stream("POST", f"/api/chats/{chat}/messages", json=body) as response:
                    live = list(parse_events(response.iter_lines()))
                reply_id = live[0][1]["reply"]["id"]
                with http.stream("GET", f"/api/messages/{reply_id}/stream") as response:
                    replayed = list(parse_events(response.iter_lines()))
                assert live[-1][0] == ("done" if model == "fake-echo" else "error")
                assert replayed == joined(live)
    finally:
        server.stop()
