"""The formats threadgraph imports, and telling them apart by their content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from threadgraph.errors import MalformedFile
from threadgraph.services.imports import (
    chatbotui,
    chatgpt,
    claude,
    librechat,
    openwebui,
    threadgraph_json,
)
from threadgraph.services.imports.records import SourceChat

FORMATS = ("chatgpt", "claude", "openwebui", "librechat", "chatbotui", "threadgraph")


@dataclass(frozen=True)
class Entry:
    """One conversation of a file: its title (for the report) and how to parse it.

    Parsing is deferred so that one malformed conversation is reported and skipped while
    the others are imported."""

    title: str | None
    parse: Callable[[], SourceChat]


_PARSERS: dict[str, Any] = {
    "chatgpt": chatgpt,
    "claude": claude,
    "openwebui": openwebui,
    "librechat": librechat,
    "chatbotui": chatbotui,
    "threadgraph": threadgraph_json,
}


def detect(data: Any) -> str:
    """The format of a decoded export file, from its shape."""
    for name in ("threadgraph", "chatgpt", "claude", "chatbotui", "openwebui", "librechat"):
        if _PARSERS[name].looks_like(data):
            return str(name)
    raise MalformedFile(
        "the file is not a ChatGPT, Claude, Open WebUI, LibreChat, Chatbot UI or threadgraph "
        "export "
        "(no conversations recognised); name the format if it is one"
    )


def entries(data: Any, fmt: str) -> list[Entry]:
    if fmt not in _PARSERS:
        raise MalformedFile(f"format must be one of auto, {', '.join(FORMATS)}")
    return [Entry(title, parse) for title, parse in _PARSERS[fmt].entries(data)]
