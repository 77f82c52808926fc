"""The domain records services and the store pass around (no HTTP, no Cypher)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class Status(StrEnum):
    STREAMING = "streaming"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    FAILED = "failed"


@dataclass(frozen=True)
class TopicLink:
    """A topic found in an exchange, to be linked to its messages (``message_ids``)."""

    name: str
    normalized: str
    embedding: list[float]
    message_ids: list[str]
    score: float


@dataclass(frozen=True)
class User:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Chat:
    id: str
    title: str
    model: str | None
    created_at: datetime
    updated_at: datetime
    head_id: str | None
    forked_from_id: str | None = None  # the message this chat continues from
    title_source: str = "user"  # default | generated | user | fork


@dataclass(frozen=True)
class Message:
    id: str
    chat_id: str
    parent_id: str | None
    user_id: str
    role: Role
    content: str
    status: Status
    model: str | None
    created_at: datetime
    tokens: int | None = None
    prompt_tokens: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class NewMessage:
    """What a caller asks the store to append; the store fills in time and placement."""

    role: Role
    content: str
    id: str | None = None
    status: Status = Status.COMPLETE
    model: str | None = None
    tokens: int | None = None
    embedding: list[float] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ChatTree:
    chat_id: str
    head_id: str | None
    messages: list[Message]
    forked_from_id: str | None = None


@dataclass(frozen=True)
class ChatPage:
    chats: list[Chat]
    next_cursor: str | None


@dataclass(frozen=True)
class TurnStart:
    """A prompt and the reply being written to it, as committed before any model runs."""

    prompt: Message
    reply: Message
    created: bool  # False when a retried prompt id found the turn already there


@dataclass(frozen=True)
class ContextSource:
    """One thing a reply was built from: a USED_CONTEXT edge."""

    message_id: str
    via: str  # "branch" or "memory"
    score: float
    rank: int


@dataclass(frozen=True)
class Turn:
    """One message beside a memory hit: enough to quote it."""

    id: str
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class MemoryHit:
    """An earlier exchange found by one retrieval method."""

    via: str  # "vector", "keyword" or "topic"
    score: float
    chat_id: str
    chat_title: str
    prompt_id: str
    prompt: str
    reply_id: str
    reply: str
    created_at: datetime
    message_id: str = ""  # the message the method found (its prompt or its reply); "" = the prompt
    neighbours: tuple[Turn, ...] = ()  # the messages just before and after it on its branch

    @property
    def found_id(self) -> str:
        return self.message_id or self.prompt_id

    @property
    def found_is_prompt(self) -> bool:
        return self.found_id == self.prompt_id


@dataclass(frozen=True)
class Unembedded:
    """A stored message still without a vector, with the turn it answers (its vector is
    made of both: embeddings/message_text.py)."""

    id: str
    content: str
    answered: str | None


@dataclass(frozen=True)
class ExchangeToTag:
    """An imported prompt and its reply still without topics, with the reply's vector
    when the embedding pass made it (it stands for the exchange: the reply read with its
    prompt, embeddings/message_text.py), so topics need not embed the exchange again."""

    prompt_id: str
    prompt: str
    reply_id: str
    reply: str
    reply_embedding: list[float] | None


@dataclass(frozen=True)
class WarmUpSubject:
    """A stored prompt whose context the server assembles to warm up after a start."""

    user_id: str
    chat_id: str
    message_id: str
    content: str
    embedding: list[float]


@dataclass(frozen=True)
class Provenance:
    message: Message
    chat_title: str
    via: str
    score: float
    rank: int


@dataclass(frozen=True)
class ReplyLease:
    """Who writes the replies this process starts, and for how long without renewing."""

    owner: str
    seconds: float


@dataclass(frozen=True)
class ReplyEnd:
    """How a reply ended: what the generation task writes in one go."""

    content: str
    status: Status
    model: str | None
    tokens: int | None = None
    prompt_tokens: int | None = None
    error: str | None = None
    embedding: list[float] | None = field(default=None, repr=False)
    # The prompt's vector read with the turn it answers (None: keep the one it has).
    prompt_embedding: list[float] | None = field(default=None, repr=False)
    used_context: list[ContextSource] = field(default_factory=list)


@dataclass(frozen=True)
class Siblings:
    messages: list[Message]
    position: int  # 0-based index of the asked-for message in ``messages``


@dataclass(frozen=True)
class PruneResult:
    deleted: int
    head_id: str | None


@dataclass(frozen=True)
class AppendResult:
    message: Message
    created: bool  # False when a retried client-given id found the message already there


@dataclass(frozen=True)
class SearchHit:
    via: str  # "vector", "keyword" or "topic"
    score: float
    message: Message
    chat_title: str
    on_active_branch: bool


@dataclass(frozen=True)
class ImportMessage:
    """A message of an imported conversation, with its graph id and stored properties
    (role, content, status, model, created_at, source, source_id, ...)."""

    id: str
    parent_id: str | None
    properties: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ImportChat:
    """One imported conversation, ready to be written in one transaction."""

    id: str
    properties: dict[str, Any]  # title, title_source, model, created_at, updated_at, source...
    messages: list[ImportMessage]  # parents before children
    head_id: str | None
    forked_from_id: str | None = None


@dataclass(frozen=True)
class ImportWrite:
    """What writing one imported conversation changed."""

    chat_created: bool
    messages_created: int
    links_missing: int = 0  # parents (in other chats) that were not there to link to
    # The stored chat of that id shares none of these messages: nothing was written (the
    # import would not extend it, it would graft another conversation onto it).
    diverged: bool = False


# -- accounts (THREADGRAPH_AUTH=accounts) ---------------------------------------------------


class AccountRole(StrEnum):
    ADMIN = "admin"  # manages accounts; reads no one else's chats
    MEMBER = "member"


@dataclass(frozen=True)
class Account:
    """A person who signs in; the password hash never leaves the store."""

    id: str
    name: str
    login: str
    email: str | None
    role: AccountRole
    disabled: bool
    created_at: datetime


@dataclass(frozen=True)
class ApiKey:
    """A person's API key as listed: the secret is shown once, when it is made."""

    id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class Caller:
    """Who a request acts as: the local user, or the person whose key or session it is."""

    user_id: str
    role: AccountRole
    key_id: str | None = None
