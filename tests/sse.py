"""Reading server-sent events in tests."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def parse_events(lines: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    kind, data = None, []
    for line in lines:
        if line.startswith("event: "):
            kind = line[len("event: ") :]
        elif line.startswith("data: "):
            data.append(line[len("data: ") :])
        elif line == "" and kind is not None:
            yield kind, json.loads("\n".join(data))
            kind, data = None, []


def text_of(events: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(d["text"] for k, d in events if k == "delta")
