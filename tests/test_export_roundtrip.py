"""Every export format gives the text back exactly (carriage returns, tabs, quotes,
markup characters, non-Latin text), keeps the relationship types where a reader finds
them, includes topics when everything is exported, and the Cypher script writes times
as datetimes."""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
from fastapi.testclient import TestClient
from neo4j.time import DateTime

from tests.api_helpers import turn
from tests.test_export import export, replayed_in_an_empty_neo4j, settled_export
from threadgraph.config import Settings

EMPTY_BOLT_PORT = int(os.environ.get("THREADGRAPH_TEST_EMPTY_BOLT_PORT", "7691"))
EMPTY_HTTP_PORT = int(os.environ.get("THREADGRAPH_TEST_EMPTY_HTTP_PORT", "7478"))

TEXT = "a\nb\r\nc\rd\ttab 'single' \"double\" \\ <tag> &amp; ünïcödé 日本語 🎉  two spaces\n"


def texts(nodes: list[tuple[str, dict[str, Any]]]) -> Counter[str]:
    return Counter(d["content"] for _, d in nodes if d.get("label") == "Message")


def test_every_format_round_trips_text_types_and_topics(
    client: TestClient, app_settings: Settings, tmp_path: Path
) -> None:
    chat = client.post("/api/chats", json={"title": "Round trip"}).json()["id"]
    turn(client, chat, TEXT)
    turn(client, chat, "My dog Biscuit has a chicken allergy")
    whole = settled_export(client)
    expected = nx.node_link_graph(whole, edges="edges", multigraph=True, directed=True)
    want_texts = texts(list(expected.nodes(data=True)))
    assert want_texts[TEXT] == 1
    assert want_texts["Echo: " + TEXT] == 1
    want_types = Counter(d["type"] for _, _, d in expected.edges(data=True))
    # "Export everything" has the topics and the messages' links to them.
    labels = Counter(d["label"] for _, d in expected.nodes(data=True))
    assert labels["Topic"] > 0
    topic_ids = {n for n, d in expected.nodes(data=True) if d["label"] == "Topic"}
    assert any(t in topic_ids for _, t, d in expected.edges(data=True) if d["type"] == "BELONGS_TO")

    graphml = nx.read_graphml(io.BytesIO(export(client, format="graphml").encode()))
    assert texts(list(graphml.nodes(data=True))) == want_texts
    assert Counter(d["type"] for _, _, d in graphml.edges(data=True)) == want_types

    gexf = nx.read_gexf(io.BytesIO(export(client, format="gexf").encode()))
    assert texts(list(gexf.nodes(data=True))) == want_texts
    # The relationship type is an attribute of its own, not GEXF's reserved edge type.
    assert Counter(d["relationship"] for _, _, d in gexf.edges(data=True)) == want_types
    assert Counter(d["label"] for _, d in gexf.nodes(data=True)) == labels

    script = export(client, scope="all", format="cypher")
    with replayed_in_an_empty_neo4j(script, tmp_path) as driver:
        messages, _, _ = driver.execute_query(
            "MATCH (m:Message) RETURN m.content AS content, m.created_at AS created_at",
            database_="neo4j",
        )
        rels, _, _ = driver.execute_query(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database_="neo4j"
        )
        topics, _, _ = driver.execute_query(
            "MATCH (t:Topic) RETURN count(t) AS n", database_="neo4j"
        )
    assert Counter(r["content"] for r in messages) == want_texts
    assert all(isinstance(r["created_at"], DateTime) for r in messages)
    assert {r["type"]: r["n"] for r in rels} == dict(want_types)
    assert topics[0]["n"] == labels["Topic"]
