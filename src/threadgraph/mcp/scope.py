"""Who a tool call acts for, and where the services come from.

``Caller`` names the person from the request's context. Over HTTP it is the API's own
caller (``api/deps.get_caller``, checked before the MCP server sees the request: the local
user, or with accounts the person whose key signs the request); over stdio the local
user, or with accounts the person whose key is in THREADGRAPH_API_KEY.
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
