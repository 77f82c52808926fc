"""``threadgraph mcp``: the MCP server over standard input and output, for clients that
start it themselves (Claude Desktop, editors, the SDK's stdio client).

It opens the services like any command, acting as the API's local user; with accounts
(THREADGRAPH_AUTH=accounts) as the person whose API key is in THREADGRAPH_API_KEY. It writes no
replies, so it does not run a server's start-up (``Services.prepare``: marking replies
whose writer died, leasing its own): the schema is migrated, the local user made and the
embedder's size checked, as a command does. It can run beside a server. Standard output
belongs to the protocol: everything else goes to standard error.
"""

from __future__ import annotations

import logging
import os
import sys

import anyio

from threadgraph.config import Settings
from threadgraph.mcp.scope import ToolContext
from threadgraph.mcp.server import build_server
from threadgraph.wiring import Services, open_services


def serve_stdio(settings: Settings) -> None:
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    with open_services(settings) as services:
        services.store.migrate()
        services.store.ensure_user(settings.local_user_id, settings.local_user_name)
        services.check_embedding_dimension()

        def own() -> Services:
            return services

        user_id = settings.local_user_id
        if settings.accounts:
            # Checked once, at start: a wrong or revoked key stops the server here.
            user_id = services.keys.caller(os.environ.get("THREADGRAPH_API_KEY", "")).user_id

        def caller(_: ToolContext) -> str:
            return user_id

        anyio.run(build_server(own, caller).run_stdio_async)
