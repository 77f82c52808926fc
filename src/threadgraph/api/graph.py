"""GET /api/graph: what the web app's graph view draws (see services/graph_view.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from threadgraph.api.deps import StoreDep, UserIdDep
from threadgraph.errors import InvalidInput
from threadgraph.services.graph_view import chat_view, history_view

router = APIRouter(prefix="/api", tags=["graph"])


@router.get("/graph")
def graph(
    store: StoreDep,
    user_id: UserIdDep,
    scope: Annotated[
        str,
        Query(
            description="chat (one chat's tree) or all (chats)",
            json_schema_extra={"enum": ["chat", "all"]},
        ),
    ] = "all",
    id: Annotated[str | None, Query(description="the chat's id, for scope=chat")] = None,
) -> dict[str, Any]:
    """Nodes ({id, kind, label, ...}) and edges ({source, target, kind, weight}); kinds:
    message, chat, topic / follows, head, forked_from, memory, about."""
    if scope == "chat":
        if not id:
            raise InvalidInput("scope=chat needs the chat's id")
        return chat_view(store, user_id, id)
    if scope == "all":
        return history_view(store, user_id)
    raise InvalidInput("scope must be chat or all")
