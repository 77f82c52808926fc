"""MCP over streamable HTTP at ``/mcp`` in the web app, with the API's caller.

Stateless (a fresh transport per request, no session held in the process), so any
replica can answer any request, as for the rest of the API; JSON responses, since no tool
streams. The SDK guards against DNS rebinding when the app binds to loopback (only
``127.0.0.1``/``localhost`` Host and Origin headers are let in). Its session manager runs
inside the app's lifespan (``running``), after the services are made.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from threadgraph.api.deps import get_user_id
from threadgraph.config import Settings
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

    def caller(_: ToolContext) -> str:
        return get_user_id(settings)

    server = build_server(services, caller)
    served = server.streamable_http_app(
        streamable_http_path=PATH, stateless_http=True, json_response=True, host=settings.host
    )
    # The SDK's route itself (an exact path: no redirect from /mcp to /mcp/, which MCP
    # clients do not follow), not a mounted sub-application.
    app.router.routes.extend(served.routes)
    return server.session_manager.run
