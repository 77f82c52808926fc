"""The FastAPI application: one store (one Neo4j driver) and one model catalog per
process, made at startup; replies in progress are stopped cleanly at shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from threadgraph import __version__
from threadgraph.api import chats, errors, health, messages, model_list
from threadgraph.config import Settings
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.llm.local_model import LocalModel
from threadgraph.llm.openai_endpoint import OpenAIEndpoint
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)


def build_catalog(settings: Settings) -> ModelCatalog:
    endpoint = (
        OpenAIEndpoint(
            settings.model_endpoint, settings.openai_api_key, settings.model_timeout_seconds
        )
        if settings.model_endpoint
        else None
    )
    local = (
        LocalModel(threads=settings.local_model_threads) if settings.local_model_enabled else None
    )
    return ModelCatalog(endpoint, local, settings.default_model)


def create_app(settings: Settings | None = None, catalog: ModelCatalog | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Neo4jStore.connect(settings)
        turns = None
        try:
            store.migrate()
            store.ensure_user(settings.local_user_id, settings.local_user_name)
            marked = store.mark_interrupted_replies()
            if marked:
                log.warning(
                    "marked %d reply(ies) cut off by the last shutdown as incomplete", marked
                )
            turns = ChatTurns(store, catalog or build_catalog(settings), settings)
            app.state.store = store
            app.state.settings = settings
            app.state.turns = turns
            yield
        finally:
            if turns is not None:
                turns.shutdown()
            store.close()

    app = FastAPI(
        title="threadgraph",
        version=__version__,
        summary="A conversation knowledge store: every chat kept as a branching graph in Neo4j.",
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(health.router)
    app.include_router(model_list.router)
    app.include_router(chats.router)
    app.include_router(messages.router)
    return app
