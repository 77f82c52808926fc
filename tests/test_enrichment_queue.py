"""A finished reply's topics are made by one worker off the reply's thread, once no reply
has started for a moment (services/enrichment_queue.py): never while turns keep starting,
unless they keep starting longer than the queue's patience."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from tests.api_helpers import turn
from tests.wait import until
from threadgraph.rules import new_id
from threadgraph.services import enrichment_queue
from threadgraph.wiring import Services


def test_topics_wait_for_a_lull_in_starting_turns(client: TestClient) -> None:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    live = services.turns.live
    chat = client.post("/api/chats", json={"title": "Gardening"}).json()["id"]

    def topics() -> list[object]:
        listed: list[object] = client.get(f"/api/chats/{chat}/topics").json()
        return listed

    # Replies keep starting, here, as under load, from before the exchange is done.
    stop, gaps = threading.Event(), [0.0]

    def starting() -> None:
        last = time.monotonic()
        while not stop.wait(enrichment_queue.QUIET_SECONDS / 5):
            live.close(live.open(new_id()).reply_id)
            gaps.append(time.monotonic() - last)
            last = time.monotonic()

    busy = threading.Thread(target=starting)
    busy.start()
    try:
        turn(client, chat, "How deep should I plant tomato seedlings in clay soil?")
        watched_until = time.monotonic() + enrichment_queue.PATIENCE_SECONDS / 3
        early = False
        while time.monotonic() < watched_until:
            early = early or bool(topics())
            time.sleep(0.05)
    finally:
        stop.set()
        busy.join()
    # No topics while replies kept starting, unless the starting thread itself stalled
    # for a lull's length (a loaded machine), which the worker may rightly take as one.
    assert not early or max(gaps) >= enrichment_queue.QUIET_SECONDS
    # The starts stop: within a lull the topics come.
    assert until(topics, timeout=10)
