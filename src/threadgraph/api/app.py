"""The FastAPI application: one store (one Neo4j driver) per process, made at startup."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from threadgraph import __version__
from threadgraph.api import errors, health
from threadgraph.config import Settings
from threadgraph.store import Neo4jStore


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Neo4jStore.connect(settings)
        try:
            store.migrate()
            store.ensure_user(settings.local_user_id, settings.local_user_name)
            app.state.store = store
            app.state.settings = settings
            yield
        finally:
            store.close()

    app = FastAPI(
        title="threadgraph",
        version=__version__,
        summary="A conversation knowledge store: every chat kept as a branching graph in Neo4j.",
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(health.router)
    return app
