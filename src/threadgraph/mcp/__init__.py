"""threadgraph as an MCP server: the history as tools and resources for agents, over
stdio (``threadgraph mcp``) and streamable HTTP (``/mcp`` in the web app)."""
