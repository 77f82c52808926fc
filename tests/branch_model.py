"""A plain reference model of chats as trees, in a networkx DiGraph (child -> parent).

The stateful test applies every operation both to the store (real Neo4j) and to this
model, then compares. It states the rules of branching once, independently of Cypher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx


@dataclass
class ModelChat:
    id: str
    head: str | None = None
    forked_from: str | None = None
    hidden: bool = False


@dataclass
class BranchModel:
    graph: nx.DiGraph[str] = field(default_factory=nx.DiGraph)  # message -> parent
    chats: dict[str, ModelChat] = field(default_factory=dict)
    _seq: int = 0

    # -- queries -----------------------------------------------------------------------

    def chat_of(self, message: str) -> str:
        return str(self.graph.nodes[message]["chat"])

    def role_of(self, message: str) -> str:
        return str(self.graph.nodes[message]["role"])

    def parent(self, message: str) -> str | None:
        parents = list(self.graph.successors(message))
        return parents[0] if parents else None

    def messages_of(self, chat: str) -> list[str]:
        return sorted(
            (m for m in self.graph if self.chat_of(m) == chat),
            key=lambda m: self.graph.nodes[m]["seq"],
        )

    def all_messages(self) -> list[str]:
        """In creation order: random ids must not decide what a test draws."""
        return sorted(self.graph, key=lambda m: self.graph.nodes[m]["seq"])

    def children_in_chat(self, message: str, chat: str) -> list[str]:
        return sorted(
            (c for c in self.graph.predecessors(message) if self.chat_of(c) == chat),
            key=lambda m: self.graph.nodes[m]["seq"],
        )

    def live_chats(self) -> list[str]:
        return [c.id for c in self.chats.values() if not c.hidden]

    def branch(self, chat: str) -> list[str]:
        state = self.chats[chat]
        leaf = state.head or state.forked_from
        return self.ancestry(leaf) if leaf else []

    def ancestry(self, message: str) -> list[str]:
        path = [message]
        while (up := self.parent(path[-1])) is not None:
            path.append(up)
        return list(reversed(path))

    def newest_leaf(self, message: str, chat: str) -> str:
        while children := self.children_in_chat(message, chat):
            message = children[-1]
        return message

    def siblings(self, message: str) -> list[str]:
        chat, parent = self.chat_of(message), self.parent(message)
        return [m for m in self.messages_of(chat) if self.parent(m) == parent]

    def subtree(self, message: str) -> set[str]:
        chat = self.chat_of(message)
        found, stack = set(), [message]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(c for c in self.graph.predecessors(current) if self.chat_of(c) == chat)
        return found

    def forks_depending_on(self, messages: set[str]) -> list[str]:
        return [c.id for c in self.chats.values() if not c.hidden and c.forked_from in messages]

    # -- operations --------------------------------------------------------------------

    def add(self, message: str, chat: str, role: str, parent: str | None) -> None:
        self._seq += 1
        self.graph.add_node(message, chat=chat, role=role, seq=self._seq)
        if parent is not None:
            self.graph.add_edge(message, parent)
        self.chats[chat].head = message

    def default_parent(self, chat: str) -> str | None:
        state = self.chats[chat]
        return state.head or state.forked_from

    def switch(self, chat: str, message: str) -> None:
        self.chats[chat].head = self.newest_leaf(message, chat)

    def prune(self, message: str) -> None:
        chat = self.chat_of(message)
        doomed = self.subtree(message)
        siblings = [s for s in self.siblings(message) if s != message]
        seq = self.graph.nodes[message]["seq"]
        parent = self.parent(message)
        self.graph.remove_nodes_from(doomed)
        state = self.chats[chat]
        if state.head is not None and state.head not in doomed:
            return
        if siblings:
            before = [s for s in siblings if self.graph.nodes[s]["seq"] < seq]
            nearest = before[-1] if before else siblings[0]
            state.head = self.newest_leaf(nearest, chat)
        elif parent is not None and self.chat_of(parent) == chat:
            state.head = parent
        else:
            state.head = None

    def delete_chat(self, chat: str) -> None:
        self._delete_keeping_forks(chat)
        for _ in range(8):
            released = 0
            for hidden in [c.id for c in self.chats.values() if c.hidden]:
                released += self._delete_keeping_forks(hidden)
            if not released:
                break

    def _delete_keeping_forks(self, chat: str) -> int:
        mine = set(self.messages_of(chat))
        anchors = {
            m
            for m in mine
            if any(self.chat_of(c) != chat for c in self.graph.predecessors(m))
            or any(
                c.forked_from == m and c.id != chat and not c.hidden for c in self.chats.values()
            )
        }
        keep = {a for anchor in anchors for a in self.ancestry(anchor) if a in mine}
        doomed = mine - keep
        self.graph.remove_nodes_from(doomed)
        if keep:
            self.chats[chat].hidden = True
            self.chats[chat].head = None
        else:
            del self.chats[chat]
        return len(doomed)
