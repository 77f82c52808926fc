"""The MCP tools: the person's history for an agent, through the same services as the
JSON API (search, context assembly, the store's chat and topic reads, notes).

Every tool acts as the caller (``Caller``: the same person the API's ``get_user_id``
gives), so another person's chat, message or topic id answers "not found", exactly as
the API's 404. The functions are synchronous, as the services are: the SDK runs each call
on a worker thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from threadgraph.api.schemas import PromptMessagePublic
from threadgraph.mcp.errors import tool_errors
from threadgraph.mcp.results import (
    CHAT_URI,
    MESSAGE_URI,
    ChatBranch,
    ChatItem,
    ChatListResult,
    ChatTree,
    ContextResult,
    MemoryItem,
    MessageItem,
    SavedNoteResult,
    SearchHitItem,
    SearchResults,
    TopicChat,
    TopicChats,
    TopicItem,
    TopicList,
    chat_link,
    message_link,
)
from threadgraph.mcp.scope import Caller, ServicesFn, ToolContext
from threadgraph.models import Message

READING = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITING = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)

ChatId = Annotated[str, Field(description="A chat's id (a UUID), as the other tools give it")]
Limit = Annotated[int, Field(ge=1, le=100, description="How many at most")]


def register_tools(server: MCPServer[Any], services: ServicesFn, caller: Caller) -> None:
    @server.tool(annotations=READING)
    def search_history(
        query: Annotated[str, Field(description="Words or a question")],
        ctx: ToolContext,
        limit: Limit = 10,
        chat_id: Annotated[str | None, Field(description="Only this chat")] = None,
        role: Annotated[
            Literal["user", "assistant", "system"] | None, Field(description="Only these")
        ] = None,
        since: Annotated[datetime | None, Field(description="Written at or after")] = None,
        until: Annotated[datetime | None, Field(description="Written before")] = None,
    ) -> SearchResults:
        """Search all of the person's chats by words (full text, English stemming) and by
        meaning (vectors), fused; each hit with a snippet, its chat and a link."""
        with tool_errors():
            found = services().search.search(caller(ctx), query, limit, chat_id, role, since, until)
        return SearchResults(
            query=query,
            hits=[
                SearchHitItem(
                    message_id=r.hit.message.id,
                    chat_id=r.hit.message.chat_id,
                    chat_title=r.hit.chat_title,
                    role=r.hit.message.role.value,
                    created_at=r.hit.message.created_at,
                    snippet=r.snippet,
                    highlights=r.highlights,
                    score=r.score,
                    ranks=r.ranks,
                    on_active_branch=r.hit.on_active_branch,
                    link=message_link(r.hit.message.chat_id, r.hit.message.id),
                    uri=MESSAGE_URI.format(message_id=r.hit.message.id),
                )
                for r in found
            ],
        )

    @server.tool(annotations=READING)
    def get_context(
        question: Annotated[str, Field(description="What the person asks or is working on")],
        ctx: ToolContext,
        chat_id: Annotated[
            str | None, Field(description="Ask as the next prompt of this chat (its branch too)")
        ] = None,
        k: Annotated[int | None, Field(ge=0, le=50, description="Memories at most")] = None,
    ) -> ContextResult:
        """The context threadgraph would give a model for this question: the earlier
        exchanges it recalls from the person's chats, each with its provenance (chat,
        date, fused score, rank per retrieval method). Nothing is stored."""
        with tool_errors():
            own = services()
            options = own.assembler.options(k=k)
            context = own.agent_memory.context(caller(ctx), question, chat_id, options)
        return ContextResult(
            question=question,
            chat_id=chat_id,
            memories=[MemoryItem.of(m) for m in context.memories],
            branch=[MessageItem.of(m) for m in context.branch if m.id != "draft"],
            messages=[
                PromptMessagePublic(role=m.role, content=m.content) for m in context.messages
            ],
        )

    @server.tool(annotations=READING)
    def read_chat(chat_id: ChatId, ctx: ToolContext) -> ChatBranch:
        """A chat and its active branch (the messages the web page shows, root to HEAD),
        in full."""
        with tool_errors():
            chat, branch = services().store.chat_with_branch(caller(ctx), chat_id)
        return ChatBranch(chat=ChatItem.of(chat), messages=[MessageItem.of(m) for m in branch])

    @server.tool(annotations=READING)
    def read_chat_tree(chat_id: ChatId, ctx: ToolContext) -> ChatTree:
        """Every message of a chat, every branch (edited prompts, regenerated replies):
        parent_id links each message to the one it answers."""
        with tool_errors():
            tree = services().store.chat_tree(caller(ctx), chat_id)
        return ChatTree(
            chat_id=tree.chat_id,
            head_id=tree.head_id,
            forked_from_id=tree.forked_from_id,
            link=chat_link(tree.chat_id),
            uri=CHAT_URI.format(chat_id=tree.chat_id),
            messages=[MessageItem.of(m) for m in tree.messages],
        )

    @server.tool(annotations=READING)
    def list_chats(
        ctx: ToolContext,
        limit: Limit = 20,
        cursor: Annotated[str | None, Field(description="next_cursor of the page before")] = None,
    ) -> ChatListResult:
        """The person's chats, most recently active first, a page at a time."""
        with tool_errors():
            page = services().store.list_chats(caller(ctx), limit=limit, cursor=cursor)
        return ChatListResult(
            chats=[ChatItem.of(c) for c in page.chats], next_cursor=page.next_cursor
        )

    @server.tool(annotations=READING)
    def list_topics(ctx: ToolContext, limit: Limit = 50) -> TopicList:
        """The person's topics (found in their chats), most used first."""
        with tool_errors():
            rows = services().store.list_topics(caller(ctx), limit)
        return TopicList(topics=[TopicItem.of(r) for r in rows])

    @server.tool(annotations=READING)
    def topic_chats(
        topic_id: Annotated[str, Field(description="A topic's id, from list_topics")],
        ctx: ToolContext,
    ) -> TopicChats:
        """The chats where a topic came up, with the messages linked to it."""
        with tool_errors():
            name, mentions = services().store.topic_detail(caller(ctx), topic_id)
        return TopicChats(topic_id=topic_id, name=name, chats=by_chat(mentions))

    @server.tool(annotations=WRITING)
    def save_note(
        text: Annotated[str, Field(description="The note, in words the person will read")],
        ctx: ToolContext,
        title: Annotated[
            str | None, Field(description="What it is about (default: its first line)")
        ] = None,
    ) -> SavedNoteResult:
        """Save a note to the person's memory: it appears in their chat "Notes from
        agents" in the web page, and later chats and searches recall it like any
        exchange."""
        with tool_errors():
            saved = services().agent_memory.save_note(caller(ctx), text, title, client_name(ctx))
        return SavedNoteResult(
            chat_id=saved.chat.id,
            heading_id=saved.heading.id,
            note_id=saved.note.id,
            heading=saved.heading.content,
            link=message_link(saved.chat.id, saved.note.id),
            uri=MESSAGE_URI.format(message_id=saved.note.id),
        )


def by_chat(mentions: list[tuple[Message, str, float]]) -> list[TopicChat]:
    """A topic's mentions (oldest first) grouped by chat, in order of first mention."""
    chats: dict[str, TopicChat] = {}
    for message, title, _score in mentions:
        seen = chats.get(message.chat_id)
        if seen is None:
            chats[message.chat_id] = TopicChat(
                chat_id=message.chat_id,
                title=title,
                mentions=1,
                first_mentioned=message.created_at,
                last_mentioned=message.created_at,
                message_ids=[message.id],
                link=chat_link(message.chat_id),
                uri=CHAT_URI.format(chat_id=message.chat_id),
            )
        else:
            seen.mentions += 1
            seen.last_mentioned = message.created_at
            seen.message_ids.append(message.id)
    return list(chats.values())


def client_name(ctx: ToolContext) -> str | None:
    """The MCP client's name as it introduced itself, when it did (a note says who
    saved it)."""
    try:
        params = ctx.request_context.session.client_params
    except (AttributeError, ValueError):
        return None
    return params.client_info.name if params is not None else None
