"""threadgraph's own JSON export imported back gives the same graph: for another person
(new ids, the export's ids kept as source_id) and for the same person after their chats
are gone (the ids themselves come back). Importing it again adds nothing."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_helpers import turn
from tests.import_helpers import count_nodes, what_came_in
from threadgraph.config import Settings
from threadgraph.models import User
from threadgraph.services.export import Exporter
from threadgraph.services.imports.service import Importer
from threadgraph.store import Neo4jStore

# Provenance of the import itself, and what is per person or recomputed.
NOT_COMPARED = {"id", "user_id", "source", "source_id", "imported_at", "topics_at", "embedding"}


def history(client: TestClient) -> dict[str, Any]:
    """Branches (an edited prompt, a regenerated reply), a fork, replies with context."""
    chat = client.post("/api/chats", json={"title": "Round trip — ünïcödé"}).json()["id"]
    first = turn(client, chat, "What is a graph? 🌳")
    edited = client.post(
        f"/api/messages/{first['prompt']['id']}/edit",
        json={"content": "What is a property graph?", "stream": False},
    ).json()
    client.post(f"/api/messages/{edited['reply']['id']}/regenerate", json={"stream": False})
    turn(client, chat, "And a tree?")
    fork = client.post(
        f"/api/messages/{first['reply']['id']}/fork", json={"title": "A fork"}
    ).json()["chat"]["id"]
    turn(client, fork, "Continuing in the fork")
    response = client.get("/api/export", params={"scope": "all", "format": "json"})
    assert response.status_code == 200
    return {"chat": chat, "fork": fork, "export": response.text}


def shape(data: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], Counter[tuple[Any, ...]]]:
    """Nodes by their original id (source_id when imported) with their properties, and
    relationships as (source, type, target, properties); the person is 'USER'. Topics
    are not imported (they are extracted again from the text): they are left out."""
    users = {n["id"] for n in data["nodes"] if n["label"] == "User"}
    topics = {n["id"] for n in data["nodes"] if n["label"] == "Topic"}
    original = {n["id"]: n.get("source_id", n["id"]) for n in data["nodes"]}
    nodes = {
        original[n["id"]]: {k: v for k, v in n.items() if k not in NOT_COMPARED}
        for n in data["nodes"]
        if n["label"] not in ("User", "Topic")
    }
    edges: Counter[tuple[Any, ...]] = Counter()
    for e in data["edges"]:
        if e["target"] in topics:
            continue
        props = tuple(sorted((k, v) for k, v in e.items() if k not in ("source", "target", "key")))
        target = "USER" if e["target"] in users else original[e["target"]]
        edges[(original[e["source"]], target, props)] += 1
    return nodes, edges


def assert_same(got: Any, want: Any) -> None:
    """Equal shapes, or a message naming the nodes and relationships that differ."""
    (got_nodes, got_edges), (want_nodes, want_edges) = got, want
    nodes = {
        k: (got_nodes.get(k), want_nodes.get(k))
        for k in got_nodes.keys() | want_nodes.keys()
        if got_nodes.get(k) != want_nodes.get(k)
    }
    edges = (got_edges - want_edges, want_edges - got_edges)
    assert not nodes, f"nodes differ (got, want): {nodes}"
    assert not any(edges), f"relationships differ (extra, missing): {edges}"


def exported(store: Neo4jStore, user_id: str) -> dict[str, Any]:
    exporter = Exporter(store)
    data: dict[str, Any] = json.loads(exporter.render(exporter.graph(user_id, "all", None), "json"))
    return data


def test_another_person_gets_the_same_graph(
    client: TestClient,
    store: Neo4jStore,
    settings: Settings,
    driver: Driver,
    other_user: User,
) -> None:
    made = history(client)
    original = json.loads(made["export"])
    nodes, edges = shape(original)
    assert sum(1 for n in nodes.values() if n["label"] == "Message") == 9
    assert {t for _, _, p in edges for k, t in p if k == "type"} >= {
        "FOLLOWS",
        "HEAD",
        "FORKED_FROM",
        "BELONGS_TO",
        "USED_CONTEXT",
    }

    importer = Importer(store, settings)
    summary = importer.run(other_user.id, made["export"].encode())
    assert what_came_in(summary) == ("threadgraph", 2, 9)
    assert summary.skipped == []
    copy = exported(store, other_user.id)
    assert_same(shape(copy), (nodes, edges))
    assert not {n["id"] for n in copy["nodes"]} & {n["id"] for n in original["nodes"]}

    before = count_nodes(driver, other_user.id)
    again = importer.run(other_user.id, made["export"].encode())
    assert (again.chats_imported, again.chats_unchanged, again.messages_imported) == (0, 2, 0)
    assert count_nodes(driver, other_user.id) == before


def test_the_same_person_gets_the_same_ids_back(
    client: TestClient, store: Neo4jStore, app_settings: Settings
) -> None:
    made = history(client)
    original = json.loads(made["export"])
    for chat in (made["fork"], made["chat"]):
        assert client.delete(f"/api/chats/{chat}").status_code == 204
    assert store.count_user_messages(app_settings.local_user_id) == 0

    response = client.post(
        "/api/import",
        files={"file": ("threadgraph-all.json", made["export"].encode(), "application/json")},
        data={"format": "threadgraph"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["chats_imported"] == 2
    assert sorted(response.json()["chat_ids"]) == sorted([made["chat"], made["fork"]])
    back = exported(store, app_settings.local_user_id)
    assert_same(shape(back), shape(original))

    def ids(data: dict[str, Any]) -> set[str]:
        return {n["id"] for n in data["nodes"] if n["label"] != "Topic"}  # extracted anew

    assert ids(back) == ids(original)
