"""Replies survive the people and processes around them: a browser that goes away, and a
server killed with SIGKILL mid-stream."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fake_openai import SLOW_DELAY, slow_text
from tests.server_process import ServerProcess
from tests.sse import parse_events, text_of
from tests.wait import until
from threadgraph.config import Settings


@pytest.fixture
def server(app_settings: Settings, tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(app_settings, tmp_path / "server.log").start()
    try:
        yield process
    finally:
        process.stop()


def read_some(url: str, chat_id: str, deltas: int) -> list[tuple[str, dict[str, Any]]]:
    """Start a slow streamed turn, read a few deltas, then hang up."""
    events: list[tuple[str, dict[str, Any]]] = []
    with (
        httpx.Client(timeout=30) as http,  # a loaded machine can be slow to start a reply
        http.stream(
            "POST",
            f"{url}/api/chats/{chat_id}/messages",
            json={"content": "take your time", "model": "fake-slow"},
        ) as response,
    ):
        for event in parse_events(response.iter_lines()):
            events.append(event)
            if sum(1 for kind, _ in events if kind == "delta") >= deltas:
                break
    return events


def message(url: str, message_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{url}/api/messages/{message_id}").json()
    return body


def test_reply_completes_after_the_client_disconnects(server: ServerProcess) -> None:
    chat = httpx.post(f"{server.url}/api/chats", json={}).json()
    events = read_some(server.url, chat["id"], deltas=3)
    reply_id = events[0][1]["reply"]["id"]
    assert message(server.url, reply_id)["status"] == "streaming"

    done = until(lambda: (m := message(server.url, reply_id))["status"] != "streaming" and m)
    assert done["status"] == "complete"
    assert done["content"] == slow_text()

    # Re-attaching after the end replays the stored reply.
    with httpx.stream("GET", f"{server.url}/api/messages/{reply_id}/stream") as response:
        replay = list(parse_events(response.iter_lines()))
    assert text_of(replay) == slow_text()
    assert replay[-1][1]["status"] == "complete"


def test_sigkill_mid_stream_keeps_prompt_and_partial_reply(
    app_settings: Settings, tmp_path: Path
) -> None:
    # The reply's lease (renewed by its writer) runs out 2 s after the kill; only then
    # does the next process end it.
    app_settings = app_settings.model_copy(update={"reply_lease_seconds": 2.0})
    first = ServerProcess(app_settings, tmp_path / "first.log").start()
    try:
        chat = httpx.post(f"{first.url}/api/chats", json={}).json()
        # About 1.5 s of tokens: several checkpoints (every 0.2 s here) have been written.
        events = read_some(first.url, chat["id"], deltas=int(1.5 / SLOW_DELAY))
        prompt_id = events[0][1]["prompt"]["id"]
        reply_id = events[0][1]["reply"]["id"]
        seen = text_of(events)
        time.sleep(0.3)
        first.kill()
    finally:
        first.stop()

    second = ServerProcess(app_settings, tmp_path / "second.log").start()
    try:
        prompt = message(second.url, prompt_id)
        assert (prompt["status"], prompt["content"]) == ("complete", "take your time")
        until(lambda: message(second.url, reply_id)["status"] == "incomplete", timeout=20)
        reply = message(second.url, reply_id)
        assert "server stopped" in reply["error"]
        assert reply["content"], "the checkpointed part of the reply is kept"
        assert slow_text().startswith(reply["content"])
        assert len(reply["content"]) >= len(seen) - 5 * len("w00 ")  # at most ~1 s lost

        # The chat still works.
        with httpx.stream(
            "POST",
            f"{second.url}/api/chats/{chat['id']}/messages",
            json={"content": "still there?", "model": "fake-echo"},
        ) as response:
            after = list(parse_events(response.iter_lines()))
        assert after[-1][0] == "done"
        assert text_of(after) == "Echo: still there?"
    finally:
        second.stop()


def test_the_first_words_are_stored_with_the_first_checkpoint(
    app_settings: Settings, tmp_path: Path
) -> None:
    # Checkpoints a minute apart: only the one written with the first piece can be there.
    rare = app_settings.model_copy(update={"checkpoint_seconds": 60.0})
    server = ServerProcess(rare, tmp_path / "server.log").start()
    try:
        chat = httpx.post(f"{server.url}/api/chats", json={}).json()
        events = read_some(server.url, chat["id"], deltas=3)
        stored = message(server.url, events[0][1]["reply"]["id"])
    finally:
        server.stop()
    assert stored["status"] == "streaming"
    assert stored["content"] == slow_text()[: len(stored["content"])]
    assert stored["content"].strip() == "w0"


def test_a_silent_model_gets_keep_alive_comments_on_the_stream(
    app_settings: Settings, tmp_path: Path
) -> None:
    # fake-timeout says nothing for 3 s, then answers (within this app's model timeout).
    patient = app_settings.model_copy(
        update={"sse_heartbeat_seconds": 0.25, "model_timeout_seconds": 10.0}
    )
    server = ServerProcess(patient, tmp_path / "server.log").start()
    try:
        chat = httpx.post(f"{server.url}/api/chats", json={}).json()
        with httpx.stream(
            "POST",
            f"{server.url}/api/chats/{chat['id']}/messages",
            json={"content": "think before you speak", "model": "fake-timeout"},
            timeout=1.0,  # a reader that gives up after a second of silence
        ) as response:
            lines = list(response.iter_lines())
    finally:
        server.stop()
    events = list(parse_events(lines))
    assert next(kind for kind, _ in events) == "start"
    assert events[-1][0] == "done"
    assert events[-1][1]["status"] == "complete"
    assert lines.count(": keep-alive") >= 5
    first_delta = next(i for i, line in enumerate(lines) if line == "event: delta")
    assert lines.index(": keep-alive") < first_delta
