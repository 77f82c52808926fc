"""GET /api/search: keyword and semantic hits fused, scoped to the caller, filtered,
with marked snippets and branch position; hostile search text is just text."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api_helpers import turn
from tests.app_client import ready_client
from threadgraph.config import Settings
from threadgraph.rules import new_id


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_search_finds_marks_and_filters(client: TestClient) -> None:
    travel = client.post("/api/chats", json={"title": "Travel"}).json()["id"]
    cooking = client.post("/api/chats", json={"title": "Cooking"}).json()["id"]
    kyoto = turn(client, travel, "We are planning a trip to Kyoto in April for the blossoms.")
    turn(client, cooking, "How long should I simmer a lentil soup?")

    found = search(client, q="kyoto")
    top = found["hits"][0]
    # The prompt and the fake model's echo both say Kyoto: either may rank first.
    assert top["message"]["id"] in {kyoto["prompt"]["id"], kyoto["reply"]["id"]}
    assert {h["message"]["id"] for h in found["hits"][:2]} == {
        kyoto["prompt"]["id"],
        kyoto["reply"]["id"],
    }
    assert top["chat_title"] == "Travel"
    assert sorted(h["ranks"]["keyword"] for h in found["hits"][:2]) == [1, 2]
    start, end = top["highlights"][0]
    assert top["snippet"][start:end].lower() == "kyoto"
    assert top["on_active_branch"] is True

    # Meaning without the word: the semantic side finds it.
    meaning = search(client, q="Japanese cherry blossom holiday")
    assert kyoto["prompt"]["id"] in [h["message"]["id"] for h in meaning["hits"]]

    only_replies = search(client, q="kyoto", role="assistant")
    assert all(h["message"]["role"] == "assistant" for h in only_replies["hits"])
    in_cooking = search(client, q="kyoto", chat_id=cooking)
    assert all(h["chat_id"] == cooking for h in in_cooking["hits"])
    future = search(client, q="kyoto", since="2999-01-01T00:00:00Z")
    assert future["hits"] == []


def test_search_knows_which_branch(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    first = turn(client, chat, "Tell me about quasars please")
    client.post(
        f"/api/messages/{first['prompt']['id']}/edit",
        json={"content": "Tell me about pulsars instead", "stream": False},
    )
    hits = {h["message"]["id"]: h for h in search(client, q="quasars")["hits"]}
    assert hits[first["prompt"]["id"]]["on_active_branch"] is False


def test_search_is_scoped_to_the_caller(client: TestClient, app_settings: Settings) -> None:
    other = app_settings.model_copy(update={"local_user_id": new_id()})
    with ready_client(other) as theirs:
        chat = theirs.post("/api/chats", json={}).json()["id"]
        turn(theirs, chat, "zanzibar secret plans")
        assert search(theirs, q="zanzibar")["hits"]
    assert search(client, q="zanzibar")["hits"] == []


def test_hostile_search_text(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    turn(client, chat, "plain words about apples")
    for text in [
        "AND OR NOT",
        '"unbalanced',
        "apples* ~2 title:x [a TO z] {b TO c} ^3 \\ / && || !",
        "') MATCH (n) DETACH DELETE n //",
        "$user_id",
    ]:
        response = client.get("/api/search", params={"q": text})
        assert response.status_code == 200, (text, response.text)
    widened = search(client, q="apples*")
    assert all(
        "apples" in h["message"]["content"].lower()
        for h in widened["hits"]
        if "keyword" in h["ranks"]
    )
    assert client.get("/api/search", params={"q": ""}).status_code == 400
    assert client.get("/api/search", params={"q": "   "}).status_code == 400
    too_long = client.get("/api/search", params={"q": "x" * 1001})
    assert too_long.status_code == 400
    assert "1000" in too_long.json()["error"]["message"]
    assert client.get("/api/search", params={"q": "a", "role": "robot"}).status_code == 400
    assert client.get("/api/search", params={"q": "a", "chat_id": new_id()}).status_code == 404


def test_search_times_with_any_offset_or_none(client: TestClient) -> None:
    """Found by the fuzzer: an offset past Neo4j's +-18:00 made Neo4j close the connection
    (500), and a time without an offset beside one with could not be compared (500)."""
    chat = client.post("/api/chats", json={}).json()["id"]
    turn(client, chat, "pears in the winter")
    for since, until in [
        ("2001-01-01T00:00:00+22:59", None),
        ("2001-01-01T00:00:00-23:30", "9999-12-31T23:59:59+23:59"),
        ("2001-01-01T00:00:00", "2999-01-01T00:00:00+01:00"),
    ]:
        params = {"q": "pears", "since": since, **({"until": until} if until else {})}
        response = client.get("/api/search", params=params)
        assert response.status_code == 200, (params, response.text)
        assert [h["message"]["content"] for h in response.json()["hits"]][:1] == [
            "pears in the winter"
        ]
    later = client.get("/api/search", params={"q": "pears", "since": "2999-01-01T00:00:00"})
    assert later.json()["hits"] == []
    before_the_first_year = client.get(
        "/api/search", params={"q": "pears", "until": "0001-01-01T00:00:00+05:00"}
    )
    assert before_the_first_year.status_code == 400
    assert "until is out of range" in before_the_first_year.json()["error"]["message"]
