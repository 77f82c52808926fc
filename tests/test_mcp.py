"""MCP: the SDK's own client talks to threadgraph over both transports, `threadgraph mcp`
over stdio (a subprocess) and streamable HTTP at /mcp of a served app (a process), lists
the tools, calls each on a real history and reads the resources; another person's data
never appears, and their ids answer "not found"."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, TextResourceContents

from tests.fake_openai import FakeOpenAI, settings_with_fake_model
from tests.mcp_history import (
    KYOTO,
    LENTILS,
    SECRET,
    THEIRS,
    History,
    write_histories,
)
from tests.server_process import ServerProcess, process_env
from threadgraph.config import Settings
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore
from threadgraph.store.notes import NOTES_TITLE, notes_chat_id

TOOLS = {
    "search_history",
    "get_context",
    "read_chat",
    "read_chat_tree",
    "list_chats",
    "list_topics",
    "topic_chats",
    "save_note",
}
Connect = Callable[[], Any]  # an async context manager giving a connected Client


@pytest.fixture(scope="module")
def history(settings: Settings, fake_openai: FakeOpenAI) -> History:
    return write_histories(settings_with_fake_model(settings, fake_openai))


@pytest.fixture(scope="module", params=["stdio", "http"])
def connect(
    request: pytest.FixtureRequest, history: History, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Connect]:
    logs = tmp_path_factory.mktemp(f"mcp-{request.param}")
    if request.param == "stdio":
        yield lambda: over_stdio(history.owner, logs / "mcp.log")
        return
    server = ServerProcess(history.owner, logs / "server.log").start()
    try:
        yield lambda: Client(f"{server.url}/mcp", cache=None)
    finally:
        server.stop()


@asynccontextmanager
async def over_stdio(settings: Settings, log: Path) -> AsyncIterator[Client]:
    """`python -m threadgraph mcp` as the owner, as an MCP client starts it."""
    command = StdioServerParameters(
        command=sys.executable, args=["-m", "threadgraph", "mcp"], env=process_env(settings)
    )
    with log.open("w") as errors:
        async with Client(stdio_client(command, errlog=errors), cache=None) as client:
            yield client


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    structured: dict[str, Any] | None = result.structured_content
    assert structured is not None
    return structured


async def refused(client: Client, tool: str, **arguments: Any) -> str:
    """The tool's error message (the call must fail)."""
    result: CallToolResult = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    text = " ".join(getattr(block, "text", "") for block in result.content)
    return text


async def resource(client: Client, uri: str) -> dict[str, Any]:
    read = await client.read_resource(uri)
    (content,) = read.contents
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "application/json"
    parsed: dict[str, Any] = json.loads(content.text)
    return parsed


def test_every_tool_answers_from_the_callers_history(connect: Connect, history: History) -> None:
    seen: list[Any] = []  # every answer, checked below for the other person's data

    async def main() -> None:
        async with connect() as client:
            listed = await client.list_tools()
            assert {t.name for t in listed.tools} == TOOLS
            assert all(t.output_schema is not None and t.description for t in listed.tools)
            templates = await client.list_resource_templates()
            assert {t.uri_template for t in templates.resource_templates} == {
                "threadgraph://chats/{chat_id}",
                "threadgraph://messages/{message_id}",
            }

            found = await call(client, "search_history", query="kyoto")
            seen.append(found)
            prompt_id, chat = history.kyoto["prompt"]["id"], history.travel
            first = next(h for h in found["hits"] if h["message_id"] == prompt_id)
            assert first["chat_id"] == chat
            assert first["chat_title"] == "Travel"
            assert first["link"] == f"/#/chat/{chat}/{prompt_id}"
            assert first["uri"] == f"threadgraph://messages/{prompt_id}"
            assert first["on_active_branch"] is False  # the edit made another branch
            start, end = first["highlights"][0]
            assert first["snippet"][start:end].lower() == "kyoto"
            assert {h["chat_id"] for h in found["hits"]} == {chat}

            recalled = await call(client, "get_context", question=KYOTO)
            seen.append(recalled)
            memory = next(m for m in recalled["memories"] if m["prompt_id"] == prompt_id)
            assert memory["chat_id"] == chat
            assert memory["prompt"] == KYOTO
            assert memory["reply_id"] == history.kyoto["reply"]["id"]
            assert set(memory["ranks"]) <= {"vector", "keyword", "topic"}
            assert memory["link"] == f"/#/chat/{chat}/{prompt_id}"
            assert recalled["branch"] == []
            assert recalled["messages"][0]["role"] == "system"
            assert KYOTO in recalled["messages"][0]["content"]

            in_cooking = await call(
                client, "get_context", question="Anything for kyoto soup?", chat_id=history.cooking
            )
            seen.append(in_cooking)
            assert [m["content"] for m in in_cooking["branch"]][:1] == [LENTILS]
            assert all(m["chat_id"] != history.cooking for m in in_cooking["memories"])
            assert in_cooking["messages"][-1]["content"] == "Anything for kyoto soup?"

            read = await call(client, "read_chat", chat_id=chat)
            seen.append(read)
            assert [m["id"] for m in read["messages"]] == history.branch
            assert read["chat"]["link"] == f"/#/chat/{chat}"
            assert read["messages"][-1]["role"] == "assistant"
            tree = await call(client, "read_chat_tree", chat_id=chat)
            seen.append(tree)
            assert sorted(m["id"] for m in tree["messages"]) == sorted(history.tree)
            assert tree["head_id"] == history.branch[-1]
            assert len(history.tree) > len(history.branch)  # the tree has both branches

            chats = await call(client, "list_chats", limit=100)
            seen.append(chats)
            ids = [c["id"] for c in chats["chats"]]
            assert {chat, history.cooking} <= set(ids)
            topics = await call(client, "list_topics", limit=100)
            seen.append(topics)
            assert set(history.topics) <= {t["id"] for t in topics["topics"]}
            about = await call(client, "topic_chats", topic_id=history.topic["id"])
            seen.append(about)
            assert about["name"] == history.topic["name"]
            expected = {m["chat_id"] for m in history.topic["mentions"]}
            assert {c["chat_id"] for c in about["chats"]} == expected
            mentioned = [m["message"]["id"] for m in history.topic["mentions"]]
            assert sorted(i for c in about["chats"] for i in c["message_ids"]) == sorted(mentioned)

            as_resource = await resource(client, f"threadgraph://chats/{chat}")
            seen.append(as_resource)
            assert [m["id"] for m in as_resource["messages"]] == history.branch
            message = await resource(client, f"threadgraph://messages/{prompt_id}")
            seen.append(message)
            assert message["content"] == KYOTO
            assert message["chat_id"] == chat

    anyio.run(main)
    everything = json.dumps(seen)
    assert SECRET not in everything
    assert THEIRS not in everything
    assert not [i for i in history.other_ids if i in everything]


