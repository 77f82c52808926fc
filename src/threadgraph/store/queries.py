"""Named Cypher queries, loaded once from ``cypher/queries/*.cypher``.

A file holds several queries, each under a ``// name: <name>`` line (the aiosql
convention, in Cypher's comment syntax). Queries take parameters only; nothing in them
is ever built from request data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import LiteralString

_NAME = re.compile(r"^//\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries:
    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts

    @classmethod
    def load(cls, directory: Path) -> Queries:
        texts: dict[str, str] = {}
        for path in sorted(directory.glob("*.cypher")):
            for name, text in parse(path.read_text(encoding="utf-8")):
                if name in texts:
                    raise ValueError(f"query {name!r} is defined twice (second in {path})")
                texts[name] = text
        if not texts:
            raise ValueError(f"no named queries found in {directory}")
        return cls(texts)

    def __getitem__(self, name: str) -> LiteralString:
        # The text comes from the repository's own files, never from a request: this is
        # the one place that vouches for it as a literal query for the driver.
        return self._texts[name]

    def names(self) -> list[str]:
        return sorted(self._texts)


def parse(source: str) -> list[tuple[str, str]]:
    """Split a file into (name, query) pairs; text before the first name is a comment."""
    matches = list(_NAME.finditer(source))
    pairs = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(source)
        body = source[match.end() : end].strip()
        if not body:
            raise ValueError(f"query {match.group(1)!r} is empty")
        pairs.append((match.group(1), body))
    return pairs
