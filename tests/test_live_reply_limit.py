"""Replies written at once per person (accounts mode, THREADGRAPH_MAX_LIVE_REPLIES_PER_PERSON):
the turn beyond the limit is a 429 with Retry-After and a message, nothing of it is
stored (no prompt without its reply), another person is not held back, and the slots
come back when the replies end."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.accounts_helpers import Person, new_person, services_of
from tests.app_client import ready_client
from tests.wait import until
from threadgraph.config import Settings


@pytest.fixture
def limited(app_settings: Settings) -> Iterator[TestClient]:
    update = {"auth": "accounts", "max_live_replies_per_person": 2}
    with ready_client(app_settings.model_copy(update=update)) as client:
        yield client


def slow_turn(person: Person, chat_id: str) -> dict[str, Any]:
    return person.turn(chat_id, "take your time", model="fake-slow")


def test_the_turn_beyond_the_limit_is_refused_and_nothing_of_it_is_stored(
    limited: TestClient,
) -> None:
    alice, bob = new_person(limited), new_person(limited)
    slots = services_of(limited).turns.slots
    chats = [alice.chat(f"slow {i}") for i in range(2)]
    third = alice.chat("the third")
    first = alice.turn(third, "a quick one first")
    with ThreadPoolExecutor(max_workers=2) as pool:
        running: list[Future[dict[str, Any]]] = [
            pool.submit(slow_turn, alice, chat) for chat in chats
        ]
        until(lambda: slots.live(alice.id) == 2 or None, timeout=30)
        before = alice.get(f"/api/chats/{third}/tree").json()
        refused = [
            alice.post(f"/api/chats/{third}/messages", json={"content": "one more"}),
            alice.post(
                f"/api/chats/{third}/messages", json={"content": "one more", "stream": False}
            ),
            alice.post(f"/api/messages/{first['reply']['id']}/regenerate", json={}),
            alice.post(f"/api/messages/{first['prompt']['id']}/edit", json={"content": "again"}),
            alice.post(
                "/v1/chat/completions",
                json={"model": "fake-echo", "messages": [{"role": "user", "content": "hi"}]},
            ),
        ]
        for response in refused:
            assert response.status_code == 429, response.text
            assert response.headers["retry-after"] == "5"
            assert "2 replies of yours are being written" in response.text
        assert alice.get(f"/api/chats/{third}/tree").json() == before
        assert len(alice.get("/api/chats").json()["chats"]) == 3  # /v1 made no chat
        # Another person is not held back by Alice's replies.
        assert bob.turn(bob.chat(), "hello")["reply"]["status"] == "complete"
        for future in running:  # answered 200 (stream=false waits a while, not always to the end)
            assert future.result(timeout=60)["reply"]["model"] == "fake-slow"
    until(lambda: slots.live(alice.id) == 0 or None, timeout=30)
    assert alice.turn(third, "now there is room")["reply"]["status"] == "complete"


def test_a_turn_that_starts_no_reply_gives_its_slot_back(limited: TestClient) -> None:
    alice = new_person(limited)
    slots = services_of(limited).turns.slots
    chat = alice.chat()
    for _ in range(5):  # more than the limit: each 404 or 400 gives its slot back
        missing = alice.post(
            "/api/chats/00000000-0000-4000-8000-0000000000aa/messages", json={"content": "x"}
        )
        assert missing.status_code == 404
        bad_parent = alice.post(
            f"/api/chats/{chat}/messages",
            json={"content": "x", "parent_id": "00000000-0000-4000-8000-0000000000ab"},
        )
        assert bad_parent.status_code == 400
    assert slots.live(alice.id) == 0
    turn = alice.turn(chat, "a retried prompt id", id="00000000-0000-4000-8000-0000000000ac")
    retried = alice.turn(chat, "a retried prompt id", id="00000000-0000-4000-8000-0000000000ac")
    assert retried["reply"]["id"] == turn["reply"]["id"]
    until(lambda: slots.live(alice.id) == 0 or None, timeout=10)
