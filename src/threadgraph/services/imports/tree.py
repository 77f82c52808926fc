"""From a parsed conversation to what is written: links checked, ids derived.

- Parent links must form a forest: a cycle makes the conversation malformed; a parent
  the export does not contain (dangling) makes the message a root, with a warning.
- Nodes threadgraph does not keep (a skip reason from the parser, or empty text) are
  left out and counted; their children hang from the nearest kept ancestor.
- Ids are derived from (person, source, conversation id, source id) with UUID v5, so
  importing the same file again finds every message already there, and a later export
  adds only what is new, under the parents it already has. Message ids are scoped by
  their conversation because nothing promises that two conversations of an export do not
  both have an ``m0``. (threadgraph's own export is the exception: its ids are unique
  across chats, and a fork names its parent in another chat.) A threadgraph export
  imported by the person it came from keeps its ids: the same graph comes back.
- Siblings are ordered by time in threadgraph; the export's timestamps are kept, and
  only exact ties (second-resolution sources) are broken by a microsecond in the
  export's order, so branches keep their order. A missing time is the parent's plus 1 µs.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from threadgraph.errors import MalformedChat
from threadgraph.models import ImportChat, ImportMessage
from threadgraph.services.imports.records import SourceChat, SourceMessage

# Fixed namespace: the same (person, source, id) always gives the same graph id.
NAMESPACE = uuid.UUID("5b0f7c4e-2d1a-4c83-9a57-6f3e8d2b1c90")
TICK = timedelta(microseconds=1)
ROLES = ("system", "user", "assistant")
IMPORTED_TITLE = "Imported chat"


@dataclass
class Planned:
    chat: ImportChat
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    max_message_chars: int
    max_title_chars: int


def graph_id(user_id: str, source: str, kind: str, source_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{user_id}\n{source}\n{kind}\n{source_id}"))


def message_graph_id(user_id: str, source: str, chat_key: str, source_id: str) -> str:
    """An imported message's id: scoped by its conversation, except in threadgraph's own
    export, whose ids are unique across chats (a fork names a parent in another chat)."""
    scoped = source_id if source == "threadgraph" else f"{chat_key}\n{source_id}"
    return graph_id(user_id, source, "message", scoped)


def plan(
    chat: SourceChat,
    user_id: str,
    source: str,
    limits: Limits,
    keep_ids: bool = False,
    now: datetime | None = None,
    variant: str | None = None,
) -> Planned:
    """``variant`` sets the conversation apart from a stored one that has the same id but
    none of its messages (see :func:`variant_of`)."""
    now = now or datetime.now(UTC)
    skipped: Counter[str] = Counter()
    warnings = list(chat.warnings)
    chat_key = chat.source_id if variant is None else f"{chat.source_id}\n{variant}"
    scoped = source != "threadgraph"

    def new_id(kind: str, source_id: str) -> str:
        if keep_ids:
            return source_id
        if kind == "chat":
            return graph_id(user_id, source, kind, chat_key)
        return message_graph_id(user_id, source, chat_key, source_id)

    by_id: dict[str, SourceMessage] = {}
    position: dict[str, int] = {}
    for index, message in enumerate(chat.messages):
        if message.source_id in by_id:
            raise MalformedChat(f"message id {message.source_id!r} appears twice")
        by_id[message.source_id] = message
        position[message.source_id] = index

    parent: dict[str, str | None] = {}
    for message in chat.messages:
        up = message.parent_id
        if up is not None and up not in by_id and not message.parent_elsewhere:
            warnings.append(f"message {message.source_id}: parent {up} is not in the export")
            up = None
        parent[message.source_id] = up
    _refuse_cycles(parent, by_id)

    keep: dict[str, bool] = {}
    for message in chat.messages:
        reason = message.skip
        if reason is None and message.role not in ROLES:
            reason = f"role {message.role!r}"
        status = message.extra.get("status", "complete")
        if reason is None and status == "complete" and not message.content.strip():
            reason = "empty"
        if reason is not None:
            skipped[reason] += 1
        keep[message.source_id] = reason is None

    def kept_parent(source_id: str) -> str | None:
        """The nearest kept ancestor's source id (or a parent in another chat)."""
        up = parent[source_id]
        while up is not None and up in by_id and not keep[up]:
            up = parent[up]
        return up

    children: dict[str | None, list[str]] = defaultdict(list)
    effective: dict[str, str | None] = {}
    for message in chat.messages:
        if keep[message.source_id]:
            up = kept_parent(message.source_id)
            effective[message.source_id] = up
            children[up if up in by_id else None].append(message.source_id)

    times: dict[str, datetime] = {}
    ordered: list[str] = []
    start = chat.created_at or _earliest(chat) or now
    queue: list[tuple[str | None, datetime]] = [(None, start - TICK)]
    while queue:
        top, base = queue.pop()
        siblings = sorted(
            children.get(top, []),
            key=lambda s: (by_id[s].created_at or base + TICK, position[s]),
        )
        previous: datetime | None = None
        for source_id in siblings:
            when = by_id[source_id].created_at or base + TICK
            if previous is not None and when <= previous:
                when = previous + TICK  # a tie (sorted by time first): keep export order
            times[source_id] = when
            previous = when
            ordered.append(source_id)
            queue.append((source_id, when))

    messages = []
    for source_id in ordered:
        message = by_id[source_id]
        _check_text(message, limits)
        up = effective[source_id]
        parent_id = None if up is None else new_id("message", up)
        properties: dict[str, Any] = {
            "role": message.role,
            "content": message.content,
            "status": "complete",
            "model": message.model,
            "created_at": times[source_id],
            "tokens": None,
            "source": source,
            "source_id": source_id,
            **({"source_chat": chat_key} if scoped else {}),
            "imported_at": now,
            **message.extra,
        }
        messages.append(ImportMessage(new_id("message", source_id), parent_id, properties))

    fork = chat.forked_from
    head = _head(chat, by_id, keep, kept_parent, times, warnings)
    title = " ".join((chat.title or "").split())[: limits.max_title_chars] or IMPORTED_TITLE
    created = chat.created_at or (min(times.values()) if times else now)
    # Without its own update time a chat was last updated at its newest message, and never
    # before it was created: Open WebUI keeps the chat's time in milliseconds and its
    # messages' in whole seconds, so they can fall just before it.
    updated = chat.updated_at or max([created, *times.values()])
    properties = {
        "title": title,
        "title_source": "user",
        "model": chat.model if chat.exact else chat.model or _last_model(chat, keep),
        "created_at": created,
        "updated_at": updated,
        "source": source,
        "source_id": chat.source_id,
        "imported_at": now,
        **chat.extra,
    }
    return Planned(
        ImportChat(
            id=new_id("chat", chat.source_id),
            properties=properties,
            messages=messages,
            head_id=None if head is None else new_id("message", head),
            forked_from_id=None if fork is None else new_id("message", fork),
        ),
        skipped,
        warnings,
    )


