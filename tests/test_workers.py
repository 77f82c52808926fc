"""`threadgraph serve --workers 2`: two processes share one port and one Neo4j. Each is
its own instance (its own lease owner), any of them serves any reader, and a reply
written by one is followed to its end through whichever answers."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.fake_openai import slow_text
from tests.server_process import ServerProcess
from tests.sse import parse_events, text_of
from tests.wait import until
from threadgraph.config import Settings


@pytest.fixture
def workers(app_settings: Settings, tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(app_settings, tmp_path / "workers.log", workers=2)
    process.start(timeout=240)
    try:
        # Ready means one worker is; wait for the other too (each loads its models).
        until(lambda: len(instances(process.url, 40)) == 2, timeout=180, every=1)
        yield process
    finally:
        process.stop()


def instances(url: str, requests: int) -> set[str]:
    """The instances that answered ``requests`` fresh connections to /health."""
    seen = set()
    for _ in range(requests):
        response = httpx.get(f"{url}/health", timeout=10)  # a new connection each time
        if response.status_code == 200:
            seen.add(response.json()["instance"])
    return seen


def test_two_workers_share_the_port_and_follow_each_other_s_replies(
    workers: ServerProcess,
) -> None:
    url = workers.url
    chat = httpx.post(f"{url}/api/chats", json={}).json()["id"]
    with httpx.stream(
        "POST",
        f"{url}/api/chats/{chat}/messages",
        json={"content": "take your time", "model": "fake-slow"},
        timeout=60,
    ) as response:
        events = parse_events(response.iter_lines())
        reply_id = next(events)[1]["reply"]["id"]

        def reattach(_: int) -> str:
            with httpx.stream("GET", f"{url}/api/messages/{reply_id}/stream", timeout=60) as again:
                return text_of(list(parse_events(again.iter_lines())))

        # Readers on fresh connections land on either worker: every one reads it all.
        with ThreadPoolExecutor(6) as pool:
            texts = list(pool.map(reattach, range(6)))
        assert text_of(list(events)) == slow_text()
    assert texts == [slow_text()] * 6
    stored = httpx.get(f"{url}/api/messages/{reply_id}").json()
    assert (stored["status"], stored["content"]) == ("complete", slow_text())
