"""ChatGPT's data export, ``conversations.json``: a list of conversations, each a
``mapping`` of nodes ``{id, message, parent, children}`` and a ``current_node`` (what
the person last saw). Messages carry ``author.role``, ``content.content_type`` and
``parts``, ``create_time`` (seconds) and ``metadata.model_slug``.

Kept: user, assistant and (visible) system text, and what was said in voice mode (the
``audio_transcription`` parts of a ``multimodal_text`` message). Left out, counted: nodes
without a message (the tree's root), tool messages and tool calls (``recipient`` other
than ``all``), hidden nodes (``is_visually_hidden_from_conversation``, weight 0), content
types other than text (reasoning, browsing, execution output...), and the other parts of
a message (images, files, the voice recordings themselves), in one note per conversation.
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
    lenient_ident,
    lenient_text,
    lenient_time,
    listed,
    mapping,
    optional_text,
)

TEXT_TYPES = ("text", "multimodal_text", "code")


def looks_like(data: Any) -> bool:
    return any(isinstance(item, dict) and "mapping" in item for item in listed(data)[:20])


def entries(data: Any) -> Iterator[tuple[str | None, Callable[[], SourceChat]]]:
    return conversation_entries(
        data, "a ChatGPT export is a list of conversation objects", lambda c: c.get("title"), parse
    )


def parse(item: dict[str, Any]) -> SourceChat:
    if "mapping" not in item:
        raise MalformedChat("the conversation has no mapping (no messages in the export)")
    nodes = mapping(item["mapping"], "mapping")
    chat_id = ident(item.get("conversation_id") or item.get("id"), "conversation id")
    warnings: list[str] = []
    left_out: Counter[str] = Counter()
    messages = [_message(key, node, warnings, left_out) for key, node in _in_order(nodes)]
    if left_out:
        parts = ", ".join(f"{kind} x{n}" for kind, n in sorted(left_out.items()))
        warnings.append(f"non-text parts left out (images, files, audio): {parts}")
    return SourceChat(
        source_id=chat_id,
        title=lenient_text(item.get("title"), "title", warnings),
        created_at=lenient_time(item.get("create_time"), "create_time", warnings),
        updated_at=lenient_time(item.get("update_time"), "update_time", warnings),
        messages=messages,
        head_id=lenient_ident(item.get("current_node"), "current_node", warnings),
        model=lenient_text(item.get("default_model_slug"), "default_model_slug", warnings),
        warnings=warnings,
    )


def _in_order(nodes: dict[str, Any]) -> list[tuple[str, Any]]:
    """Nodes parents first, siblings in their ``children`` order; nodes that no
    ``children`` list reaches follow in file order."""
    order: list[str] = []
    seen: set[str] = set()
    roots = [k for k, n in nodes.items() if not isinstance(n, dict) or n.get("parent") is None]
    stack = list(reversed(roots))
    while stack:
        key = stack.pop()
        if key in seen or key not in nodes:
            continue
        seen.add(key)
        order.append(key)
        node = nodes[key]
        children = node.get("children") if isinstance(node, dict) else None
        if isinstance(children, list):
            stack.extend(reversed([c for c in children if isinstance(c, str)]))
    order.extend(k for k in nodes if k not in seen)
    return [(k, nodes[k]) for k in order]


def _message(key: str, node: Any, warnings: list[str], left_out: Counter[str]) -> SourceMessage:
    node = mapping(node, f"node {key}")
    parent = node.get("parent")
    parent_id = ident(parent, f"node {key} parent") if parent is not None else None
    message = node.get("message")
    if message is None:
        return SourceMessage(key, parent_id, "system", "", None, skip="no message")
    message = mapping(message, f"node {key} message")
    author = mapping(message.get("author") or {}, f"node {key} author")
    role = author.get("role")
    metadata = mapping(message.get("metadata") or {}, f"node {key} metadata")
    content = mapping(message.get("content") or {}, f"node {key} content")
    created = lenient_time(message.get("create_time"), f"node {key} create_time", warnings)
    model = metadata.get("model_slug") if isinstance(metadata.get("model_slug"), str) else None
    body, skip = _text(key, content, left_out)
    if role == "tool":
        skip = "tool message"
    elif role not in ("user", "assistant", "system"):
        skip = f"author role {role!r}"
    elif metadata.get("is_visually_hidden_from_conversation") or message.get("weight") == 0:
        skip = "hidden"
    elif message.get("recipient", "all") != "all":
        skip = "tool call"
    return SourceMessage(
        key, parent_id, role if isinstance(role, str) else "", body, created, model, skip=skip
    )


def _text(key: str, content: dict[str, Any], left_out: Counter[str]) -> tuple[str, str | None]:
    kind = content.get("content_type", "text")
    if kind not in TEXT_TYPES:
        return "", f"content type {kind!r}"
    if kind == "code":
        return optional_text(content.get("text"), f"node {key} code") or "", None
    texts = []
    for part in array(content.get("parts") or [], f"node {key} parts"):
        if isinstance(part, str):
            texts.append(part)
        elif _spoken(part):
            texts.append(part["text"])
        else:
            part_kind = part.get("content_type") if isinstance(part, dict) else None
            left_out[part_kind if isinstance(part_kind, str) else type(part).__name__] += 1
    return "\n".join(t for t in texts if t), None


def _spoken(part: Any) -> bool:
    """A voice-mode part: what was said, as ChatGPT transcribed it."""
    return (
        isinstance(part, dict)
        and part.get("content_type") == "audio_transcription"
        and isinstance(part.get("text"), str)
    )
