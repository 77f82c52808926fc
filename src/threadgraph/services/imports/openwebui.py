"""Open WebUI's chat export: a list of ``{id, title, chat, created_at, updated_at}``
where ``chat.history`` is ``{messages: {id: {id, parentId, childrenIds, role, content,
timestamp, model}}, currentId}``. Timestamps are seconds or milliseconds (both occur);
``currentId`` is the head. A single chat object (with ``chat`` or ``history`` at the top)
is accepted too. A message's ``files`` (uploaded images and documents) are left out and
counted in a note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from threadgraph.errors import MalformedChat
from threadgraph.services.imports.records import (
    SourceChat,
    SourceMessage,
    content_id,
    conversation_entries,
    ident,
    lenient_ident,
    lenient_text,
    lenient_time,
    listed,
    mapping,
    text,
)


def _chat(item: Any) -> Any:
    if isinstance(item, dict) and isinstance(item.get("chat"), dict):
        return item["chat"]
    return item


def looks_like(data: Any) -> bool:
    return any(
        isinstance(_chat(i), dict) and isinstance(_chat(i).get("history"), dict)
        for i in listed(data)[:20]
    )


def entries(data: Any) -> Iterator[tuple[str | None, Callable[[], SourceChat]]]:
    return conversation_entries(
        data,
        "an Open WebUI export is a list of chat objects",
        lambda c: c.get("title") or _chat(c).get("title"),
        parse,
    )


def parse(item: dict[str, Any]) -> SourceChat:
    chat = mapping(_chat(item), "chat")
    if "history" not in chat:
        raise MalformedChat("the chat has no history")
    history = mapping(chat["history"], "history")
    listed = mapping(history.get("messages") or {}, "history.messages")
    messages = []
    notes: list[str] = []
    left_out: Counter[str] = Counter()
    for key, raw in _in_order(listed):
        raw = mapping(raw, f"message {key}")
        parent = raw.get("parentId")
        role = raw.get("role")
        content = raw.get("content")
        files = raw.get("files")
        if isinstance(files, list) and files:
            left_out["file"] += len(files)
        if isinstance(content, list):  # some versions store content parts
            content = "\n".join(
                p.get("text", "") for p in content if isinstance(p, dict) and p.get("text")
            )
        messages.append(
            SourceMessage(
                key,
                ident(parent, f"message {key} parentId") if parent is not None else None,
                role if isinstance(role, str) else "",
                _without_details(text(content or "", f"message {key} content"), left_out),
                lenient_time(raw.get("timestamp"), f"message {key} timestamp", notes),
                _model(raw),
                skip=None if role in ("user", "assistant", "system") else f"role {role!r}",
            )
        )
    if left_out:
        parts = ", ".join(f"{kind} x{n}" for kind, n in sorted(left_out.items()))
        notes.append(f"parts left out: {parts}")
    created = item.get("created_at") or chat.get("timestamp")
    return SourceChat(
        source_id=_chat_id(item, chat, messages, notes),
        title=lenient_text(item.get("title") or chat.get("title"), "title", notes),
        created_at=lenient_time(created, "created_at", notes),
        updated_at=lenient_time(item.get("updated_at"), "updated_at", notes),
        messages=messages,
        head_id=lenient_ident(history.get("currentId"), "currentId", notes),
        model=_first_model(chat),
        warnings=notes,
    )


def _chat_id(
    item: dict[str, Any], chat: dict[str, Any], messages: list[SourceMessage], notes: list[str]
) -> str:
    """The row id, else the chat's own. The chat object as Open WebUI stores it in its
    database has ``id: ""`` (the row id lives outside it): the id is then derived from the
    first message (its id, time and text), which a later copy of the same chat shares."""
    given = item.get("id") or chat.get("id")
    if given not in (None, ""):
        return ident(given, "chat id")
    if not messages:
        raise MalformedChat("the chat has no id and no messages")
    first = messages[0]
    derived = content_id(first.source_id, first.created_at, first.content)
    notes.append(f"the chat has no id of its own: {derived}, from its first message")
    return derived


# Open WebUI writes a reply's reasoning and tool calls into its text as collapsible
# <details type="reasoning|tool_calls|code_interpreter"> blocks; the reply is what follows.
_DETAILS = re.compile(r'<details type="([a-z_]+)"[^>]*>.*?</details>\s*', re.DOTALL)


def _without_details(content: str, left_out: Counter[str]) -> str:
    def drop(match: re.Match[str]) -> str:
        left_out[match.group(1).replace("_", " ")] += 1
        return ""

    return _DETAILS.sub(drop, content)


def _in_order(listed: dict[str, Any]) -> list[tuple[str, Any]]:
    """Parents first, siblings in ``childrenIds`` order; the rest in file order."""
    order: list[str] = []
    seen: set[str] = set()
    roots = [k for k, m in listed.items() if not isinstance(m, dict) or m.get("parentId") is None]
    stack = list(reversed(roots))
    while stack:
        key = stack.pop()
        if key in seen or key not in listed:
            continue
        seen.add(key)
        order.append(key)
        children = listed[key].get("childrenIds") if isinstance(listed[key], dict) else None
        if isinstance(children, list):
            stack.extend(reversed([c for c in children if isinstance(c, str)]))
    order.extend(k for k in listed if k not in seen)
    return [(k, listed[k]) for k in order]


def _model(raw: dict[str, Any]) -> str | None:
    model = raw.get("model")
    if isinstance(model, str):
        return model
    models = raw.get("models")
    return models[0] if isinstance(models, list) and models and isinstance(models[0], str) else None


def _first_model(chat: dict[str, Any]) -> str | None:
    models = chat.get("models")
    return models[0] if isinstance(models, list) and models and isinstance(models[0], str) else None
