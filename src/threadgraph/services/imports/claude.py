"""Claude.ai's data export, ``conversations.json``: a list of conversations ``{uuid,
name, created_at, updated_at, chat_messages}``; each message ``{uuid, sender (human |
assistant), text, content [blocks], created_at, parent_message_uuid}``.

Newer exports link each message to its parent (``parent_message_uuid``; the root's
parent is the all-zero UUID), so edited prompts and retried replies are branches;
messages without the link follow the one listed before them. The head is
``current_leaf_message_uuid`` when present, else the newest leaf. Text blocks are kept;
thinking, tool use and tool result blocks are left out and counted, and so are a message's
``attachments`` (pasted or uploaded documents, with their extracted text) and ``files``
(images, PDFs; ``files_v2`` in newer exports lists the same ones).
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
    text,
)

ROOT_PARENT = "00000000-0000-4000-8000-000000000000"
ROLES = {"human": "user", "user": "user", "assistant": "assistant"}


def looks_like(data: Any) -> bool:
    return any(isinstance(item, dict) and "chat_messages" in item for item in listed(data)[:20])


def entries(data: Any) -> Iterator[tuple[str | None, Callable[[], SourceChat]]]:
    return conversation_entries(
        data, "a Claude export is a list of conversation objects", lambda c: c.get("name"), parse
    )


def parse(item: dict[str, Any]) -> SourceChat:
    if "chat_messages" not in item:
        raise MalformedChat("the conversation has no chat_messages")
    listed = array(item["chat_messages"], "chat_messages")
    warnings: list[str] = []
    left_out: Counter[str] = Counter()
    uploads: Counter[str] = Counter()
    messages: list[SourceMessage] = []
    previous: str | None = None
    for index, raw in enumerate(listed):
        raw = mapping(raw, f"message {index}")
        source_id = ident(raw.get("uuid"), f"message {index} uuid")
        if "parent_message_uuid" in raw:
            parent = raw["parent_message_uuid"]
            parent_id = None if parent in (None, ROOT_PARENT) else ident(parent, "parent")
        else:
            parent_id = previous
        sender = raw.get("sender")
        role = ROLES.get(sender) if isinstance(sender, str) else None
        messages.append(
            SourceMessage(
                source_id,
                parent_id,
                role or "",
                _body(raw, index, left_out),
                lenient_time(raw.get("created_at"), f"message {index} created_at", warnings),
                skip=None if role else f"sender {sender!r}",
            )
        )
        previous = source_id
        for kind, listed_uploads in (
            ("attachment", raw.get("attachments")),
            ("file", raw.get("files") or raw.get("files_v2")),
        ):
            if isinstance(listed_uploads, list) and listed_uploads:
                uploads[kind] += len(listed_uploads)
    if left_out:
        blocks = ", ".join(f"{kind} x{n}" for kind, n in sorted(left_out.items()))
        warnings.append(f"content blocks left out: {blocks}")
    if uploads:
        kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(uploads.items()))
        warnings.append(f"attachments and files left out: {kinds}")
    head = item.get("current_leaf_message_uuid")
    return SourceChat(
        source_id=ident(item.get("uuid"), "conversation uuid"),
        title=lenient_text(item.get("name"), "name", warnings),
        created_at=lenient_time(item.get("created_at"), "created_at", warnings),
        updated_at=lenient_time(item.get("updated_at"), "updated_at", warnings),
        messages=messages,
        head_id=lenient_ident(head, "current_leaf_message_uuid", warnings),
        model=lenient_text(item.get("model"), "model", warnings),
        warnings=warnings,
    )


def _body(raw: dict[str, Any], index: int, left_out: Counter[str]) -> str:
    blocks = raw.get("content")
    if not blocks:
        return text(raw.get("text") or "", f"message {index} text")
    texts = []
    for block in array(blocks, f"message {index} content"):
        block = mapping(block, f"message {index} content block")
        if block.get("type") == "text":
            texts.append(text(block.get("text") or "", f"message {index} text block"))
        else:
            left_out[str(block.get("type"))] += 1
    return "\n\n".join(t for t in texts if t)
