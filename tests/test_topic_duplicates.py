"""A new topic joins the person's existing one when their cosine reaches the threshold.

The vector index's SCORE is (1 + cos) / 2; the threshold is compared as a cosine. Tested
with vectors whose cosine is known exactly."""

from __future__ import annotations

import math

from threadgraph.config import Settings
from threadgraph.models import NewMessage, Role, TopicLink, User
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
        topic = TopicLink(name, name.lower(), at_cosine(cos, dimension), [said.id], 0.5)
        return store.link_topics(user.id, [topic], DUPLICATE_THRESHOLD)[0]

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

    first = store.link_topics(
        user.id,
        [TopicLink("Sourdough", "sourdough", at_cosine(1.0, dimension), [said[0].id], 0.5)],
        DUPLICATE_THRESHOLD,
    )[0]
    near = at_cosine(DUPLICATE_THRESHOLD + 0.05, dimension)
    again = store.link_topics(
        user.id,
        [TopicLink("Sourdough starter", "sourdough starter", near, [said[1].id], 0.5)],
        DUPLICATE_THRESHOLD,
    )[0]
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
    vector = at_cosine(1.0, settings.embedding_dimension)
    linked = store.link_topics(
        user.id, [TopicLink("Fleeting", "fleeting", vector, [said.id], 0.5)], DUPLICATE_THRESHOLD
    )
    assert linked == [None]
    assert "Fleeting" not in {t["name"] for t in store.list_topics(user.id)}


def test_near_duplicates_written_in_one_transaction_join_too(
    store: Neo4jStore, user: User, settings: Settings
) -> None:
    """An import links a whole batch's topics in one write: a topic made earlier in it is
    not in the vector index yet, and a near-duplicate later in the batch must still join
    it, while a distinct one stays apart and a topic of deleted messages is not made."""
    dimension = settings.embedding_dimension
    chat = store.create_chat(user.id, "batch")
    said = store.append_message(user.id, chat.id, NewMessage(Role.USER, "x")).message
    gone_chat = store.create_chat(user.id, "deleted")
    gone = store.append_message(user.id, gone_chat.id, NewMessage(Role.USER, "y")).message
    store.delete_chat(user.id, gone_chat.id)
    ids = store.link_topics(
        user.id,
        [
            TopicLink("Kayaking", "kayaking", at_cosine(1.0, dimension), [said.id], 0.5),
            TopicLink("Fleeting", "fleeting", at_cosine(-1.0, dimension), [gone.id], 0.5),
            TopicLink("Sea kayaks", "sea kayaks", at_cosine(0.9, dimension), [said.id], 0.4),
            TopicLink("Tax forms", "tax forms", at_cosine(0.0, dimension), [said.id], 0.3),
        ],
        DUPLICATE_THRESHOLD,
    )
    assert ids[0] is not None
    assert ids[1] is None
    assert ids[2] == ids[0]
    assert ids[3] not in (None, ids[0])
    assert {t["name"] for t in store.list_topics(user.id)} == {"Kayaking", "Tax forms"}
