"""Chat turns under load: a retried prompt id is answered from the store before any
embedding, and replies to the model endpoint are not queued a few at a time.

The services are the real ones (store on the test Neo4j, the local embedder, the fake
OpenAI-compatible endpoint); the embedder is wrapped only to count its calls.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fake_openai import slow_text
from threadgraph.config import Settings
from threadgraph.errors import Conflict
from threadgraph.models import Status, TurnStart, User
from threadgraph.ports import Embedder
from threadgraph.rules import new_id
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.live_replies import LiveReply
from threadgraph.services.reply_events import Delta
from threadgraph.wiring import Services, build_services


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.texts: list[str] = []
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def name(self) -> str:
        return self.inner.name

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        with self._lock:
            self.texts.extend(texts)
        return self.inner.embed(texts)

    def load(self) -> None:
        self.inner.load()

    def calls_for(self, text: str) -> int:
        with self._lock:
            return self.texts.count(text)


@pytest.fixture
def quiet_settings(app_settings: Settings) -> Settings:
    """No topics: their embeddings after each reply would only slow the machine down."""
    return app_settings.model_copy(update={"topics_enabled": False})


@pytest.fixture
def services(quiet_settings: Settings) -> Iterator[Services]:
    services = build_services(quiet_settings)
    try:
        yield services
    finally:
        services.close()


@pytest.fixture
def counting(services: Services) -> Iterator[tuple[ChatTurns, CountingEmbedder]]:
    embedder = CountingEmbedder(services.embedder)
    turns = ChatTurns(
        services.store, services.catalog, services.settings, embedder, services.assembler
    )
    try:
        yield turns, embedder
    finally:
        turns.shutdown()


def test_a_retried_prompt_id_is_answered_from_the_store_without_embedding(
    services: Services, counting: tuple[ChatTurns, CountingEmbedder], user: User
) -> None:
    turns, embedder = counting
    chat = services.store.create_chat(user.id)
    message_id = new_id()
    first, live = turns.send(user.id, chat.id, "retry me", message_id=message_id)
    assert first.created
    ended = turns.wait_for_reply(first, live)
    assert ended.status is Status.COMPLETE
    assert embedder.calls_for("retry me") == 1

    again, again_live = turns.send(user.id, chat.id, "retry me", message_id=message_id)

    assert not again.created
    assert again_live is None  # the reply has ended: the caller replays it from the store
    assert (again.prompt.id, again.reply.id) == (message_id, first.reply.id)
    assert again.reply.content == ended.content == "Echo: retry me"
    assert embedder.calls_for("retry me") == 1
    assert len(services.store.active_branch(user.id, chat.id)) == 2


def test_a_retry_while_the_reply_streams_follows_the_same_live_reply(
    services: Services, counting: tuple[ChatTurns, CountingEmbedder], user: User
) -> None:
    turns, embedder = counting
    chat = services.store.create_chat(user.id, model="fake-slow")
    message_id = new_id()
    first, live = turns.send(user.id, chat.id, "slowly", message_id=message_id)
    again, again_live = turns.send(user.id, chat.id, "slowly", message_id=message_id)

    assert again.reply.id == first.reply.id
    assert again_live is live is not None
    assert embedder.calls_for("slowly") == 1
    turns.wait_for_reply(first, live)


def test_a_retried_id_with_other_content_or_in_another_chat_is_a_conflict(
    services: Services, counting: tuple[ChatTurns, CountingEmbedder], user: User
) -> None:
    turns, embedder = counting
    chat = services.store.create_chat(user.id)
    elsewhere = services.store.create_chat(user.id)
    message_id = new_id()
    first, live = turns.send(user.id, chat.id, "the original", message_id=message_id)
    turns.wait_for_reply(first, live)

    with pytest.raises(Conflict):
        turns.send(user.id, chat.id, "something else", message_id=message_id)
    with pytest.raises(Conflict):
        turns.send(user.id, elsewhere.id, "the original", message_id=message_id)
    assert embedder.calls_for("something else") == 0
    assert len(services.store.active_branch(user.id, chat.id)) == 2
    assert services.store.active_branch(user.id, elsewhere.id) == []


def _slow_turns_at_once(
    turns: ChatTurns, services: Services, user: User, count: int
) -> tuple[list[tuple[TurnStart, LiveReply | None]], list[float], list[float]]:
    """``count`` turns to fake-slow (40 words, 0.1 s apart) sent at once, and when each
    reply's first word arrived and when each ended (seconds on one clock)."""
    # Titled, so no title is asked of the (slow) model after each reply.
    chats = [services.store.create_chat(user.id, "load", "fake-slow") for _ in range(count)]
    with ThreadPoolExecutor(max_workers=count) as senders:
        sent = list(senders.map(lambda c: turns.send(user.id, c.id, f"go {c.id}"), chats))
    lives = [live for _, live in sent]
    assert all(live is not None for live in lives)
    first: dict[int, float] = {}
    ended: dict[int, float] = {}
    deadline = time.monotonic() + 120
    while len(ended) < count and time.monotonic() < deadline:
        now = time.monotonic()
        for i, live in enumerate(lives):
            assert live is not None
            if i not in first and any(isinstance(e, Delta) for e in list(live.events)):
                first[i] = now
            if i not in ended and live.finished.is_set():
                ended[i] = now
        time.sleep(0.01)
    assert len(first) == len(ended) == count, "every reply streamed and ended"
    return sent, sorted(first.values()), sorted(ended.values())


def test_twenty_replies_from_the_endpoint_stream_at_once(
    counting: tuple[ChatTurns, CountingEmbedder], services: Services, user: User
) -> None:
    turns, _ = counting
    sent, first, ended = _slow_turns_at_once(turns, services, user, 20)

    # Four at a time, the fifth's first word came only after the first reply ended.
    assert first[-1] < ended[0]
    for turn, live in sent:
        reply = turns.wait_for_reply(turn, live)
        assert reply.status is Status.COMPLETE
        assert reply.content == slow_text()


def test_the_reply_workers_setting_bounds_replies_written_at_once(
    quiet_settings: Settings, user: User
) -> None:
    settings = quiet_settings.model_copy(update={"reply_workers": 2})
    services = build_services(settings)
    try:
        _, first, ended = _slow_turns_at_once(services.turns, services, user, 3)
    finally:
        services.close()

    # Two stream at once; the third waits for a worker, so its first word follows an end.
    assert first[1] < ended[0] <= first[2]
