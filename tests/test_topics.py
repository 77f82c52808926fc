"""Topics: extracted after each reply, shared across a person's chats, deduplicated,
listed with counts, followed over time, and relating chats; never another user's."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api_helpers import turn
from tests.app_client import ready_client
from tests.wait import until
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_embedder
from threadgraph.rules import new_id
from threadgraph.services.model_topics import parse_topic_names
from threadgraph.services.topic_words import VERBS
from threadgraph.services.topics import (
    candidate_phrases,
    extract_topics,
    extract_topics_batch,
    normalize,
)


def test_topics_are_extracted_shared_and_relate_chats(
    client: TestClient, app_settings: Settings
) -> None:
    first = client.post("/api/chats", json={"title": "Vector search"}).json()["id"]
    turn(client, first, "How do I build a vector index in Neo4j for semantic search?")
    second = client.post("/api/chats", json={"title": "More Neo4j"}).json()["id"]
    turn(client, second, "Is Neo4j good for storing chat conversations as graphs?")
    unrelated = client.post("/api/chats", json={"title": "Baking"}).json()["id"]
    turn(client, unrelated, "My sourdough starter smells of acetone, is it dead?")

    topics = until(lambda: client.get(f"/api/chats/{second}/topics").json())
    assert all({"id", "name", "messages", "score"} <= set(t) for t in topics)

    def neo4j_in_both() -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = client.get("/api/topics").json()
        found = any(t["name"].lower() == "neo4j" and t["chats"] == 2 for t in listed)
        return listed if found else []

    everything = until(neo4j_in_both)
    neo4j = next(t for t in everything if t["name"].lower() == "neo4j")
    assert neo4j["messages"] == 4  # both prompts and both replies
    # The subjects that come up most are listed first: by chats, then by messages.
    order = [(-t["chats"], -t["messages"]) for t in everything]
    assert order == sorted(order)
    assert everything[0]["chats"] == 2

    detail = client.get(f"/api/topics/{neo4j['id']}").json()
    assert {m["chat_title"] for m in detail["mentions"]} == {"Vector search", "More Neo4j"}
    times = [m["message"]["created_at"] for m in detail["mentions"]]
    assert times == sorted(times)

    related = client.get(f"/api/chats/{first}/related").json()
    assert related[0]["chat_id"] == second
    assert any(name.lower() == "neo4j" for name in related[0]["topics"])
    assert all(r["chat_id"] != unrelated for r in related)

    other = app_settings.model_copy(update={"local_user_id": new_id()})
    with ready_client(other) as theirs:
        assert theirs.get(f"/api/topics/{neo4j['id']}").status_code == 404
        assert theirs.get("/api/topics").json() == []
        assert theirs.get(f"/api/chats/{first}/related").status_code == 404


def test_extraction_normalises_and_diversifies() -> None:
    assert normalize("Graphs!") == "graph"
    assert normalize("Neo4j  Graph Databases") == "neo4j graph database"
    assert normalize("class") == "class"
    phrases = candidate_phrases("The garden tomatoes are ripening. Tomatoes need water.")
    assert "garden tomatoes" in phrases
    assert all(p.lower() not in {"the", "are"} for p in phrases)
    topics = extract_topics(
        shared_embedder(),
        "How should I water tomatoes in a hot greenhouse?",
        "Water tomatoes deeply in the morning and ventilate the greenhouse.",
    )
    assert 1 <= len(topics) <= 3
    assert len({t.normalized for t in topics}) == len(topics)
    assert all(t.score >= 0.3 for t in topics)


def test_the_chat_model_can_name_topics_with_a_fallback_to_key_phrases(
    app_settings: Settings,
) -> None:
    """With ``topics_extractor=model`` the model's JSON names the topics (deduplicated,
    non-strings dropped); a model that fails leaves the offline key phrases in place."""
    settings = app_settings.model_copy(update={"topics_extractor": "model"})
    with ready_client(settings) as client:
        named = client.post("/api/chats", json={"title": "Named by the model"}).json()["id"]
        turn(client, named, "Tell me about tomatoes in a greenhouse.")

        def both_linked() -> list[dict[str, Any]]:
            # Topics are linked one by one after the reply: wait for the second.
            listed: list[dict[str, Any]] = client.get(f"/api/chats/{named}/topics").json()
            return listed if len(listed) >= 2 else []

        topics = until(both_linked)
        assert sorted(t["name"] for t in topics) == ["Orbital Gardening", "Quasar Lighthouses"]
        assert all(0.0 <= t["score"] <= 1.0 for t in topics)

    failing = settings.model_copy(update={"topics_model": "fake-500"})
    with ready_client(failing) as client:
        fallback = client.post("/api/chats", json={"title": "Fallback"}).json()["id"]
        turn(client, fallback, "How should I water tomatoes in a hot greenhouse?")
        topics = until(lambda: client.get(f"/api/chats/{fallback}/topics").json())
        names = {t["name"].lower() for t in topics}
        assert names
        assert not names & {"orbital gardening", "quasar lighthouses"}


def test_topic_names_are_read_from_whatever_the_model_wraps_them_in() -> None:
    assert parse_topic_names('```json\n{"topics": ["Neo4j", "neo4j", " graphs. "]}\n```') == [
        "Neo4j",
        "graphs",
    ]
    assert parse_topic_names('Topics: ["a b", {"x": 1}, "c"] and {"topics": ["ignored"]}') == [
        "a b",
        "c",
    ]
    assert parse_topic_names("no json here {broken") == []
    assert parse_topic_names('{"topics": "not a list"}') == []
    assert parse_topic_names('{"topics": ["' + "x" * 200 + '"]}') == []


def test_topics_read_like_tags_not_sentence_fragments() -> None:
    """The chat of the issue that gave "called Biscuit", "Chocolate contains", "table
    comparing Neo4j", "advantages" and "name": noun phrases only."""
    prompt = (
        "My dog is called Biscuit and has allergies. Chocolate contains theobromine, right? "
        "Also make a table comparing Neo4j and PostgreSQL, and give me name ideas for a cat."
    )
    reply = (
        "Biscuit's allergies: avoid chocolate, since theobromine is toxic to dogs. "
        "| | Neo4j | PostgreSQL |\n| model | graph | relational |\n"
        "The advantages of Neo4j are fast traversals. Cat name ideas: Luna, Milo, Pepper."
    )
    phrases = candidate_phrases(f"{prompt}\n{reply}")
    for fragment in ("called Biscuit", "Chocolate contains", "table comparing Neo4j"):
        assert fragment not in phrases
    assert "advantages" not in phrases
    assert "name" not in phrases
    assert {"Biscuit", "Neo4j", "PostgreSQL", "theobromine"} <= set(phrases)
    topics = extract_topics(shared_embedder(), prompt, reply)
    assert topics
    for topic in topics:
        assert not set(topic.normalized.split()) & VERBS, topic.name


def test_an_exchange_s_stored_vector_stands_for_its_text() -> None:
    embedder = shared_embedder()
    exchange = ("How do I repot a root-bound fiddle leaf fig?", "Use a pot one size up.")
    text_vector = embedder.embed(["\n".join(exchange)])[0]
    # Given the exchange's own vector, the same topics as when it is embedded here (by
    # name: a text encoded alone or in a batch differs in the last digits)...
    given = extract_topics_batch(embedder, [exchange], [text_vector])[0]
    assert [t.name for t in given] == [
        t.name for t in extract_topics_batch(embedder, [exchange])[0]
    ]
    assert given
    # ...and the given vector is what they are measured against: its opposite finds
    # every phrase irrelevant.
    opposite = [-x for x in text_vector]
    assert extract_topics_batch(embedder, [exchange], [opposite]) == [[]]
