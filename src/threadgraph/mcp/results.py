"""The MCP tools' results: structured content (each tool publishes its output schema),
in the JSON API's shapes where there is one (``api/schemas.py``), every chat and message
with ``link``, the web page's address of it relative to the threadgraph server
(``/#/chat/<chat id>[/<message id>]``, the page's own routes), and ``uri``, its MCP
resource (``threadgraph://chats/<id>``, ``threadgraph://messages/<id>``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from threadgraph.api.schemas import (
    ChatPublic,
    MemoryPublic,
    MessagePublic,
    PromptMessagePublic,
)
from threadgraph.models import Chat, Message
from threadgraph.services.fusion import Memory

CHAT_URI = "threadgraph://chats/{chat_id}"
MESSAGE_URI = "threadgraph://messages/{message_id}"


def chat_link(chat_id: str) -> str:
    return f"/#/chat/{chat_id}"


def message_link(chat_id: str, message_id: str) -> str:
    return f"/#/chat/{chat_id}/{message_id}"


class ChatItem(ChatPublic):
    link: str = Field(description="The chat in the web page, relative to the server")
    uri: str = Field(description="The chat as an MCP resource (its active branch)")

    @classmethod
    def of(cls, chat: Chat) -> ChatItem:
        return cls(
            **ChatPublic.of(chat).model_dump(),
            link=chat_link(chat.id),
            uri=CHAT_URI.format(chat_id=chat.id),
        )


class MessageItem(MessagePublic):
    link: str = Field(description="The message in its chat in the web page")
    uri: str = Field(description="The message as an MCP resource")

    @classmethod
    def of(cls, message: Message) -> MessageItem:
        return cls(
            **MessagePublic.of(message).model_dump(),
            link=message_link(message.chat_id, message.id),
            uri=MESSAGE_URI.format(message_id=message.id),
        )


class SearchHitItem(BaseModel):
    message_id: str
    chat_id: str
    chat_title: str
    role: str
    created_at: datetime
    snippet: str = Field(description="The message around its first matched word")
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) character ranges of matched words in the snippet"
    )
    score: float = Field(description="Reciprocal-rank fusion of the keyword and vector ranks")
    ranks: dict[str, int] = Field(description="Rank per method (keyword, vector), 1 = best")
    on_active_branch: bool = Field(description="Whether the chat's shown branch passes here")
    link: str
    uri: str


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHitItem]


class MemoryItem(MemoryPublic):
    link: str = Field(description="The remembered exchange in the web page")

    @classmethod
    def of(cls, memory: Memory) -> MemoryItem:
        hit = memory.hit
        public = MemoryPublic.of(memory).model_dump()
        return cls(**public, link=message_link(hit.chat_id, hit.prompt_id))


class ContextResult(BaseModel):
    question: str
    chat_id: str | None = Field(description="The chat asked in, if any (its branch is used)")
    memories: list[MemoryItem] = Field(
        description="Earlier exchanges recalled from the person's other chats, best first, "
        "with why (fused score, rank per retrieval method)"
    )
    branch: list[MessageItem] = Field(description="The chat's messages kept, oldest first")
    messages: list[PromptMessagePublic] = Field(
        description="Exactly what a model would be given (memories fenced as quoted history)"
    )


class ChatBranch(BaseModel):
    chat: ChatItem
    messages: list[MessageItem] = Field(description="The active branch, root to HEAD")


class ChatTree(BaseModel):
    chat_id: str
    head_id: str | None = Field(description="The leaf of the branch the web page shows")
    forked_from_id: str | None = Field(description="The message this chat continues from")
    link: str
    uri: str
    messages: list[MessageItem] = Field(
        description="Every message, parents before children; parent_id is the FOLLOWS edge, "
        "siblings under one parent are branches"
    )


class ChatListResult(BaseModel):
    chats: list[ChatItem] = Field(description="Most recently active first")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at the end")


class TopicItem(BaseModel):
    id: str
    name: str
    messages: int
    chats: int
    last_used: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> TopicItem:
        return cls(**row)


class TopicList(BaseModel):
    topics: list[TopicItem] = Field(description="The person's topics, most used first")


class TopicChat(BaseModel):
    chat_id: str
    title: str
    mentions: int = Field(description="Messages of this chat linked to the topic")
    first_mentioned: datetime
    last_mentioned: datetime
    message_ids: list[str] = Field(description="The linked messages, oldest first")
    link: str
    uri: str


class TopicChats(BaseModel):
    topic_id: str
    name: str
    chats: list[TopicChat] = Field(description="Chats where the topic came up, first one first")


class SavedNoteResult(BaseModel):
    chat_id: str = Field(description='The person\'s "Notes from agents" chat')
    heading_id: str = Field(description="The note's heading (the exchange's prompt)")
    note_id: str = Field(description="The note's text (the exchange's reply)")
    heading: str
    link: str
    uri: str
