"""Topics: extracted after each reply, shared across a person's chats, deduplicated,
listed with counts, followed over time, and relating chats; never another user's."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api_helpers import turn
from tests.wait import until
from threadgraph.api.app import create_app
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_embedder
from threadgraph.rules import new_id
from threadgraph.services.topics import candidate_phrases, extract_topics, normalize


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

    detail = client.get(f"/api/topics/{neo4j['id']}").json()
    assert {m["chat_title"] for m in detail["mentions"]} == {"Vector search", "More Neo4j"}
    times = [m["message"]["created_at"] for m in detail["mentions"]]
    assert times == sorted(times)

    related = client.get(f"/api/chats/{first}/related").json()
    assert related[0]["chat_id"] == second
    assert any(name.lower() == "neo4j" for name in related[0]["topics"])
    assert all(r["chat_id"] != unrelated for r in related)

    other = app_settings.model_copy(update={"local_user_id": new_id()})
    with TestClient(create_app(other)) as theirs:
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
