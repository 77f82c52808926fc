"""The FastAPI application: the process's services (one store, one Neo4j driver, one
model catalog: ``wiring.build_services``) made at startup and kept in ``app.state.services``;
replies in progress are stopped cleanly at shutdown. The MCP server is served at ``/mcp``
(``mcp/http.py``) over the same services, its sessions run inside the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from threadgraph import __version__
from threadgraph.api import (
    accounts,
    chats,
    errors,
    export,
    graph,
    health,
    imports,
    messages,
    model_list,
    openai_v1,
    openapi_errors,
    search,
    sessions,
    topics,
    web,
)
from threadgraph.api.body_limit import MULTIPART_ROOM, BodyLimit
from threadgraph.api.bookmarks import BookmarkPassing
from threadgraph.api.deps import get_caller
from threadgraph.config import Settings
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.mcp import http as mcp_http
from threadgraph.services.warm_up import WarmUp, start_warm_up
from threadgraph.wiring import build_services


def create_app(settings: Settings | None = None, catalog: ModelCatalog | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings, catalog)
        warming: WarmUp | None = None
        try:
            services.prepare()
            # The models load in the background: the server answers at once (liveness),
            # and /health/ready says 503 until they are loaded.
            warming = services.warm_up = start_warm_up(
                services.embedder,
                services.counter,
                services.catalog,
                services.store,
                services.assembler,
                settings.warm_up_reads,
            )
            app.state.services = services
            async with mcp_sessions():  # /mcp answers while the services are up
                yield
        finally:
            if warming is not None:
                warming.stop.set()
                warming.finished.wait(timeout=10)
            services.close()

    app = FastAPI(
        title="threadgraph",
        version=__version__,
        summary="A conversation knowledge store: every chat kept as a branching graph in Neo4j.",
        lifespan=lifespan,
    )
    errors.install(app)
    # Bodies over their limit are refused as they arrive (api/body_limit.py).
    larger = {"/api/import": settings.import_max_bytes + MULTIPART_ROOM}
    app.add_middleware(BodyLimit, default=settings.max_body_bytes, per_path=larger)
    # A person's writes are visible to their next read on any replica (api/bookmarks.py).
    app.add_middleware(BookmarkPassing)
    openapi_errors.install(app)
    app.include_router(health.router)
    app.include_router(sessions.router)  # signing in needs no caller; signing out does
    # Every /api and /v1 route acts as a caller (api/deps.get_caller): with accounts, a
    # request that is not signed in gets 401 before any route runs.
    signed_in = [Depends(get_caller)]
    for routes in (
        model_list,
        chats,
        messages,
        search,
        export,
        topics,
        graph,
        imports,
        accounts,
        openai_v1,
    ):
        app.include_router(routes.router, dependencies=signed_in)
    mcp_sessions = mcp_http.mount(app, settings)  # /mcp: the MCP server, streamable HTTP
    web.install(app)  # last: the page and its static files come after every API route
    return app
