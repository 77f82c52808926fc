"""Reading an imported chat back by the export's own ids, to compare with the fixture."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import Driver

from threadgraph.services.imports.service import ImportSummary

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def what_came_in(summary: ImportSummary) -> tuple[str, int, int]:
    """An import's format, chats imported and messages written: what most tests check first."""
    return summary.format, summary.chats_imported, summary.messages_imported


@dataclass(frozen=True)
class Imported:
    chat: dict[str, Any]
    head: str | None  # source id of the HEAD message
    parent: dict[str, str | None]  # source id -> parent's source id
    messages: dict[str, dict[str, Any]]  # source id -> stored properties
    children: dict[str | None, list[str]]  # parent source id -> children in sibling order


def imported_chat(
    driver: Driver, user_id: str, source: str, source_id: str, chat_id: str | None = None
) -> Imported:
    """``chat_id`` picks one of several chats of the same source id (a fragment)."""
    records, _, _ = driver.execute_query(
        """
        MATCH (c:Chat {source: $source, source_id: $source_id})
              -[:BELONGS_TO]->(:User {id: $user_id})
        WHERE $chat_id IS NULL OR c.id = $chat_id
        OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
        OPTIONAL MATCH (m:Message)-[:BELONGS_TO]->(c)
        OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
        WITH c, h, m, p ORDER BY m.created_at, m.id
        RETURN properties(c) AS chat, h.source_id AS head,
               collect({message: properties(m), parent: p.source_id}) AS messages
        """,
        user_id=user_id,
        source=source,
        source_id=source_id,
        chat_id=chat_id,
    )
    assert len(records) == 1, f"chat {source_id} not imported exactly once"
    row = records[0]
    messages: dict[str, dict[str, Any]] = {}
    parent: dict[str, str | None] = {}
    children: dict[str | None, list[str]] = {}
    for item in row["messages"]:
        props = {k: _native(v) for k, v in item["message"].items()}
        messages[props["source_id"]] = props
        parent[props["source_id"]] = item["parent"]
        children.setdefault(item["parent"], []).append(props["source_id"])
    chat = {k: _native(v) for k, v in row["chat"].items()}
    return Imported(chat, row["head"], parent, messages, children)


def count_nodes(driver: Driver, user_id: str) -> tuple[int, int, int]:
    """(chats, messages, relationships touching them) of one person."""
    records, _, _ = driver.execute_query(
        """
        MATCH (u:User {id: $user_id})
        CALL (u) { MATCH (c:Chat)-[:BELONGS_TO]->(u) RETURN count(c) AS chats }
        CALL () { MATCH (m:Message {user_id: $user_id}) RETURN count(m) AS messages }
        CALL () { MATCH (m:Message {user_id: $user_id})-[r]-() RETURN count(r) AS rels }
        RETURN chats, messages, rels
        """,
        user_id=user_id,
    )
    row = records[0]
    return int(row["chats"]), int(row["messages"]), int(row["rels"])


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value