def variant_of(chat: SourceChat) -> str:
    """What tells a conversation apart from another with the same id: its message ids."""
    joined = "\n".join(sorted(m.source_id for m in chat.messages))
    return str(uuid.uuid5(NAMESPACE, joined))[:8]


def _refuse_cycles(parent: dict[str, str | None], by_id: dict[str, SourceMessage]) -> None:
    settled: set[str] = set()  # known to lead to a root
    for start in parent:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node in by_id and node not in settled:
            if node in on_path:
                loop = [*path[path.index(node) :], node]
                raise MalformedChat("parent links form a cycle: " + " -> ".join(loop[:6]))
            path.append(node)
            on_path.add(node)
            node = parent[node]
        settled.update(path)


def _check_text(message: SourceMessage, limits: Limits) -> None:
    if len(message.content) > limits.max_message_chars:
        raise MalformedChat(
            f"message {message.source_id} has {len(message.content):,} characters; the "
            f"limit is {limits.max_message_chars:,} (THREADGRAPH_MAX_MESSAGE_CHARS)"
        )
    if "\x00" in message.content:
        raise MalformedChat(f"message {message.source_id} contains a NUL character")


def _head(
    chat: SourceChat,
    by_id: dict[str, SourceMessage],
    keep: dict[str, bool],
    kept_parent: Any,
    times: dict[str, datetime],
    warnings: list[str],
) -> str | None:
    """The export's current node (or its nearest kept ancestor); else the newest leaf.
    (threadgraph's own export says exactly where HEAD is, or that there is none.)"""
    if chat.exact and chat.head_id is None:
        return None
    if chat.head_id is not None:
        if chat.head_id in by_id:
            node: str | None = chat.head_id
            if not keep[chat.head_id]:
                node = kept_parent(chat.head_id)
            if node is None or node in by_id:
                return node
        else:
            warnings.append(f"the current node {chat.head_id} is not in the export")
    has_child = {p for p in (kept_parent(s) for s in times) if p is not None}
    leaves = [s for s in times if s not in has_child]
    return max(leaves, key=lambda s: (times[s], s)) if leaves else None


def _earliest(chat: SourceChat) -> datetime | None:
    return min((m.created_at for m in chat.messages if m.created_at), default=None)


def _last_model(chat: SourceChat, keep: dict[str, bool]) -> str | None:
    models = [m.model for m in chat.messages if keep[m.source_id] and m.model]
    return models[-1] if models else None
