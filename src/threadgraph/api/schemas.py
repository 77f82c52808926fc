"""Request and response bodies of the JSON API (Create / Update / Public families)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from threadgraph.context_knobs import ContextOptions, per_request
from threadgraph.models import Chat, Message
from threadgraph.services.fusion import Memory


class RequestBody(BaseModel):
    """A JSON request body. Unknown fields are refused (nothing is assigned that the API
    does not name), and so is text that is not valid Unicode: JSON may spell a lone
    UTF-16 surrogate ("\\ud800"), which no UTF-8 store can hold."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                raise ValueError(
                    f"the text is not valid Unicode: a lone surrogate "
                    f"U+{ord(value[error.start]):04X} at character {error.start}"
                ) from None
        return value


# Rules the services check, written into the OpenAPI document so that a client (and
# schemathesis) knows them: the services keep their own checks and messages.
# Some text that is not only white space (a title, a model, a query). "White space" is
# Python's (str.split, str.strip), which counts U+001C..U+001F and U+0085 too; JSON
# Schema's \s (ECMA) does not, so they are named.
NON_BLANK = r"[^\s\x1c-\x1f\x85]"
# A message: some text that is not only white space, and no NUL character.
MESSAGE_TEXT = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85][^\x00]*$"
UUID: dict[str, Any] = {"format": "uuid"}
ON_OFFER = "one that GET /api/models lists (another is a 400)"


def text_field(description: str | None = None, pattern: str = NON_BLANK) -> Any:
    """An optional text that, when given, must not be blank."""
    return Field(default=None, description=description, json_schema_extra={"pattern": pattern})


def id_field(description: str | None = None) -> Any:
    """An optional id: a UUID (anything else is a 400)."""
    return Field(default=None, description=description, json_schema_extra=UUID)


def message_text() -> Any:
    return Field(json_schema_extra={"pattern": MESSAGE_TEXT})


class ChatCreate(RequestBody):
    title: str | None = text_field("Left out: titled after the first exchange")
    model: str | None = text_field("Default model for this chat's replies; " + ON_OFFER)
    id: str | None = id_field("A client-made UUID, for safe retries")


class ChatUpdate(RequestBody):
    title: str | None = text_field()
    model: str | None = text_field(ON_OFFER)
    head_id: str | None = id_field(
        "Show another branch: HEAD moves here, or to the newest leaf below it (a message "
        "of this chat: any other id is a 400)"
    )


class ChatPublic(BaseModel):
    id: str
    title: str
    model: str | None
    created_at: datetime
    updated_at: datetime
    head_id: str | None
    forked_from_id: str | None = Field(description="The message this chat continues from")

    @classmethod
    def of(cls, chat: Chat) -> ChatPublic:
        return cls(
            id=chat.id,
            title=chat.title,
            model=chat.model,
            created_at=chat.created_at,
            updated_at=chat.updated_at,
            head_id=chat.head_id,
            forked_from_id=chat.forked_from_id,
        )


class MessagePublic(BaseModel):
    id: str
    chat_id: str
    parent_id: str | None
    role: str
    content: str
    status: str
    model: str | None
    created_at: datetime
    tokens: int | None
    prompt_tokens: int | None
    error: str | None

    @classmethod
    def of(cls, message: Message) -> MessagePublic:
        return cls(
            id=message.id,
            chat_id=message.chat_id,
            parent_id=message.parent_id,
            role=message.role.value,
            content=message.content,
            status=message.status.value,
            model=message.model,
            created_at=message.created_at,
            tokens=message.tokens,
            prompt_tokens=message.prompt_tokens,
            error=message.error,
        )


def message_json(message: Message) -> dict[str, Any]:
    """A message as JSON, in the REST API's shape, for bodies FastAPI does not serialise
    (server-sent events): one shape wherever a message is sent."""
    return MessagePublic.of(message).model_dump(mode="json")


class ChatList(BaseModel):
    chats: list[ChatPublic]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end"
    )


class ChatDetail(BaseModel):
    chat: ChatPublic
    messages: list[MessagePublic] = Field(description="The active branch, root to HEAD")


def _knob_fields() -> dict[str, Any]:
    """Each per-request knob of ``context_knobs.ContextOptions``: optional (None keeps the
    default), with the knob's bounds and meaning."""
    types = get_type_hints(ContextOptions)
    made: dict[str, Any] = {}
    for knob in per_request():
        meta = knob.metadata
        kind = Literal[meta["choices"]] if meta["choices"] else types[knob.name]
        bounds = {"ge": meta["low"], "le": meta["high"]}
        made[knob.name] = (
            kind | None,
            Field(default=None, description=meta["doc"] or None, **bounds),
        )
    return made


