"""The MCP resources: a chat (with its active branch) and a message, as JSON, read as
the caller (another person's id is "not found")."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from threadgraph.mcp.errors import resource_errors
from threadgraph.mcp.results import CHAT_URI, MESSAGE_URI, ChatBranch, ChatItem, MessageItem
from threadgraph.mcp.scope import Caller, ServicesFn, ToolContext

JSON = "application/json"


def register_resources(server: MCPServer[Any], services: ServicesFn, caller: Caller) -> None:
    @server.resource(CHAT_URI, name="chat", title="A chat and its active branch", mime_type=JSON)
    def chat(chat_id: str, ctx: ToolContext) -> str:
        with resource_errors():
            found, branch = services().store.chat_with_branch(caller(ctx), chat_id)
        return ChatBranch(
            chat=ChatItem.of(found), messages=[MessageItem.of(m) for m in branch]
        ).model_dump_json()

    @server.resource(MESSAGE_URI, name="message", title="One message", mime_type=JSON)
    def message(message_id: str, ctx: ToolContext) -> str:
        with resource_errors():
            found = services().store.get_message(caller(ctx), message_id)
        return MessageItem.of(found).model_dump_json()
