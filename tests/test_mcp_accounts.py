"""With accounts, /mcp signs its callers in as the API does: no key, no answer; a key's
tools act as its person, and see nothing of anyone else."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.accounts_helpers import Person, new_person

# The SDK's DNS-rebinding guard lets in loopback hosts only; a client states both.
MCP_HEADERS = {
    "Host": "127.0.0.1:8000",
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}


def call_tool(person: Person, tool: str, **arguments: Any) -> Any:
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }
    response = person.post("/mcp", headers=MCP_HEADERS, content=json.dumps(request))
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert not result.get("isError"), result
    return result["structuredContent"]


def test_mcp_tools_act_as_the_key_s_person_only(accounts_client: TestClient) -> None:
    alice, bob = new_person(accounts_client), new_person(accounts_client)
    alices = alice.chat("Alice's ginkgo notes")
    bobs = bob.chat("Bob's ginkgo notes")

    listed = json.dumps(call_tool(alice, "list_chats"))
    assert alices in listed
    assert bobs not in listed
    assert bobs in json.dumps(call_tool(bob, "list_chats"))

    unsigned = accounts_client.post(
        "/mcp",
        headers=MCP_HEADERS,
        content=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    )
    assert unsigned.status_code == 401