if TYPE_CHECKING:

    class ContextKnobs(RequestBody):
        """Per-request overrides of the context assembly defaults (see the README).
        Made at run time from the knobs' table; to the type checker, any knob by name."""

        def __init__(self, **knobs: object) -> None: ...

else:
    ContextKnobs = create_model(
        "ContextKnobs",
        __base__=RequestBody,
        __doc__="Per-request overrides of the context assembly defaults (see the README).",
        __module__=__name__,
        **_knob_fields(),
    )


class MessageCreate(RequestBody):
    content: str = message_text()
    parent_id: str | None = id_field(
        "Default: the chat's HEAD (a message of this chat: any other id is a 400)"
    )
    id: str | None = id_field("A client-made UUID: retries are safe")
    model: str | None = text_field("Default: the chat's model; " + ON_OFFER)
    stream: bool = Field(default=True, description="Server-sent events, or JSON at the end")
    context: ContextKnobs | None = None


class RegenerateRequest(RequestBody):
    model: str | None = text_field(ON_OFFER)
    stream: bool = True


class TurnPublic(BaseModel):
    prompt: MessagePublic
    reply: MessagePublic


class ModelPublic(BaseModel):
    id: str
    provider: str = Field(description='"endpoint" (OpenAI-compatible) or "local" (offline)')
    label: str
    local: bool


class ModelList(BaseModel):
    models: list[ModelPublic]
    default: str | None
    endpoint: str | None
    endpoint_error: str | None = None
    max_reply_tokens: int = Field(
        description="The most tokens a reply may have: one that reaches it was cut off"
    )


class EditRequest(RequestBody):
    content: str = message_text()
    model: str | None = text_field(ON_OFFER)
    stream: bool = True


class ForkRequest(RequestBody):
    title: str | None = text_field('Default: "<original title> (fork)"')


class SiblingList(BaseModel):
    messages: list[MessagePublic] = Field(description="Oldest first")
    position: int = Field(description="1-based position of the asked-for message")
    count: int


class PruneResultPublic(BaseModel):
    deleted: int
    head_id: str | None


class TreeNode(BaseModel):
    id: str
    parent_id: str | None
    role: str
    status: str
    model: str | None
    preview: str
    created_at: datetime


class TreeEdge(BaseModel):
    child: str
    parent: str
    type: str = "FOLLOWS"


class ChatTreePublic(BaseModel):
    chat_id: str
    head_id: str | None
    forked_from_id: str | None
    messages: list[TreeNode]
    edges: list[TreeEdge] = Field(
        description="Every FOLLOWS edge of the chat's messages, child to parent; a fork's "
        "first messages point at forked_from_id in the original chat"
    )


class ContextPreviewRequest(RequestBody):
    content: str = message_text()
    parent_id: str | None = id_field(
        "Default: the chat's HEAD (a message of this chat: any other id is a 400)"
    )
    context: ContextKnobs | None = None


class PromptMessagePublic(BaseModel):
    role: str
    content: str


class MemoryPublic(BaseModel):
    chat_id: str
    chat_title: str
    date: datetime
    prompt_id: str
    prompt: str
    reply_id: str
    reply: str
    quoted_ids: list[str] = Field(
        description="The messages the model is given from it: the prompt and its reply, or "
        "(memory unit 'message', the default) the one message found, or beside a hit"
    )
    score: float = Field(
        description="The fused score: with fusion 'score' (the default), the sum over the methods "
        "that found it of weight x its score normalised to 0..1 among that method's candidates; "
        "with 'rrf', the sum of weight / (60 + rank)"
    )
    ranks: dict[str, int] = Field(description="Rank per method (vector, keyword, topic), 1 = best")

    @classmethod
    def of(cls, memory: Memory) -> MemoryPublic:
        hit = memory.hit
        return cls(
            chat_id=hit.chat_id,
            chat_title=hit.chat_title,
            date=hit.created_at,
            prompt_id=hit.prompt_id,
            prompt=hit.prompt,
            reply_id=hit.reply_id,
            reply=hit.reply,
            quoted_ids=list(memory.message_ids),
            score=memory.score,
            ranks=memory.ranks,
        )


class ContextPreview(BaseModel):
    messages: list[PromptMessagePublic] = Field(description="Exactly what the model would get")
    branch: list[MessagePublic]
    memories: list[MemoryPublic]


class ProvenanceItem(BaseModel):
    via: str = Field(description='"branch" or "memory"')
    score: float
    rank: int
    chat_id: str
    chat_title: str
    message: MessagePublic


class ProvenanceList(BaseModel):
    message_id: str
    items: list[ProvenanceItem]
