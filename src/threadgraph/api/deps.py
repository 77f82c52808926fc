"""FastAPI dependencies: one alias per service of the process (``app.state.services``,
made by ``wiring.build_services``), and the caller.

Routers take the services they use from here, never one service from inside another.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from threadgraph.config import Settings
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.ports import Embedder
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.context import ContextAssembler
from threadgraph.services.search import Search
from threadgraph.services.warm_up import WarmUp
from threadgraph.store import Neo4jStore
from threadgraph.wiring import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_store(services: ServicesDep) -> Neo4jStore:
    return services.store


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_turns(services: ServicesDep) -> ChatTurns:
    return services.turns


def get_search(services: ServicesDep) -> Search:
    return services.search


def get_embedder(services: ServicesDep) -> Embedder:
    return services.embedder


def get_catalog(services: ServicesDep) -> ModelCatalog:
    return services.catalog


def get_assembler(services: ServicesDep) -> ContextAssembler:
    return services.assembler


def get_warm_up(services: ServicesDep) -> WarmUp:
    return services.warm_up


def get_user_id(settings: Annotated[Settings, Depends(get_settings)]) -> str:
    """Local mode: every request acts as the one local user made at startup.

    Per-user API keys will replace this dependency; nothing below the API changes.
    """
    return settings.local_user_id


StoreDep = Annotated[Neo4jStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TurnsDep = Annotated[ChatTurns, Depends(get_turns)]
SearchDep = Annotated[Search, Depends(get_search)]
EmbedderDep = Annotated[Embedder, Depends(get_embedder)]
CatalogDep = Annotated[ModelCatalog, Depends(get_catalog)]
AssemblerDep = Annotated[ContextAssembler, Depends(get_assembler)]
WarmUpDep = Annotated[WarmUp, Depends(get_warm_up)]
UserIdDep = Annotated[str, Depends(get_user_id)]
