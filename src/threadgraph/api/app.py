"""The FastAPI application: one store (one Neo4j driver) and one model catalog per
process, made at startup; replies in progress are stopped cleanly at shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from threadgraph import __version__
from threadgraph.api import (
    chats,
    errors,
    export,
    graph,
    health,
    imports,
    messages,
    model_list,
    openapi_errors,
    search,
    topics,
    web,
)
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_counter, shared_embedder
from threadgraph.embeddings.openai_embeddings import OpenAIEmbedder
from threadgraph.errors import ThreadgraphError
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.llm.local_model import LocalModel
from threadgraph.llm.openai_endpoint import OpenAIEndpoint
from threadgraph.ports import Embedder
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.context import ContextAssembler
from threadgraph.services.search import Search
from threadgraph.services.warm_up import WarmUp, start_warm_up
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


def build_embedder(settings: Settings) -> Embedder:
    if settings.embeddings == "openai":
        if not settings.model_endpoint:
            raise ThreadgraphError("THREADGRAPH_EMBEDDINGS=openai needs OPENAI_BASE_URL")
        return OpenAIEmbedder(
            settings.model_endpoint,
            settings.openai_api_key,
            settings.embedding_model,
            settings.embedding_dimension,
            settings.model_timeout_seconds,
        )
    return shared_embedder(settings.embedding_threads)


def check_embedding_dimension(store: Neo4jStore, embedder: Embedder) -> None:
    """Vectors of another size than the index's would never be found: refuse to start."""
    indexed = store.vector_index_dimension()
    if indexed is not None and indexed != embedder.dimension:
        raise ThreadgraphError(
            f"the embedder {embedder.name} makes {embedder.dimension}-dimensional vectors but "
            f"the vector index message_embedding holds {indexed} dimensions; use a "
            f"{indexed}-dimensional model or rebuild the index"
        )


def create_app(settings: Settings | None = None, catalog: ModelCatalog | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Neo4jStore.connect(settings)
        turns = None
        warming: WarmUp | None = None
        try:
            store.migrate()
            store.ensure_user(settings.local_user_id, settings.local_user_name)
            marked = store.mark_interrupted_replies()
            if marked:
                log.warning(
                    "marked %d reply(ies) cut off by the last shutdown as incomplete", marked
                )
            embedder = build_embedder(settings)
            check_embedding_dimension(store, embedder)
            counter = shared_counter()
            assembler = ContextAssembler(store, counter, settings)
            models = catalog or build_catalog(settings)
            turns = ChatTurns(store, models, settings, embedder, assembler)
            # The models load in the background: the server answers at once (liveness),
            # and /health/ready says 503 until they are loaded.
            warming = start_warm_up(
                embedder, counter, models, store, assembler, settings.warm_up_reads
            )
            app.state.store = store
            app.state.settings = settings
            app.state.turns = turns
            app.state.search = Search(store, embedder)
            app.state.embedder = embedder
            app.state.warm_up = warming
            yield
        finally:
            if warming is not None:
                warming.stop.set()
                warming.finished.wait(timeout=10)
            if turns is not None:
                turns.shutdown()
                turns.catalog.close()  # its HTTP connections, before they are collected
            store.close()

    app = FastAPI(
        title="threadgraph",
        version=__version__,
        summary="A conversation knowledge store: every chat kept as a branching graph in Neo4j.",
        lifespan=lifespan,
    )
    errors.install(app)
    openapi_errors.install(app)
    app.include_router(health.router)
    app.include_router(model_list.router)
    app.include_router(chats.router)
    app.include_router(messages.router)
    app.include_router(search.router)
    app.include_router(export.router)
    app.include_router(topics.router)
    app.include_router(graph.router)
    app.include_router(imports.router)
    web.install(app)  # last: the page and its static files come after every API route
    return app
