"""Chatbot UI's export (version 4, also 2 and 3): ``{version, history: [{id, name,
messages: [{role, content}], model: {id, name}, prompt}], folders, prompts}``. Messages
have no ids and no times: each follows the one listed before it, and their ids are their
positions. A conversation without an ``id`` gets one derived from its name and first
message. Folders and saved prompts are not conversations and are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from threadgraph.errors import MalformedFile
from threadgraph.services.imports.records import (
    SourceChat,
    SourceMessage,
    array,
    content_id,
    conversation_entries,
    ident,
    lenient_text,
    mapping,
    text,
)

ROLES = ("user", "assistant", "system")


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("history"), list) and "version" in data


def entries(data: Any) -> Iterator[tuple[str | None, Callable[[], SourceChat]]]:
    if not looks_like(data):
        raise MalformedFile("a Chatbot UI export is an object with version and history")
    return conversation_entries(
        data["history"],
        "a Chatbot UI export's history is a list of conversation objects",
        lambda c: c.get("name"),
        parse,
    )


def parse(item: dict[str, Any]) -> SourceChat:
    notes: list[str] = []
    messages: list[SourceMessage] = []
    previous: str | None = None
    for index, raw in enumerate(array(item.get("messages"), "messages")):
        raw = mapping(raw, f"message {index}")
        role = raw.get("role")
        source_id = str(index)
        messages.append(
            SourceMessage(
                source_id,
                previous,
                role if isinstance(role, str) else "",
                text(raw.get("content") or "", f"message {index} content"),
                None,
                skip=None if role in ROLES else f"role {role!r}",
            )
        )
        previous = source_id
    model = item.get("model")
    model_id = model.get("id") if isinstance(model, dict) else model
    name = lenient_text(item.get("name"), "name", notes)
    given = item.get("id")
    if given in (None, ""):
        first = messages[0].content if messages else ""
        source_id = content_id(name, first)
    else:
        source_id = ident(given, "conversation id")
    return SourceChat(
        source_id=source_id,
        title=name,
        created_at=None,
        updated_at=None,
        messages=messages,
        model=lenient_text(model_id, "model", notes),
        warnings=notes,
    )
