"""Open WebUI's chat export: a list of ``{id, title, chat, created_at, updated_at}``
where ``chat.history`` is ``{messages: {id: {id, parentId, childrenIds, role, content,
timestamp, model}}, currentId}``. Timestamps are seconds or milliseconds (both occur);
``currentId`` is the head. A single chat object (with ``chat`` or ``history`` at the top)
is accepted too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from threadgraph.services.imports.records import (
    MalformedChat,
    SourceChat,
    SourceMessage,
    conversation_entries,
    ident,
    listed,
    mapping,
    optional_text,
    text,
    timestamp,
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
    for key, raw in _in_order(listed):
        raw = mapping(raw, f"message {key}")
        parent = raw.get("parentId")
        role = raw.get("role")
        content = raw.get("content")
        if isinstance(content, list):  # some versions store content parts
            content = "\n".join(
                p.get("text", "") for p in content if isinstance(p, dict) and p.get("text")
            )
        messages.append(
            SourceMessage(
                key,
                ident(parent, f"message {key} parentId") if parent is not None else None,
                role if isinstance(role, str) else "",
                text(content or "", f"message {key} content"),
                timestamp(raw.get("timestamp"), f"message {key} timestamp"),
                _model(raw),
                skip=None if role in ("user", "assistant", "system") else f"role {role!r}",
            )
        )
    current = history.get("currentId")
    chat_id = item.get("id") or chat.get("id")
    return SourceChat(
        source_id=ident(chat_id, "chat id"),
        title=optional_text(item.get("title") or chat.get("title"), "title"),
        created_at=timestamp(item.get("created_at") or chat.get("timestamp"), "created_at"),
        updated_at=timestamp(item.get("updated_at"), "updated_at"),
        messages=messages,
        head_id=ident(current, "currentId") if current else None,
        model=_first_model(chat),
    )


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
