"""The similarity floors are cosines: Neo4j's vector index scores a cosine pair as
(1 + cos) / 2, and the memory and search queries turn that back into the cosine before
comparing it with the configured floor and before returning it."""

from __future__ import annotations

import math

from fastapi.testclient import TestClient

from tests.api_helpers import turn
from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore

DIMENSION = 384


def unit(angle_from_first_axis: float) -> list[float]:
    """A unit vector in the plane of the first two axes."""
    vector = [0.0] * DIMENSION
    vector[0] = math.cos(angle_from_first_axis)
    vector[1] = math.sin(angle_from_first_axis)
    return vector


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def remember(store: Neo4jStore, user: str, title: str, vector: list[float]) -> str:
    """An exchange whose prompt has ``vector`` (the reply has none); the prompt's id."""
    chat = store.create_chat(user, title)
    prompt = store.append_message(user, chat.id, NewMessage(Role.USER, title, embedding=vector))
    store.append_message(user, chat.id, NewMessage(Role.ASSISTANT, "noted"))
    return prompt.message.id


def test_memory_and_search_floors_compare_cosines(store: Neo4jStore) -> None:
    user = store.ensure_user(new_id(), "floor").id
    question = unit(0.0)
    near, far = unit(math.acos(0.5)), unit(math.acos(0.2))
    near_cos, far_cos = cosine(question, near), cosine(question, far)
    assert abs(near_cos - 0.5) < 1e-9
    assert abs(far_cos - 0.2) < 1e-9
    # Neo4j's score of the far pair, (1 + 0.2) / 2 = 0.6, is above a 0.35 floor: compared
    # as if it were the cosine, the far exchange would pass.
    near_id = remember(store, user, "near", near)
    far_id = remember(store, user, "far", far)
    asking = store.create_chat(user, "asking")

    def found(floor: float) -> dict[str, float]:
        hits = store.memory_candidates(
            user, asking.id, question, "", [], vector_limit=10, keyword_limit=10, vector_floor=floor
        )
        return {h.prompt_id: h.score for h in hits if h.via == "vector"}

    above_035 = found(0.35)
    assert set(above_035) == {near_id}
    # The score returned (and written on USED_CONTEXT) is the cosine itself.
    assert abs(above_035[near_id] - near_cos) < 1e-3
    everything = found(0.1)
    assert set(everything) == {near_id, far_id}
    assert abs(everything[far_id] - far_cos) < 1e-3

    hits = store.search_messages(user, question, "", limit=10, vector_floor=0.3)
    assert {h.message.id for h in hits} == {near_id}
    assert all(abs(h.score - near_cos) < 1e-3 for h in hits)


def test_nonsense_search_finds_nothing(client: TestClient) -> None:
    """With a real embedder: words nobody wrote, and a meaning near nothing said."""
    cooking = client.post("/api/chats", json={"title": "Cooking"}).json()["id"]
    turn(client, cooking, "How long should I simmer a lentil soup?")
    travel = client.post("/api/chats", json={"title": "Travel"}).json()["id"]
    turn(client, travel, "We are planning a trip to Kyoto in April for the blossoms.")

    response = client.get("/api/search", params={"q": "xylophone quantum zebra"})
    assert response.status_code == 200, response.text
    assert response.json()["hits"] == []
    # The same person's history is found when asked about: the floor is not shutting all out.
    soup = client.get("/api/search", params={"q": "cooking lentils"}).json()["hits"]
    assert soup
    assert all(h["chat_title"] == "Cooking" for h in soup)
