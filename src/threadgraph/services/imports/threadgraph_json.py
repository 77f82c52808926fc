"""threadgraph's own node-link JSON export (``GET /api/export?format=json``): nodes
``{id, label, ...properties}`` and edges ``{source, target, type, ...properties}``.

Each Chat node is one conversation: its messages (``BELONGS_TO`` it), their ``FOLLOWS``
parents (in another chat for a fork's first message), its ``HEAD`` and ``FORKED_FROM``.
Chats come out ordered so that a chat another one continues from is written first.
``USED_CONTEXT`` edges span chats and are written after all of them. User and Topic
nodes are not imported: the messages go to the importing person, and topics are
extracted again from the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from threadgraph.errors import MalformedChat, MalformedFile
from threadgraph.services.imports.records import (
    SourceChat,
    SourceMessage,
    ident,
    optional_text,
    text,
    timestamp,
)

# Stored properties carried over as they are (besides role, content, model, created_at).
MESSAGE_EXTRA = ("status", "tokens", "prompt_tokens", "error")
MESSAGE_TIMES = ("finished_at",)
CHAT_EXTRA = ("title_source",)
CHAT_TIMES = ("deleted_at",)
STATUSES = ("complete", "incomplete", "failed")


def looks_like(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("nodes"), list)
        and isinstance(data.get("edges", data.get("links")), list)
    )


class _Graph:
    def __init__(self, data: dict[str, Any]) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        for node in data["nodes"]:
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                self.nodes[node["id"]] = node
        self.chat_of: dict[str, str] = {}
        self.parent: dict[str, str] = {}
        self.head: dict[str, str] = {}
        self.fork: dict[str, str] = {}
        self.used: list[dict[str, Any]] = []
        for edge in data.get("edges", data.get("links")) or []:
            if not isinstance(edge, dict):
                continue
            source, target, kind = edge.get("source"), edge.get("target"), edge.get("type")
            if not (isinstance(source, str) and isinstance(target, str)):
                continue
            target_label = self.label(target)
            if kind == "BELONGS_TO" and target_label == "Chat":
                self.chat_of[source] = target
            elif kind == "FOLLOWS":
                self.parent[source] = target
            elif kind == "HEAD":
                self.head[source] = target
            elif kind == "FORKED_FROM":
                self.fork[source] = target
            elif kind == "USED_CONTEXT":
                self.used.append(edge)
        self.messages: dict[str, list[str]] = defaultdict(list)
        for node_id, chat_id in self.chat_of.items():
            if self.label(node_id) == "Message":
                self.messages[chat_id].append(node_id)

    def label(self, node_id: str) -> str | None:
        node = self.nodes.get(node_id)
        return node.get("label") if node else None

    def chats_in_order(self) -> list[str]:
        """Chats, each after the chats it continues from (forks, cross-chat parents)."""
        chats = [n for n in self.nodes if self.label(n) == "Chat"]
        needs: dict[str, set[str]] = {c: set() for c in chats}
        for chat in chats:
            points = [self.parent.get(m) for m in self.messages[chat]] + [self.fork.get(chat)]
            for point in points:
                other = self.chat_of.get(point) if point else None
                if other and other != chat and other in needs:
                    needs[chat].add(other)
        order: list[str] = []
        done: set[str] = set()
        while len(order) < len(chats):
            ready = [c for c in chats if c not in done and needs[c] <= done]
            if not ready:  # a cycle between chats: the rest in file order, links reported
                ready = [c for c in chats if c not in done]
            for chat in ready:
                order.append(chat)
                done.add(chat)
        return order


def owner(data: Any) -> str | None:
    """The id of the person whose export this is (its one User node)."""
    users = [
        n["id"] for n in data.get("nodes", []) if isinstance(n, dict) and n.get("label") == "User"
    ]
    return users[0] if len(users) == 1 else None


def used_context(data: Any) -> list[dict[str, Any]]:
    """USED_CONTEXT edges: (source, target, via, score, rank) by source ids."""
    return [
        {k: edge.get(k) for k in ("source", "target", "via", "score", "rank")}
        for edge in _Graph(data).used
    ]


def entries(data: Any) -> Iterator[tuple[str | None, Callable[[], SourceChat]]]:
    if not looks_like(data):
        raise MalformedFile("a threadgraph export is node-link JSON with nodes and edges")
    graph = _Graph(data)
    for chat_id in graph.chats_in_order():
        title = graph.nodes[chat_id].get("title")
        yield (title if isinstance(title, str) else None), partial(_parse, graph, chat_id)


def _parse(graph: _Graph, chat_id: str) -> SourceChat:
    chat = graph.nodes[chat_id]
    messages = []
    for message_id in graph.messages[chat_id]:
        node = graph.nodes[message_id]
        parent = graph.parent.get(message_id)
        role = node.get("role")
        extra: dict[str, Any] = {k: node[k] for k in MESSAGE_EXTRA if node.get(k) is not None}
        for key in MESSAGE_TIMES:
            extra[key] = timestamp(node.get(key), f"message {message_id} {key}")
        if extra.get("status") == "streaming":
            extra["status"] = "incomplete"  # cut off in the exporting server
        if extra.get("status", "complete") not in STATUSES:
            raise MalformedChat(f"message {message_id} has status {extra['status']!r}")
        embedding = node.get("embedding")
        if isinstance(embedding, list) and all(isinstance(x, int | float) for x in embedding):
            extra["embedding"] = [float(x) for x in embedding]
        messages.append(
            SourceMessage(
                message_id,
                parent,
                role if isinstance(role, str) else "",
                text(node.get("content", ""), f"message {message_id} content"),
                timestamp(node.get("created_at"), f"message {message_id} created_at"),
                optional_text(node.get("model"), f"message {message_id} model"),
                skip=None if role in ("user", "assistant", "system") else f"role {role!r}",
                extra={k: v for k, v in extra.items() if v is not None},
                parent_elsewhere=parent is not None and graph.chat_of.get(parent) != chat_id,
            )
        )
    messages.sort(key=lambda m: (m.created_at is None, m.created_at, m.source_id))
    extra = {k: chat[k] for k in CHAT_EXTRA if isinstance(chat.get(k), str)}
    for key in CHAT_TIMES:
        if chat.get(key) is not None:
            extra[key] = timestamp(chat[key], f"chat {key}")
    return SourceChat(
        source_id=ident(chat_id, "chat id"),
        title=optional_text(chat.get("title"), "title"),
        created_at=timestamp(chat.get("created_at"), "created_at"),
        updated_at=timestamp(chat.get("updated_at"), "updated_at"),
        messages=messages,
        head_id=graph.head.get(chat_id),
        model=optional_text(chat.get("model"), "model"),
        extra=extra,
        forked_from=graph.fork.get(chat_id),
        exact=True,
    )
