"""Every query in cypher/browser runs against real data and returns what its header says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_helpers import turn
from tests.graph_helpers import rows
from tests.wait import until
from threadgraph.config import Settings

# Documentation for Neo4j Browser users, kept at the top of the repository.
BROWSER = Path(__file__).resolve().parents[1] / "cypher" / "browser"


def settle_topics(client: TestClient, chat_id: str) -> None:
    """Topics are written after the reply; wait until this chat has some."""
    until(lambda: client.get(f"/api/chats/{chat_id}/topics").json())


def run_file(driver: Driver, settings: Settings, name: str, **params: Any) -> list[dict[str, Any]]:
    text = (BROWSER / name).read_text()
    return rows(driver, settings.neo4j_database, text, **params)


def test_browser_queries_on_a_branched_forked_chat(
    client: TestClient, driver: Driver, app_settings: Settings
) -> None:
    # Memories need an earlier chat; the main chat then has two branches and a fork.
    earlier = client.post("/api/chats", json={"title": "Earlier"}).json()["id"]
    turn(client, earlier, "My favourite tree is the ginkgo.")
    chat = client.post("/api/chats", json={"title": "Main"}).json()["id"]
    first = turn(client, chat, "Which tree do I like most?")
    client.post(
        f"/api/messages/{first['prompt']['id']}/edit",
        json={"content": "What is my favourite tree?", "stream": False},
    )
    fork = client.post(f"/api/messages/{first['reply']['id']}/fork", json={}).json()["chat"]
    in_fork = turn(client, fork["id"], "And my favourite flower?")
    settings = app_settings

    branches = run_file(driver, settings, "chat_branches.cypher", chatId=chat)
    assert len(branches) == 2
    assert [b["active"] for b in branches] == [True, False]
    assert all(b["messages"] == 2 for b in branches)
    assert branches[0]["turns"][0].startswith("user: What is my favourite tree?")

    ancestry = run_file(
        driver, settings, "message_ancestry.cypher", messageId=in_fork["reply"]["id"]
    )
    assert [a["chat"] for a in ancestry] == ["Main", "Main", "Main (fork)", "Main (fork)"]
    assert ancestry[0]["role"] == "user"

    sources = run_file(driver, settings, "reply_sources.cypher", messageId=first["reply"]["id"])
    assert {s["via"] for s in sources} == {"branch", "memory"}
    assert any(s["chat"] == "Earlier" for s in sources if s["via"] == "memory")
    assert set(sources[0]) == {"via", "rank", "score", "chat", "role", "preview"}

    forks = run_file(driver, settings, "forks_of_message.cypher", messageId=first["reply"]["id"])
    assert [(f["chat_id"], f["own_messages"]) for f in forks] == [(fork["id"], 2)]

    settle_topics(client, chat)
    topics = run_file(driver, settings, "user_top_topics.cypher", userId=settings.local_user_id)
    assert topics
    assert set(topics[0]) == {"topic", "chats", "messages", "alongside"}
    top = client.get("/api/topics").json()[0]
    over_time = run_file(driver, settings, "topic_over_time.cypher", topicId=top["id"])
    assert len(over_time) == top["messages"]
    assert [o["at"] for o in over_time] == sorted(o["at"] for o in over_time)

    overview = {
        o["title"]: o
        for o in run_file(
            driver, settings, "user_chats_overview.cypher", userId=settings.local_user_id
        )
    }
    assert overview["Main"]["messages"] == 4
    assert overview["Main"]["branches"] == 2
    assert overview["Main"]["forks"] == 1
    assert overview["Main (fork)"]["messages"] == 2


def test_every_browser_query_is_documented_and_tested() -> None:
    readme = (BROWSER / "README.md").read_text()
    tested = Path(__file__).read_text()
    for query in sorted(BROWSER.glob("*.cypher")):
        assert query.name in readme, query.name
        assert query.name in tested, query.name
        header = query.read_text().splitlines()[0]
        assert header.startswith("//"), query.name
