"""LibreChat's conversation export: ``{conversationId, title, endpoint, messages}`` with
flat messages linked by ``parentMessageId`` (the root's parent is the all-zero UUID),
or the tree form ``messagesTree`` / ``messages`` whose items nest their ``children``.
A message is ``{messageId, parentMessageId, isCreatedByUser, sender, text, content,
createdAt, model}``. LibreChat keeps no current node: the head is the newest leaf.
Agents' replies keep their text in ``content`` parts; the other parts (``think``,
``tool_call``, images...) and a message's ``files`` are left out and counted in a note.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from threadgraph.errors import MalformedChat
from threadgraph.services.imports.records import (
    SourceChat,
    SourceMessage,
    array,
    conversation_entries,
    ident,
    lenient_text,
    lenient_time,
    listed,
    mapping,
    text,
)

ROOT_PARENT = "00000000-0000-0000-0000-000000000000"


def looks_like(data: Any) -> bool:
    return any(
        isinstance(i, dict) and "conversationId" in i and ("messages" in i or "messagesTree" in i)
        for i in listed(data)[:20]
    )


def entries(data: Any) -> Iterator[tuple[str | None, Callable[[], SourceChat]]]:
    return conversation_entries(
        data,
        "a LibreChat export is a conversation object (or a list of them)",
        lambda c: c.get("title"),
        parse,
    )


def parse(item: dict[str, Any]) -> SourceChat:
    listed = item.get("messagesTree", item.get("messages"))
    if listed is None:
        raise MalformedChat("the conversation has no messages")
    messages: list[SourceMessage] = []
    notes: list[str] = []
    left_out: Counter[str] = Counter()
    _walk(array(listed, "messages"), messages, notes, left_out)
    if left_out:
        parts = ", ".join(f"{kind} x{n}" for kind, n in sorted(left_out.items()))
        notes.append(f"parts left out: {parts}")
    # ``exportAt`` is when the file was made, and only a time of day (JavaScript's
    # toTimeString()): never the chat's time. Without ``updatedAt`` the newest message's
    # time stands in.
    return SourceChat(
        source_id=ident(item.get("conversationId"), "conversationId"),
        title=lenient_text(item.get("title"), "title", notes),
        created_at=lenient_time(item.get("createdAt"), "createdAt", notes),
        updated_at=lenient_time(item.get("updatedAt"), "updatedAt", notes),
        messages=messages,
        model=lenient_text(item.get("model"), "model", notes),
        warnings=notes,
    )


def _walk(
    listed: list[Any], out: list[SourceMessage], notes: list[str], left_out: Counter[str]
) -> None:
    """Messages in order, parents before children (iterative: a long conversation in the
    tree form nests as deep as it is long)."""
    stack: list[tuple[Any, str | None, int]] = [
        (raw, None, i) for i, raw in reversed(list(enumerate(listed)))
    ]
    while stack:
        raw, tree_parent, index = stack.pop()
        raw = mapping(raw, f"message {index}")
        source_id = ident(raw.get("messageId"), f"message {index} messageId")
        parent = raw.get("parentMessageId", tree_parent)
        parent_id = None if parent in (None, ROOT_PARENT) else ident(parent, "parentMessageId")
        by_user = raw.get("isCreatedByUser")
        if by_user is None:
            by_user = raw.get("sender") == "User"
        out.append(
            SourceMessage(
                source_id,
                parent_id,
                "user" if by_user else "assistant",
                _body(raw, source_id, left_out),
                lenient_time(raw.get("createdAt"), f"message {source_id} createdAt", notes),
                None
                if by_user
                else lenient_text(raw.get("model"), f"message {source_id} model", notes),
            )
        )
        children = raw.get("children")
        if children:
            kids = array(children, f"message {source_id} children")
            stack.extend((child, source_id, i) for i, child in reversed(list(enumerate(kids))))


def _body(raw: dict[str, Any], source_id: str, left_out: Counter[str]) -> str:
    files = raw.get("files")
    if isinstance(files, list) and files:
        left_out["file"] += len(files)
    body = text(raw.get("text") or "", f"message {source_id} text")
    if body or not raw.get("content"):
        return body
    texts = []
    for part in array(raw["content"], f"message {source_id} content"):
        if isinstance(part, dict) and part.get("type") == "text":
            value = part.get("text")
            if isinstance(value, dict):  # {"value": "..."} in some versions
                value = value.get("value")
            texts.append(text(value or "", f"message {source_id} text part"))
        else:
            kind = part.get("type") if isinstance(part, dict) else None
            left_out[kind if isinstance(kind, str) else type(part).__name__] += 1
    return "\n\n".join(t for t in texts if t)