def test_a_saved_note_is_shown_and_recalled(
    connect: Connect, history: History, store: Neo4jStore
) -> None:
    # Each transport's note differs: a memory whose words are already in the block is
    # left out, so two identical notes (one per transport) would hide one another.
    note = f"They prefer aisle seats on long train rides, and a window on car {new_id()[:4]}."

    async def main() -> dict[str, Any]:
        async with connect() as client:
            saved = await call(client, "save_note", text=note, title="Train seats")
            assert saved["chat_id"] == notes_chat_id(history.owner.local_user_id)
            assert saved["heading"].endswith("Train seats")
            assert saved["link"] == f"/#/chat/{saved['chat_id']}/{saved['note_id']}"

            shown = await call(client, "read_chat", chat_id=saved["chat_id"])
            assert shown["chat"]["title"] == NOTES_TITLE
            assert [m["id"] for m in shown["messages"]][-2:] == [
                saved["heading_id"],
                saved["note_id"],
            ]
            assert shown["messages"][-1]["content"] == note
            recalled = await call(client, "get_context", question="Which seats on the train?")
            assert saved["note_id"] in [m["reply_id"] for m in recalled["memories"]]
            found = await call(client, "search_history", query="aisle seats")
            assert saved["note_id"] in [h["message_id"] for h in found["hits"]]

            assert "empty" in await refused(client, "save_note", text="   ")
            return saved

    saved = anyio.run(main)
    # What the web page reads: the chat is listed, the note is on its branch.
    listed = store.list_chats(history.owner.local_user_id, limit=200).chats
    assert NOTES_TITLE in [c.title for c in listed if c.id == saved["chat_id"]]
    branch = store.active_branch(history.owner.local_user_id, saved["chat_id"])
    assert branch[-1].content == note
    assert branch[-1].status.value == "complete"


def test_another_persons_ids_are_not_found(connect: Connect, history: History) -> None:
    theirs = history.other_chat
    their_topic = history.other_ids[-1]
    their_message = history.other_ids[1]

    async def main() -> None:
        async with connect() as client:
            for tool, arguments in [
                ("read_chat", {"chat_id": theirs}),
                ("read_chat_tree", {"chat_id": theirs}),
                ("search_history", {"query": "pelican", "chat_id": theirs}),
                ("get_context", {"question": "pelican", "chat_id": theirs}),
                ("topic_chats", {"topic_id": their_topic}),
            ]:
                assert "not found" in await refused(client, tool, **arguments), tool
            for uri in [f"threadgraph://chats/{theirs}", f"threadgraph://messages/{their_message}"]:
                with pytest.raises(MCPError, match="not found"):
                    await client.read_resource(uri)
            searched = await call(client, "search_history", query=f"{SECRET} pelican project")
            assert not [h for h in searched["hits"] if h["chat_id"] == theirs]
            assert "not found" in await refused(client, "read_chat", chat_id="nope")
            assert "limit" in await refused(client, "list_chats", limit=0)
            assert "empty" in await refused(client, "search_history", query="  ")

    anyio.run(main)
