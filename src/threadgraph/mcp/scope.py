"""Who a tool call acts for, and where the services come from.

``Caller`` names the person from the request's context. Both transports pass the API's own
``get_user_id`` (in local mode, the one local user), so the MCP server and the JSON API
always act for the same person; when API keys arrive, the HTTP transport's caller reads
the key from the request (``ctx.request_context.request``), as the API's dependency will.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import Context

from threadgraph.wiring import Services

# The request context the SDK hands a tool or resource function that asks for one.
ToolContext = Context[Any, Any]
Caller = Callable[[ToolContext], str]
# The process's services: the app makes them in its lifespan, after the routes exist.
ServicesFn = Callable[[], Services]
