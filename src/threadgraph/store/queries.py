"""Named Cypher queries: package data in ``threadgraph/cypher/queries``, loaded once.

One file per store aggregate (``chats.cypher`` for ``store/chats.py``). A query is named
``<file>.<name>`` from its file and a ``// name: <name>`` line above it (the aiosql
convention, in Cypher's comment syntax), so ``chats.get`` reads as where it lives.

A ``// fragment: <name>(<var>)`` block is a projection written once and used as
``@<name>(<var>)`` in any query: one message is spelled out in one place, not a dozen.
Fragments are expanded at load, from the package's own files, never from request data.

At load each query's ``$parameters`` are recorded; a call with a missing or an unknown one
fails at once (:class:`QueryCallError`, a programming error), instead of a Neo4j error at
run time or, worse, a silent null.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString

PACKAGE_CYPHER = Path(__file__).resolve().parent.parent / "cypher"
QUERIES_DIR = PACKAGE_CYPHER / "queries"
MIGRATIONS_DIR = PACKAGE_CYPHER / "migrations"

_NAME = re.compile(r"^//\s*(name|fragment):\s*([a-z_][a-z0-9_]*)(?:\((\w+)\))?\s*$", re.MULTILINE)
_USE = re.compile(r"//[^\n]*|@([a-z_][a-z0-9_]*)\((\w+)\)")  # a comment is left as it is
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Comments and string literals, where a `$word` is not a parameter.
_NOT_CODE = re.compile(r"//[^\n]*|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`")


class QueryCallError(TypeError):
    """A query called with parameters it does not take, or without ones it needs."""


@dataclass(frozen=True)
class Query:
    name: str
    text: LiteralString
    parameters: frozenset[str]

    def check(self, given: Iterable[str]) -> None:
        given = set(given)
        missing, unknown = self.parameters - given, given - self.parameters
        if missing or unknown:
            raise QueryCallError(
                f"query {self.name}: missing {sorted(missing)}, unknown {sorted(unknown)}"
            )


@dataclass(frozen=True)
class _Fragment:
    variable: str
    body: str

    def expand(self, variable: str) -> str:
        code = "\n".join(line for line in self.body.splitlines() if not line.startswith("//"))
        return re.sub(rf"\b{re.escape(self.variable)}\b", variable, code)


class Queries:
    def __init__(self, queries: dict[str, Query]) -> None:
        self._queries = queries

    @classmethod
    def load(cls, directory: Path = QUERIES_DIR) -> Queries:
        blocks: list[tuple[str, str, str, str | None, str]] = []  # file, kind, name, var, body
        for path in sorted(directory.glob("*.cypher")):
            blocks += [(path.stem, *block) for block in parse(path.read_text(encoding="utf-8"))]
        fragments = {
            name: _Fragment(var or "", body)
            for _, kind, name, var, body in blocks
            if kind == "fragment"
        }
        queries: dict[str, Query] = {}
        for namespace, kind, name, _, body in blocks:
            if kind != "name":
                continue
            full = f"{namespace}.{name}"
            if full in queries:
                raise ValueError(f"query {full!r} is defined twice")
            text = _expand(body, fragments, full)
            queries[full] = Query(full, text, parameters_of(text))
        if not queries:
            raise ValueError(f"no named queries found in {directory}")
        return cls(queries)

    def __getitem__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise QueryCallError(f"there is no query named {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self._queries)


def parse(source: str) -> list[tuple[str, str, str | None, str]]:
    """Split a file into (kind, name, variable, text) blocks; text before the first block
    is the file's comment."""
    matches = list(_NAME.finditer(source))
    blocks = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(source)
        body = source[match.end() : end].strip()
        kind, name, variable = match.group(1), match.group(2), match.group(3)
        if not body:
            raise ValueError(f"{kind} {name!r} is empty")
        if kind == "fragment" and variable is None:
            raise ValueError(f"fragment {name!r} names no variable: // fragment: {name}(m)")
        blocks.append((kind, name, variable, body))
    return blocks


def parameters_of(text: str) -> frozenset[str]:
    return frozenset(_PARAMETER.findall(_NOT_CODE.sub(" ", text)))


def _expand(text: str, fragments: dict[str, _Fragment], where: str) -> str:
    def use(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)
        fragment = fragments.get(match.group(1))
        if fragment is None:
            raise ValueError(f"query {where} uses an unknown fragment @{match.group(1)}")
        return fragment.expand(match.group(2))

    return _USE.sub(use, text)
