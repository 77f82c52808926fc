"""/api/messages/{id}: read a message, regenerate or stop a reply, re-attach to a stream."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from threadgraph.api.chats import SSE_DOC
from threadgraph.api.deps import SettingsDep, StoreDep, TurnsDep, UserIdDep
from threadgraph.api.replies import respond_with_turn
from threadgraph.api.schemas import (
    ChatDetail,
    ChatPublic,
    EditRequest,
    ForkRequest,
    MessagePublic,
    ProvenanceItem,
    ProvenanceList,
    PruneResultPublic,
    RegenerateRequest,
    SiblingList,
    TurnPublic,
)
from threadgraph.api.streaming import stream_reply

router = APIRouter(prefix="/api/messages", tags=["messages"])


@router.get("/{message_id}", response_model=MessagePublic)
def get_message(message_id: str, store: StoreDep, user_id: UserIdDep) -> MessagePublic:
    return MessagePublic.of(store.get_message(user_id, message_id))


@router.post(
    "/{message_id}/regenerate",
    response_model=TurnPublic,
    responses=SSE_DOC,  # type: ignore[arg-type]
)
def regenerate(
    message_id: str,
    turns: TurnsDep,
    settings: SettingsDep,
    user_id: UserIdDep,
    body: RegenerateRequest | None = None,
) -> StreamingResponse | JSONResponse:
    """A new reply beside this one, optionally from another model (also: retry a failure)."""
    body = body or RegenerateRequest()
    turn, live = turns.regenerate(user_id, message_id, model=body.model)
    return respond_with_turn(turns, settings, turn, live, body.stream)


@router.post(
    "/{message_id}/edit",
    response_model=TurnPublic,
    responses=SSE_DOC,  # type: ignore[arg-type]
)
def edit(
    message_id: str, body: EditRequest, turns: TurnsDep, settings: SettingsDep, user_id: UserIdDep
) -> StreamingResponse | JSONResponse:
    """A new version of a prompt beside the original, answered anew; HEAD moves to it."""
    turn, live = turns.edit(user_id, message_id, body.content, model=body.model)
    return respond_with_turn(turns, settings, turn, live, body.stream)


@router.post("/{message_id}/fork", response_model=ChatDetail, status_code=201)
def fork(
    message_id: str, store: StoreDep, user_id: UserIdDep, body: ForkRequest | None = None
) -> ChatDetail:
    """A new chat continuing from this message; its history is shared, not copied."""
    chat, branch = store.fork_chat(user_id, message_id, title=(body or ForkRequest()).title)
    return ChatDetail(chat=ChatPublic.of(chat), messages=[MessagePublic.of(m) for m in branch])


@router.get("/{message_id}/siblings", response_model=SiblingList)
def siblings(message_id: str, store: StoreDep, user_id: UserIdDep) -> SiblingList:
    """The versions beside this message (same parent, same chat), for < n/m >."""
    found = store.siblings(user_id, message_id)
    return SiblingList(
        messages=[MessagePublic.of(m) for m in found.messages],
        position=found.position + 1,
        count=len(found.messages),
    )


@router.delete("/{message_id}", response_model=PruneResultPublic)
def prune(message_id: str, store: StoreDep, user_id: UserIdDep) -> PruneResultPublic:
    """Delete this message and everything below it; HEAD moves to what remains."""
    result = store.prune(user_id, message_id)
    return PruneResultPublic(deleted=result.deleted, head_id=result.head_id)


@router.get("/{message_id}/provenance", response_model=ProvenanceList)
def provenance(message_id: str, store: StoreDep, user_id: UserIdDep) -> ProvenanceList:
    """What this reply was built from: the branch messages and the memories from other
    chats, each with why (via), its score and rank."""
    items = store.provenance(user_id, message_id)
    return ProvenanceList(
        message_id=message_id,
        items=[
            ProvenanceItem(
                via=p.via,
                score=p.score,
                rank=p.rank,
                chat_id=p.message.chat_id,
                chat_title=p.chat_title,
                message=MessagePublic.of(p.message),
            )
            for p in items
        ],
    )


@router.post("/{message_id}/stop")
def stop(message_id: str, turns: TurnsDep, user_id: UserIdDep) -> dict[str, bool]:
    """Stop a reply being written; it is kept, marked incomplete, with what it has."""
    return {"stopping": turns.stop(user_id, message_id)}


@router.get("/{message_id}/stream", responses=SSE_DOC)  # type: ignore[arg-type]
def reattach(
    message_id: str, turns: TurnsDep, settings: SettingsDep, user_id: UserIdDep
) -> StreamingResponse:
    """Follow a reply again (after a reload): the text so far, then the rest as it comes;
    the same events as the reader who started it was sent."""
    return stream_reply(turns.follow(user_id, message_id), settings.sse_heartbeat_seconds)
