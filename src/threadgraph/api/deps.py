"""FastAPI dependencies: one alias per service of the process (``app.state.services``,
made by ``wiring.build_services``), and the caller.

Routers take the services they use from here, never one service from inside another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from threadgraph.config import Settings
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.ports import Embedder
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.client_history import ClientHistory
from threadgraph.services.context import ContextAssembler
from threadgraph.services.search import Search
from threadgraph.services.warm_up import WarmUp
from threadgraph.store import Neo4jStore
from threadgraph.wiring import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _service(name: str) -> Callable[[Services], object]:
    """A dependency giving one service of the process (the alias below types it)."""

    def get(services: ServicesDep) -> object:
        return getattr(services, name)

    get.__name__ = f"get_{name}"
    return get


StoreDep = Annotated[Neo4jStore, Depends(_service("store"))]
SettingsDep = Annotated[Settings, Depends(_service("settings"))]
TurnsDep = Annotated[ChatTurns, Depends(_service("turns"))]
SearchDep = Annotated[Search, Depends(_service("search"))]
EmbedderDep = Annotated[Embedder, Depends(_service("embedder"))]
CatalogDep = Annotated[ModelCatalog, Depends(_service("catalog"))]
AssemblerDep = Annotated[ContextAssembler, Depends(_service("assembler"))]
WarmUpDep = Annotated[WarmUp, Depends(_service("warm_up"))]
ClientHistoryDep = Annotated[ClientHistory, Depends(_service("client_history"))]


def get_user_id(settings: SettingsDep) -> str:
    """Local mode: every request acts as the one local user made at startup.

    Per-user API keys will replace this dependency; nothing below the API changes.
    """
    return settings.local_user_id


UserIdDep = Annotated[str, Depends(get_user_id)]
