"""MCP over streamable HTTP at ``/mcp`` in the web app, with the API's caller.

Every request is signed in as the API's are (``api/deps.get_caller``: in local mode the
local user; with accounts a Bearer key, else 401 before the MCP server sees it), and
each tool acts as that person.

Stateless (a fresh transport per request, no session held in the process), so any
replica can answer any request, as for the rest of the API; JSON responses, since no tool
streams. The SDK guards against DNS rebinding when the app binds to loopback (only
``127.0.0.1``/``localhost`` Host and Origin headers are let in). Its session manager runs
inside the app's lifespan (``running``), after the services are made.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from threadgraph.api.deps import get_caller
from threadgraph.api.errors import error_response
from threadgraph.config import Settings
from threadgraph.errors import ThreadgraphError
from threadgraph.mcp.scope import ToolContext
from threadgraph.mcp.server import build_server
from threadgraph.wiring import Services

PATH = "/mcp"


def mount(app: FastAPI, settings: Settings) -> Callable[[], AbstractAsyncContextManager[None]]:
    """Add the ``/mcp`` route to the app; returns what the lifespan must run around
    serving (the SDK's session manager)."""

    def services() -> Services:
        made: Services = app.state.services
        return made

    def caller(ctx: ToolContext) -> str:
        request: Any = ctx.request_context.request
        user_id: str = request.scope["state"]["caller"].user_id
        return user_id

    server = build_server(services, caller)
    served = server.streamable_http_app(
        streamable_http_path=PATH, stateless_http=True, json_response=True, host=settings.host
    )
    # The SDK's route itself (an exact path: no redirect from /mcp to /mcp/, which MCP
    # clients do not follow), not a mounted sub-application.
    for route in served.routes:
        if isinstance(route, Route):
            route.app = _SignedIn(route.app, services)
    app.router.routes.extend(served.routes)
    return server.session_manager.run


class _SignedIn:
    """The MCP endpoint, reached only by a caller the API would let in."""

    def __init__(self, app: ASGIApp, services: Callable[[], Services]) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            try:
                # A key not yet in the cache is looked up in Neo4j: off the event loop.
                caller = await run_in_threadpool(get_caller, request, self.services())
            except ThreadgraphError as error:
                await error_response(error)(scope, receive, send)
                return
            scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)
