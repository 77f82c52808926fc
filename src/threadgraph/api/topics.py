"""Topics: the caller's topics, one topic over time, a chat's topics and related chats."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from threadgraph.api.deps import StoreDep, UserIdDep
from threadgraph.api.schemas import MessagePublic

router = APIRouter(prefix="/api", tags=["topics"])


class TopicSummary(BaseModel):
    id: str
    name: str
    messages: int
    chats: int
    last_used: datetime


class TopicMention(BaseModel):
    chat_id: str
    chat_title: str
    score: float
    message: MessagePublic


class TopicDetail(BaseModel):
    id: str
    name: str
    mentions: list[TopicMention]  # oldest first: where it came up over time


class ChatTopic(BaseModel):
    id: str
    name: str
    messages: int
    score: float


class RelatedChat(BaseModel):
    chat_id: str
    title: str
    shared: int
    topics: list[str]


@router.get("/topics", response_model=list[TopicSummary])
def list_topics(
    store: StoreDep, user_id: UserIdDep, limit: int = Query(default=100, ge=1, le=1000)
) -> list[TopicSummary]:
    return [TopicSummary(**t) for t in store.list_topics(user_id, limit)]


@router.get("/topics/{topic_id}", response_model=TopicDetail)
def topic_detail(topic_id: str, store: StoreDep, user_id: UserIdDep) -> TopicDetail:
    name, mentions = store.topic_detail(user_id, topic_id)
    return TopicDetail(
        id=topic_id,
        name=name,
        mentions=[
            TopicMention(
                chat_id=m.chat_id, chat_title=title, score=score, message=MessagePublic.of(m)
            )
            for m, title, score in mentions
        ],
    )


@router.get("/chats/{chat_id}/topics", response_model=list[ChatTopic])
def chat_topics(chat_id: str, store: StoreDep, user_id: UserIdDep) -> list[ChatTopic]:
    return [ChatTopic(**t) for t in store.chat_topics(user_id, chat_id)]


@router.get("/chats/{chat_id}/related", response_model=list[RelatedChat])
def related_chats(chat_id: str, store: StoreDep, user_id: UserIdDep) -> list[RelatedChat]:
    """Chats that share topics with this one, most shared first."""
    return [RelatedChat(**r) for r in store.related_chats(user_id, chat_id)]
