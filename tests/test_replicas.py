"""Two server processes on one Neo4j, as two replicas behind a load balancer: a reply
started on one is followed and stopped from the other, and when its writer is killed
the other ends it once its lease runs out, never touching its own live replies."""

from __future__ import annotations

import threading
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

LEASE = 5.0  # short, to be quick; long enough that a loaded machine renews in time
Events = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def replica_settings(app_settings: Settings) -> Settings:
    return app_settings.model_copy(update={"reply_lease_seconds": LEASE})


@pytest.fixture
def two(replica_settings: Settings, tmp_path: Path) -> Iterator[tuple[ServerProcess, ...]]:
    a = ServerProcess(replica_settings, tmp_path / "a.log").start()
    try:
        b = ServerProcess(replica_settings, tmp_path / "b.log").start()
        try:
            yield a, b
        finally:
            b.stop()
    finally:
        a.stop()


def start_slow_turn(url: str, chat_id: str) -> tuple[str, Events, threading.Thread]:
    """A slow streamed turn read to its end in a thread; returns the reply id once its
    first words have come, the events (still growing) and the thread."""
    events: Events = []
    started = threading.Event()

    def read() -> None:
        try:
            with (
                httpx.Client(timeout=60) as http,
                http.stream(
                    "POST",
                    f"{url}/api/chats/{chat_id}/messages",
                    json={"content": "take your time", "model": "fake-slow"},
                ) as response,
            ):
                for event in parse_events(response.iter_lines()):
                    events.append(event)
                    if event[0] == "delta":
                        started.set()
        except httpx.HTTPError:  # the server was killed under the reader: expected there
            pass
        finally:
            started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(60), "the reply never started"
    return events[0][1]["reply"]["id"], events, reader


def new_chat(url: str) -> str:
    chat_id: str = httpx.post(f"{url}/api/chats", json={}).json()["id"]
    return chat_id


def message(url: str, message_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{url}/api/messages/{message_id}").json()
    return body


def test_a_reply_written_on_one_replica_is_followed_from_the_other(
    two: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two
    reply_id, on_a, reader = start_slow_turn(a.url, new_chat(a.url))

    with httpx.stream("GET", f"{b.url}/api/messages/{reply_id}/stream", timeout=60) as response:
        assert response.status_code == 200
        on_b = list(parse_events(response.iter_lines()))
    reader.join(60)
    if text_of(on_b) != slow_text():  # seen once, not since: the logs say why if again
        print("events on B:", on_b, "\nB:", b.log_path.read_text()[-4000:])

    assert on_b[0][0] == "start"
    assert on_b[0][1]["reply"]["id"] == reply_id
    assert text_of(on_b) == slow_text() == text_of(on_a)
    # It came as it was written (checkpoint by checkpoint), not in one piece at the end.
    assert sum(1 for kind, _ in on_b if kind == "delta") >= 3
    assert on_b[-1][0] == "done"
    assert on_b[-1][1]["status"] == "complete"


def test_a_reply_written_on_one_replica_is_stopped_from_the_other(
    two: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two
    reply_id, on_a, reader = start_slow_turn(a.url, new_chat(a.url))

    stop = httpx.post(f"{b.url}/api/messages/{reply_id}/stop")
    assert stop.status_code == 200
    assert stop.json() == {"stopping": True}
    reader.join(30)

    assert on_a[-1][0] == "done"
    assert on_a[-1][1]["status"] == "incomplete"
    assert "stopped by the person" in on_a[-1][1]["message"]
    stored = message(b.url, reply_id)
    assert stored["status"] == "incomplete"
    assert slow_text().startswith(stored["content"])
    assert len(stored["content"]) < len(slow_text())
    # Ended: a second stop has nothing to stop.
    assert httpx.post(f"{b.url}/api/messages/{reply_id}/stop").json() == {"stopping": False}


def test_a_killed_replica_s_reply_is_ended_by_the_other_once_its_lease_runs_out(
    two: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two
    reply_id, on_a, _ = start_slow_turn(a.url, new_chat(a.url))
    time.sleep(5 * SLOW_DELAY)  # a few more words, checkpointed every 0.2 s
    seen = text_of(on_a)
    a.kill()
    killed_at = time.monotonic()

    # B's own reply, started now, streams for longer than a lease.
    own_id, on_b, own_reader = start_slow_turn(b.url, new_chat(b.url))
    assert message(b.url, reply_id)["status"] == "streaming", "ended before its lease ran out"

    ended = until(lambda: message(b.url, reply_id)["status"] == "incomplete", timeout=4 * LEASE)
    assert ended
    assert time.monotonic() - killed_at >= LEASE * 0.8
    stored = message(b.url, reply_id)
    assert "server stopped" in stored["error"]
    assert stored["content"], "the checkpointed words are kept"
    assert slow_text().startswith(stored["content"])
    assert len(stored["content"]) >= len(seen) - 5 * len("w00 ")

    own_reader.join(60)
    assert on_b[-1][0] == "done"
    assert on_b[-1][1]["status"] == "complete"
    assert message(b.url, own_id)["content"] == slow_text()
