"""A reply whose end another replica wrote first: its writer tells its readers the stored
end, not the one it computed (services/reply_ends.py).

Another replica ends a reply only when its writer's lease has run out (the writer was cut
off from Neo4j). Here that replica's write is made directly through the store while the
writer streams, which is what the writer then finds: the services, Neo4j and the fake
OpenAI-compatible endpoint are the real ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from threadgraph.config import Settings
from threadgraph.models import ReplyEnd, Status, User
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.reply_events import Ended, is_terminal
from threadgraph.wiring import Services, build_services

ENDED_ELSEWHERE = "the server writing this reply stopped before it was finished"


@pytest.fixture
def services(app_settings: Settings) -> Iterator[Services]:
    services = build_services(app_settings.model_copy(update={"topics_enabled": False}))
    try:
        yield services
    finally:
        services.close()


@pytest.fixture
def turns(services: Services) -> Iterator[ChatTurns]:
    turns = ChatTurns(
        services.store, services.catalog, services.settings, services.embedder, services.assembler
    )
    try:
        yield turns
    finally:
        turns.shutdown()


def test_the_reader_is_told_the_end_another_replica_stored(
    services: Services, turns: ChatTurns, user: User
) -> None:
    store = services.store
    chat = store.create_chat(user.id, model="fake-slow")  # 40 words, 0.1 s apart
    turn, live = turns.send(user.id, chat.id, "take your time")
    assert live is not None
    deadline = time.monotonic() + 10
    while not store.get_message(user.id, turn.reply.id).content:  # the first checkpoint
        assert time.monotonic() < deadline, "no checkpoint within 10 s"
        time.sleep(0.05)

    there = "w0 w1 (as the other replica stored it)"
    elsewhere = ReplyEnd(there, Status.INCOMPLETE, "fake-slow", error=ENDED_ELSEWHERE)
    assert store.finish_reply(turn.reply.id, elsewhere) is not None

    assert live.finished.wait(15), "the writer never ended"
    last = live.events[-1]
    assert is_terminal(last)
    assert isinstance(last, Ended)
    assert last.status is Status.INCOMPLETE
    assert last.message == ENDED_ELSEWHERE
    assert last.reply is not None
    assert last.reply.content == there
    stored = turns.wait_for_reply(turn, live)
    assert (stored.status, stored.content) == (Status.INCOMPLETE, last.reply.content)
