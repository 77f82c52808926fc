"""Histories a client resends whole (the OpenAI-compatible endpoint): finding how much
of one the graph already holds (``histories.cypher``)."""

from __future__ import annotations

from dataclasses import dataclass

from threadgraph.store.session import Tx


@dataclass(frozen=True)
class Match:
    message_id: str  # the deepest stored message that matches
    chat_id: str
    matched: int  # how many of the resent messages it covers, from the first


def deepest_match(
    tx: Tx, user_id: str, turns: list[tuple[str, str]], chat_id: str | None
) -> Match | None:
    """The stored branch that follows ``turns`` (role, content) furthest from its start,
    or None when not even the first is stored."""
    if not turns:
        return None
    row = tx.one(
        "histories.deepest_match",
        user_id=user_id,
        roles=[role for role, _ in turns],
        contents=[content for _, content in turns],
        chat_id=chat_id,
    )
    if row is None:
        return None
    return Match(row["message_id"], row["chat_id"], int(row["matched"]))
