"""A new topic joins the person's existing one when their cosine reaches the threshold.

The vector index's SCORE is (1 + cos) / 2; the threshold is compared as a cosine. Tested
with vectors whose cosine is known exactly."""

from __future__ import annotations

import math

from threadgraph.config import Settings
from threadgraph.models import NewMessage, Role, User
from threadgraph.services.topics import DUPLICATE_THRESHOLD
from threadgraph.store import Neo4jStore


def at_cosine(cos: float, dimension: int) -> list[float]:
    """A unit vector whose cosine with the first axis is ``cos``."""
    return [cos, math.sqrt(1 - cos * cos)] + [0.0] * (dimension - 2)


def test_near_duplicates_join_and_others_stay_apart(
    store: Neo4jStore, user: User, settings: Settings
) -> None:
    dimension = settings.embedding_dimension
    chat = store.create_chat(user.id, "topics")
    said = store.append_message(user.id, chat.id, NewMessage(Role.USER, "graphs")).message

    def link(name: str, cos: float) -> str | None:
        return store.link_topic(
            user.id,
            name,
            name.lower(),
            at_cosine(cos, dimension),
            [said.id],
            0.5,
            DUPLICATE_THRESHOLD,
        )

    first = link("Graph databases", 1.0)
    assert link("Graph stores", DUPLICATE_THRESHOLD + 0.05) == first
    assert link("Gardening", DUPLICATE_THRESHOLD - 0.1) != first
    names = {t["name"] for t in store.list_topics(user.id)}
    assert names == {"Graph databases", "Gardening"}


def test_a_near_duplicate_from_another_chat_joins_the_same_recurring_topic(
    store: Neo4jStore, user: User, settings: Settings
) -> None:
    """What a person keeps coming back to, in other words and in other chats (an imported
    one, say), is one Topic, counted once per chat."""
    dimension = settings.embedding_dimension
    said = []
    for title in ("first chat", "imported later"):
        chat = store.create_chat(user.id, title)
        said.append(store.append_message(user.id, chat.id, NewMessage(Role.USER, "x")).message)

    first = store.link_topic(
        user.id,
        "Sourdough",
        "sourdough",
        at_cosine(1.0, dimension),
        [said[0].id],
        0.5,
        DUPLICATE_THRESHOLD,
    )
    again = store.link_topic(
        user.id,
        "Sourdough starter",
        "sourdough starter",
        at_cosine(DUPLICATE_THRESHOLD + 0.05, dimension),
        [said[1].id],
        0.5,
        DUPLICATE_THRESHOLD,
    )
    assert again == first
    listed = store.list_topics(user.id)
    assert [(t["name"], t["chats"], t["messages"]) for t in listed] == [("Sourdough", 2, 2)]


def test_a_topic_of_messages_deleted_meanwhile_is_not_made(
    store: Neo4jStore, user: User, settings: Settings
) -> None:
    """Topics are found after a reply; the chat may be deleted before they are linked."""
    chat = store.create_chat(user.id, "short-lived")
    said = store.append_message(user.id, chat.id, NewMessage(Role.USER, "x")).message
    store.delete_chat(user.id, chat.id)
    linked = store.link_topic(
        user.id,
        "Fleeting",
        "fleeting",
        at_cosine(1.0, settings.embedding_dimension),
        [said.id],
        0.5,
        DUPLICATE_THRESHOLD,
    )
    assert linked is None
    assert "Fleeting" not in {t["name"] for t in store.list_topics(user.id)}
