"""Export of chats with branches and forks, in every format; the Cypher script recreates
the same graph in an empty Neo4j."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
from fastapi.testclient import TestClient
from neo4j import Driver, GraphDatabase

from tests.api_helpers import turn
from tests.wait import until
from threadgraph.config import Settings
from threadgraph.local_neo4j import LocalNeo4j
from threadgraph.store.migrations import split_statements

# The empty Neo4j the Cypher script is replayed into; env overrides let parallel runs coexist.
EMPTY_BOLT_PORT = int(os.environ.get("THREADGRAPH_TEST_EMPTY_BOLT_PORT", "7691"))
EMPTY_HTTP_PORT = int(os.environ.get("THREADGRAPH_TEST_EMPTY_HTTP_PORT", "7478"))


@contextmanager
def replayed_in_an_empty_neo4j(script: str, home: Path) -> Iterator[Driver]:
    """A Neo4j of its own (its own ports and home), empty, with an exported Cypher script
    run in it: a driver to look at the result."""
    empty = LocalNeo4j(
        Settings(
            local_neo4j_home=home,
            local_neo4j_bolt_port=EMPTY_BOLT_PORT,
            local_neo4j_http_port=EMPTY_HTTP_PORT,
        )
    )
    empty.start()
    try:
        with GraphDatabase.driver(f"bolt://127.0.0.1:{EMPTY_BOLT_PORT}") as driver:
            for statement in split_statements(script):
                driver.execute_query(statement, database_="neo4j")
            yield driver
    finally:
        empty.stop()


def branched_history(client: TestClient) -> tuple[str, str, dict[str, Any]]:
    chat = client.post("/api/chats", json={"title": 'It\'s "quoted"\nand \\ odd'}).json()["id"]
    first = turn(client, chat, "first question with 'quotes' and\nnewlines")
    client.post(
        f"/api/messages/{first['prompt']['id']}/edit", json={"content": "edited", "stream": False}
    )
    fork = client.post(f"/api/messages/{first['reply']['id']}/fork", json={}).json()["chat"]["id"]
    turn(client, fork, "in the fork")
    return chat, fork, first


def export(client: TestClient, **params: Any) -> str:
    response = client.get("/api/export", params=params)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.text


def settled_export(client: TestClient) -> dict[str, Any]:
    """The whole history once topic extraction (in the background) has finished."""

    def stable() -> dict[str, Any] | None:
        first = json.loads(export(client, scope="all", format="json"))
        time.sleep(1.0)
        second = json.loads(export(client, scope="all", format="json"))
        has_topics = any(n["label"] == "Topic" for n in second["nodes"])
        return second if first == second and has_topics else None

    data = until(stable)
    assert data is not None
    return data


def test_chat_export_has_its_tree_and_the_forks_history(client: TestClient) -> None:
    chat, fork, first = branched_history(client)
    data = json.loads(export(client, scope="chat", id=chat, format="json"))
    graph = nx.node_link_graph(data, edges="edges", multigraph=True, directed=True)
    labels = nx.get_node_attributes(graph, "label")
    assert sorted(labels.values()).count("Message") == 4
    assert sorted(labels.values()).count("Chat") == 1
    assert all("embedding" not in d for _, d in graph.nodes(data=True))
    follows = {(s, t) for s, t, d in graph.edges(data=True) if d["type"] == "FOLLOWS"}
    assert (first["reply"]["id"], first["prompt"]["id"]) in follows
    assert len(follows) == 2  # two roots (the prompt and its edit), each with its reply

    forked = json.loads(export(client, scope="chat", id=fork, format="json"))
    fork_graph = nx.node_link_graph(forked, edges="edges", multigraph=True, directed=True)
    types = {d["type"] for _, _, d in fork_graph.edges(data=True)}
    assert {"FORKED_FROM", "FOLLOWS", "BELONGS_TO", "HEAD"} <= types
    # The fork's own two messages plus the history it continues (prompt and reply).
    assert sum(1 for _, d in fork_graph.nodes(data=True) if d["label"] == "Message") == 4

    with_vectors = json.loads(export(client, scope="chat", id=chat, format="json", embeddings=True))
    assert any(len(n.get("embedding", [])) == 384 for n in with_vectors["nodes"])


def test_topic_export(client: TestClient) -> None:
    chat, _, _ = branched_history(client)
    topics = until(lambda: client.get(f"/api/chats/{chat}/topics").json())

    def export_and_mentions() -> tuple[dict[str, Any], list[Any]] | None:
        # Topics of the later exchanges are still being extracted in the background, so
        # the topic may gain mentions between the two reads: wait until they agree.
        data = json.loads(export(client, scope="topic", id=topics[0]["id"], format="json"))
        mentions = client.get(f"/api/topics/{topics[0]['id']}").json()["mentions"]
        messages = sum(1 for n in data["nodes"] if n["label"] == "Message")
        return (data, mentions) if messages == len(mentions) else None

    agreed = until(export_and_mentions)
    assert agreed is not None
    data, mentions = agreed
    labels = [n["label"] for n in data["nodes"]]
    assert labels.count("Topic") == 1
    assert labels.count("Message") == len(mentions) > 0
    assert "Chat" in labels
    about = [
        e for e in data["edges"] if e["type"] == "BELONGS_TO" and e["target"] == topics[0]["id"]
    ]
    assert len(about) == len(mentions)
    assert all("score" in e for e in about)


def test_graphml_and_gexf_open_with_networkx(client: TestClient) -> None:
    branched_history(client)
    whole = settled_export(client)
    expected = nx.node_link_graph(whole, edges="edges", multigraph=True, directed=True)
    graphml = nx.read_graphml(io.BytesIO(export(client, format="graphml").encode()))
    gexf = nx.read_gexf(io.BytesIO(export(client, format="gexf").encode()))
    for loaded in (graphml, gexf):
        assert set(loaded.nodes) == set(expected.nodes)
        assert loaded.number_of_edges() == expected.number_of_edges()


def test_bad_export_requests(client: TestClient) -> None:
    assert client.get("/api/export", params={"format": "pdf"}).status_code == 400
    assert client.get("/api/export", params={"scope": "galaxy"}).status_code == 400
    assert client.get("/api/export", params={"scope": "chat"}).status_code == 400
    assert client.get("/api/export", params={"scope": "topic"}).status_code == 400
    missing = client.get(
        "/api/export", params={"scope": "chat", "id": "00000000-0000-4000-8000-000000000099"}
    )
    assert missing.status_code == 404
    # Found by the fuzzer: with scope=all the id went into the file's name, a header, and
    # text a header cannot hold (non-Latin-1, control characters) was a 500.
    for id in ["(╯°□°)╯︵ ┻━┻", "a\x00b", "x\r\nSet-Cookie: a=b"]:
        whole = client.get("/api/export", params={"scope": "all", "id": id})
        assert whole.status_code == 200, whole.text
        assert whole.headers["content-disposition"] == 'attachment; filename="threadgraph-all.json"'
        assert "set-cookie" not in whole.headers


def test_cypher_script_recreates_the_graph_in_an_empty_neo4j(
    client: TestClient, app_settings: Settings, tmp_path: Path
) -> None:
    branched_history(client)
    whole = settled_export(client)
    script = export(client, scope="all", format="cypher")
    with replayed_in_an_empty_neo4j(script, tmp_path) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n) OPTIONAL MATCH (n)-[r]->() "
            "RETURN count(DISTINCT n) AS nodes, count(r) AS rels",
            database_="neo4j",
        )
        texts, _, _ = driver.execute_query(
            "MATCH (n) WHERE n:Chat OR n:Message "
            "RETURN collect(coalesce(n.title, n.content)) AS texts",
            database_="neo4j",
        )
    assert records[0]["nodes"] == len(whole["nodes"])
    assert records[0]["rels"] == len(whole["edges"])
    expected_texts = [
        n.get("title", n.get("content"))
        for n in whole["nodes"]
        if n["label"] in ("Chat", "Message")
    ]
    assert sorted(texts[0]["texts"]) == sorted(expected_texts)
    assert "first question with 'quotes' and\nnewlines" in texts[0]["texts"]
