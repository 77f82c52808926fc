"""FastAPI dependencies: the process-wide store and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from threadgraph.config import Settings
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.store import Neo4jStore


def get_store(request: Request) -> Neo4jStore:
    store: Neo4jStore = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_turns(request: Request) -> ChatTurns:
    turns: ChatTurns = request.app.state.turns
    return turns


def get_user_id(request: Request) -> str:
    """Local mode: every request acts as the one local user made at startup.

    Per-user API keys will replace this dependency; nothing below the API changes.
    """
    user_id: str = request.app.state.settings.local_user_id
    return user_id


StoreDep = Annotated[Neo4jStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
UserIdDep = Annotated[str, Depends(get_user_id)]
TurnsDep = Annotated[ChatTurns, Depends(get_turns)]
