"""What the web app draws: one chat's tree with its topics, or a person's whole history
at the level of chats (chats, topics, forks, memory links between chats).

Built from the same read as the export (so the picture and the export agree), plus the
message-to-topic links, which the export leaves out. The whole history is drawn per chat,
not per message: thousands of message nodes would be unreadable, and what a person asks
of that view is how chats relate. The result is plain node and edge lists that the
browser hands to cytoscape unchanged.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from threadgraph.services.export import Exporter
from threadgraph.store import Neo4jStore

Graph = dict[str, Any]
LABEL_CHARS = 60


def chat_view(store: Neo4jStore, user_id: str, chat_id: str) -> Graph:
    """The chat's messages (with the history a fork continues), FOLLOWS edges, HEAD,
    FORKED_FROM, and the topics its messages are about."""
    graph = Exporter(store).graph(user_id, "chat", chat_id)
    owner = _chat_of_messages(graph)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    messages = [n for n, d in graph.nodes(data=True) if d.get("label") == "Message"]
    for node in messages:
        data = graph.nodes[node]
        nodes.append(
            {
                "id": node,
                "kind": "message",
                "role": data.get("role"),
                "status": data.get("status"),
                "chat_id": owner.get(node),
                "label": _short(f"{data.get('role', '')}: {data.get('content', '')}"),
            }
        )
    for node, data in graph.nodes(data=True):
        if data.get("label") == "Chat":
            nodes.append(_chat_node(node, data))
    for source, target, data in graph.edges(data=True):
        kind = data.get("type")
        # USED_CONTEXT is left out here: inside one chat it only retraces the branch.
        if kind in ("FOLLOWS", "HEAD", "FORKED_FROM"):
            edges.append(_edge(source, target, kind.lower()))
    topics = store.topic_links(user_id, messages)
    for topic_id, name in {(t["topic_id"], t["name"]) for t in topics}:
        nodes.append({"id": topic_id, "kind": "topic", "label": _short(name)})
    for link in topics:
        edges.append(_edge(link["message_id"], link["topic_id"], "about"))
    return {"scope": "chat", "id": chat_id, "nodes": nodes, "edges": edges}


def history_view(store: Neo4jStore, user_id: str) -> Graph:
    """Every chat the person can see, the topics they touch (weighted by messages), forks
    (chat to the chat it continues) and memory links (a reply in one chat built from an
    exchange in another)."""
    graph = Exporter(store).graph(user_id, "all", None)
    owner = _chat_of_messages(graph)
    chats = {
        n: d
        for n, d in graph.nodes(data=True)
        if d.get("label") == "Chat" and d.get("deleted_at") is None
    }
    nodes = [_chat_node(n, d) for n, d in chats.items()]
    weights: Counter[tuple[str, str, str]] = Counter()
    for source, target, data in graph.edges(data=True):
        kind = data.get("type")
        if kind == "FORKED_FROM" and source in chats and owner.get(target) in chats:
            weights[(source, owner[target], "forked_from")] += 1
        elif kind == "USED_CONTEXT" and data.get("via") == "memory":
            a, b = owner.get(source), owner.get(target)
            if a in chats and b in chats and a != b:
                weights[(a, b, "memory")] += 1
    visible = [m for m, c in owner.items() if c in chats]
    topic_names: dict[str, str] = {}
    for link in store.topic_links(user_id, visible):
        topic_names[link["topic_id"]] = link["name"]
        weights[(owner[link["message_id"]], link["topic_id"], "about")] += 1
    nodes += [{"id": t, "kind": "topic", "label": _short(n)} for t, n in topic_names.items()]
    edges = [_edge(s, t, kind, weight) for (s, t, kind), weight in weights.items()]
    return {"scope": "all", "id": None, "nodes": nodes, "edges": edges}


def _chat_of_messages(graph: nx.MultiDiGraph[str]) -> dict[str, str]:
    """Message id -> its chat's id, from the Message-[:BELONGS_TO]->Chat edges."""
    labels = graph.nodes(data="label")
    return {
        source: target
        for source, target, data in graph.edges(data=True)
        if data.get("type") == "BELONGS_TO"
        and labels[source] == "Message"
        and labels[target] == "Chat"
    }


def _chat_node(node: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": node, "kind": "chat", "chat_id": node, "label": _short(data.get("title", ""))}


def _edge(source: str, target: str, kind: str, weight: int = 1) -> dict[str, Any]:
    return {
        "id": f"{kind}:{source}:{target}",
        "source": source,
        "target": target,
        "kind": kind,
        "weight": weight,
    }


def _short(text: str) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= LABEL_CHARS else flat[: LABEL_CHARS - 1] + "…"
