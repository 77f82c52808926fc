"""Direct reads of the graph, so tests check what is stored, not only what the store says."""

from __future__ import annotations

from typing import Any

from neo4j import Driver


def count_nodes_of_user(driver: Driver, database: str, user_id: str) -> dict[str, int]:
    records, _, _ = driver.execute_query(
        """
        MATCH (u:User {id: $user_id})
        OPTIONAL MATCH (c:Chat)-[:BELONGS_TO]->(u)
        OPTIONAL MATCH (m:Message {user_id: $user_id})
        RETURN count(DISTINCT c) AS chats, count(DISTINCT m) AS messages
        """,
        user_id=user_id,
        database_=database,
    )
    return {"chats": records[0]["chats"], "messages": records[0]["messages"]}


def rows(driver: Driver, database: str, query: Any, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, params, database_=database)
    return [record.data() for record in records]
