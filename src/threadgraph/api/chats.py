"""/api/chats: create, list, read, rename, delete, and send a message."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse

from threadgraph.api.deps import (
    AssemblerDep,
    CatalogDep,
    SettingsDep,
    StoreDep,
    TurnsDep,
    UserIdDep,
)
from threadgraph.api.replies import respond_with_turn
from threadgraph.api.schemas import (
    ChatCreate,
    ChatDetail,
    ChatList,
    ChatPublic,
    ChatTreePublic,
    ChatUpdate,
    ContextKnobs,
    ContextPreview,
    ContextPreviewRequest,
    MemoryPublic,
    MessageCreate,
    MessagePublic,
    PromptMessagePublic,
    TreeEdge,
    TreeNode,
    TurnPublic,
)
from threadgraph.context_knobs import ContextOptions
from threadgraph.services.context import ContextAssembler

router = APIRouter(prefix="/api/chats", tags=["chats"])

SSE_DOC = {
    200: {
        "description": "Server-sent events (start, delta, done, error) when stream is true; "
        "the finished turn as JSON when stream is false.",
        "content": {"text/event-stream": {}, "application/json": {}},
    },
    502: {"description": "stream=false and the model failed; the prompt is kept"},
}


@router.get("", response_model=ChatList)
def list_chats(
    store: StoreDep,
    user_id: UserIdDep,
    limit: int = Query(default=50, ge=1, le=200),
    cursor: str | None = None,
) -> ChatList:
    page = store.list_chats(user_id, limit=limit, cursor=cursor)
    return ChatList(chats=[ChatPublic.of(c) for c in page.chats], next_cursor=page.next_cursor)


@router.post("", response_model=ChatPublic, status_code=201)
def create_chat(
    body: ChatCreate, store: StoreDep, catalog: CatalogDep, user_id: UserIdDep
) -> ChatPublic:
    catalog.check_offered(body.model)
    chat = store.create_chat(user_id, title=body.title, model=body.model, chat_id=body.id)
    return ChatPublic.of(chat)


@router.get("/{chat_id}", response_model=ChatDetail)
def get_chat(chat_id: str, store: StoreDep, user_id: UserIdDep) -> ChatDetail:
    chat, branch = store.chat_with_branch(user_id, chat_id)
    return ChatDetail(chat=ChatPublic.of(chat), messages=[MessagePublic.of(m) for m in branch])


@router.patch("/{chat_id}", response_model=ChatPublic)
def update_chat(
    chat_id: str, body: ChatUpdate, store: StoreDep, catalog: CatalogDep, user_id: UserIdDep
) -> ChatPublic:
    """Rename, choose the model and/or show another branch: all of it, or nothing."""
    catalog.check_offered(body.model)
    chat = store.update_chat(
        user_id, chat_id, title=body.title, model=body.model, head_id=body.head_id
    )
    return ChatPublic.of(chat)


@router.get("/{chat_id}/tree", response_model=ChatTreePublic)
def get_tree(chat_id: str, store: StoreDep, user_id: UserIdDep) -> ChatTreePublic:
    """Every message of the chat and every FOLLOWS edge, plus HEAD: enough to draw it."""
    tree = store.chat_tree(user_id, chat_id)
    return ChatTreePublic(
        chat_id=tree.chat_id,
        head_id=tree.head_id,
        forked_from_id=tree.forked_from_id,
        messages=[
            TreeNode(
                id=m.id,
                parent_id=m.parent_id,
                role=m.role.value,
                status=m.status.value,
                model=m.model,
                preview=preview(m.content),
                created_at=m.created_at,
            )
            for m in tree.messages
        ],
        edges=[TreeEdge(child=m.id, parent=m.parent_id) for m in tree.messages if m.parent_id],
    )


def preview(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@router.delete("/{chat_id}", status_code=204)
def delete_chat(chat_id: str, store: StoreDep, user_id: UserIdDep) -> Response:
    store.delete_chat(user_id, chat_id)
    return Response(status_code=204)


@router.post(
    "/{chat_id}/messages",
    response_model=TurnPublic,
    status_code=200,
    responses=SSE_DOC,  # type: ignore[arg-type]
)
def send_message(
    chat_id: str,
    body: MessageCreate,
    turns: TurnsDep,
    assembler: AssemblerDep,
    settings: SettingsDep,
    user_id: UserIdDep,
) -> StreamingResponse | JSONResponse:
    """Store the prompt, then stream the reply (or return it whole with stream=false)."""
    turn, live = turns.send(
        user_id,
        chat_id,
        body.content,
        parent_id=body.parent_id,
        message_id=body.id,
        model=body.model,
        options=context_options(assembler, body.context),
    )
    return respond_with_turn(turns, settings, turn, live, body.stream)


@router.post("/{chat_id}/context", response_model=ContextPreview)
def preview_context(
    chat_id: str,
    body: ContextPreviewRequest,
    turns: TurnsDep,
    assembler: AssemblerDep,
    user_id: UserIdDep,
) -> ContextPreview:
    """What a draft prompt would be given (branch, memories, the exact messages), without
    storing it or calling a model."""
    context = turns.preview(
        user_id, chat_id, body.content, body.parent_id, context_options(assembler, body.context)
    )
    return ContextPreview(
        messages=[PromptMessagePublic(role=m.role, content=m.content) for m in context.messages],
        branch=[MessagePublic.of(m) for m in context.branch if m.id != "draft"],
        memories=[MemoryPublic.of(m) for m in context.memories],
    )


def context_options(
    assembler: ContextAssembler, knobs: ContextKnobs | None
) -> ContextOptions | None:
    if knobs is None:
        return None
    return assembler.options(**knobs.model_dump())
