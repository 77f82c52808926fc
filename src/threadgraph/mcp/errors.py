"""threadgraph's errors as MCP answers: a tool's is an error result the model reads
(``isError`` with the message, e.g. "chat ... not found"), a resource's a protocol error
(not found: -32602 invalid params, as the SDK does; anything else: -32603). Anything else
raised is the SDK's "unexpected" error, whose text stays in the server's log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError

from threadgraph.errors import NotFound, ThreadgraphError


@contextmanager
def tool_errors() -> Iterator[None]:
    try:
        yield
    except ThreadgraphError as error:
        raise ToolError(error.message) from error


@contextmanager
def resource_errors() -> Iterator[None]:
    try:
        yield
    except NotFound as error:
        raise ResourceNotFoundError(error.message) from error
    except ThreadgraphError as error:
        raise ResourceError(error.message) from error
