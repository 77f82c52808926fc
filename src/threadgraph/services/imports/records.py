"""What a parser makes of one exported conversation, before any graph id exists."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from threadgraph.errors import MalformedChat, MalformedFile


@dataclass
class SourceMessage:
    source_id: str
    parent_id: str | None  # the parent's source id, as the export gives it
    role: str  # system | user | assistant (anything else is given a skip reason)
    content: str
    created_at: datetime | None
    model: str | None = None
    # Why threadgraph does not keep this node ("hidden", "tool", ...); its children are
    # re-attached to the nearest kept ancestor.
    skip: str | None = None
    # threadgraph's own export: the stored properties beyond the common ones.
    extra: dict[str, Any] = field(default_factory=dict)
    # The parent is a message of another conversation of the same file (a threadgraph fork).
    parent_elsewhere: bool = False


@dataclass
class SourceChat:
    source_id: str
    title: str | None
    created_at: datetime | None
    updated_at: datetime | None
    messages: list[SourceMessage]  # in the export's order
    head_id: str | None = None  # the export's current node, when it has one
    model: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # threadgraph: title_source, ...
    forked_from: str | None = None  # threadgraph: the message a fork continues from
    # threadgraph's own export states HEAD and the chat's model exactly: nothing is
    # inferred (no HEAD means none, no model means none).
    exact: bool = False
    # Notes on things kept but worth telling (a dangling parent made a root, ...).
    warnings: list[str] = field(default_factory=list)


def timestamp(value: Any, what: str) -> datetime | None:
    """Seconds, milliseconds or microseconds since 1970, or an ISO 8601 string; None stays
    None. Anything else makes the conversation malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MalformedChat(f"{what} is {value!r}, not a time")
    if isinstance(value, int | float):
        seconds = float(value)
        # 1e11 seconds is the year 5138, 1e11 milliseconds 1973: larger numbers are
        # milliseconds (Open WebUI, JavaScript), larger still microseconds.
        if abs(seconds) >= 1e14:
            seconds /= 1_000_000
        elif abs(seconds) >= 1e11:
            seconds /= 1000
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise MalformedChat(f"{what} {value!r} is out of range") from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise MalformedChat(f"{what} {value!r} is not an ISO 8601 time") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise MalformedChat(f"{what} is a {type(value).__name__}, not a time")


def lenient_time(value: Any, what: str, notes: list[str]) -> datetime | None:
    """An optional time: one that does not parse is left unknown, with a note, and never
    costs the conversation (the messages' own times stand in for it)."""
    try:
        return timestamp(value, what)
    except MalformedChat as error:
        notes.append(f"{error.reason}: left unknown")
        return None


def lenient_text(value: Any, what: str, notes: list[str]) -> str | None:
    """Optional text (a title, a model name): anything but text is left out, with a note."""
    if value is None or isinstance(value, str):
        return value
    notes.append(f"{what} is a {type(value).__name__}, not text: left out")
    return None


def lenient_ident(value: Any, what: str, notes: list[str]) -> str | None:
    """An optional reference (the current node): one that is not an id is left out, with a
    note; the newest leaf is then HEAD."""
    if value is None or value == "":
        return None
    try:
        return ident(value, what)
    except MalformedChat as error:
        notes.append(f"{error.reason}: left out")
        return None


def content_id(*parts: Any) -> str:
    """A stable id for a conversation whose export gives none, from what it holds."""
    digest = hashlib.sha256(json.dumps(parts, default=str, ensure_ascii=False).encode())
    return "derived-" + digest.hexdigest()[:24]


def text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise MalformedChat(f"{what} is a {type(value).__name__}, not text")
    return value


def optional_text(value: Any, what: str) -> str | None:
    return None if value is None else text(value, what)


def ident(value: Any, what: str) -> str:
    """A source id: text or a number, never empty."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedChat(f"{what} is {type(value).__name__}, not an id")
    if str(value) == "":
        raise MalformedChat(f"{what} is empty")
    return str(value)


def mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedChat(f"{what} is a {type(value).__name__}, not an object")
    return value


def array(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedChat(f"{what} is a {type(value).__name__}, not a list")
    return value


def listed(data: Any) -> list[Any]:
    """An export's conversations: a list of them, or one on its own."""
    return data if isinstance(data, list) else [data]


def conversation_entries(
    data: Any,
    refusal: str,
    title_of: Callable[[dict[str, Any]], Any],
    parse: Callable[[dict[str, Any]], SourceChat],
) -> Iterator[tuple[str | None, Callable[[], SourceChat]]]:
    """Each conversation's title and a deferred parse of it; ``refusal`` is the whole
    file's error when something in the list is not a conversation object."""
    items = listed(data)
    if not all(isinstance(i, dict) for i in items):
        raise MalformedFile(refusal)
    for item in items:
        title = title_of(item)
        yield (title if isinstance(title, str) else None), partial(parse, item)
