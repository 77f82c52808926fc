"""Chat turns under load: a retried prompt id is answered from the store before any
embedding, and replies to the model endpoint are not queued a few at a time.

The services are the real ones (store on the test Neo4j, the local embedder, the fake
OpenAI-compatible endpoint); the embedder is wrapped only to count its calls.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

import pytest

from threadgraph.config import Settings
from threadgraph.errors import Conflict
from threadgraph.models import Status, User
from threadgraph.ports import Embedder
from threadgraph.rules import new_id
from threadgraph.services.chat_turns import ChatTurns
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
def services(app_settings: Settings) -> Iterator[Services]:
    settings = app_settings.model_copy(update={"topics_enabled": False})
    services = build_services(settings)
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
